# Untrimmed SynthActions (the ActivityNet analogue) for TSP, in the official
# TSP CSV format. Generate with
#   python tools/data/generate_synthetic.py data/synthactions-small --preset small
# and the GVF with tools/precompute_gvf.py (the demo does both).
data_root = 'data/synthactions-small/untrimmed'
ann_dir = f'{data_root}/annotations'
video_dir = f'{data_root}/videos'
gvf_file = 'data/synthactions-small/gvf/tac_r2plus1d-18-w16_max.h5'
action_label_mapping = f'{ann_dir}/synthactions_action_label_mapping.json'
clip_len = 16
frame_interval = 2
short_side = 64
crop_size = 56

train_transforms = [
    dict(type='DecordOpen'),
    dict(type='SampleClip', clip_len=clip_len, frame_interval=frame_interval),
    dict(type='DecordReadClip'),
    dict(type='mmaction.Resize', scale=(-1, short_side)),
    dict(type='mmaction.Flip', flip_ratio=0.5),
    dict(type='mmaction.RandomCrop', size=crop_size),
    dict(type='mmaction.FormatShape', input_format='NCTHW'),
]
val_transforms = [
    dict(type='DecordOpen'),
    dict(type='SampleClip', clip_len=clip_len, frame_interval=frame_interval,
         test_mode=True),
    dict(type='DecordReadClip'),
    dict(type='mmaction.Resize', scale=(-1, short_side)),
    dict(type='mmaction.CenterCrop', crop_size=crop_size),
    dict(type='mmaction.FormatShape', input_format='NCTHW'),
]
# TSP packs both labels and the GVF; TAC on the target split uses the
# foreground pipelines (action label only) as `pipeline=_base_.fg_*`, TSP
# without the action head the region pipelines (region label only).
tsp_pack = [dict(type='PackPretextInputs',
                 keys=('action_label', 'region_label', 'gvf'))]
fg_pack = [dict(type='PackPretextInputs', keys=('action_label', ))]
region_pack = [dict(type='PackPretextInputs', keys=('region_label', ))]
train_pipeline = train_transforms + tsp_pack
val_pipeline = val_transforms + tsp_pack
fg_train_pipeline = train_transforms + fg_pack
fg_val_pipeline = val_transforms + fg_pack
region_train_pipeline = train_transforms + region_pack
region_val_pipeline = val_transforms + region_pack

dataset_type = 'UntrimmedVideoDataset'
train_dataloader = dict(
    batch_size=8,
    num_workers=1,
    persistent_workers=False,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type=dataset_type,
        ann_file=f'{ann_dir}/synthactions_train_tsp_groundtruth.csv',
        data_prefix=dict(video=video_dir),
        action_label_mapping=action_label_mapping,
        clips_per_segment=5,
        clip_len=clip_len,
        frame_interval=frame_interval,
        gvf_file=gvf_file,
        pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=8,
    num_workers=1,
    persistent_workers=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        ann_file=f'{ann_dir}/synthactions_valid_tsp_groundtruth.csv',
        data_prefix=dict(video=video_dir),
        action_label_mapping=action_label_mapping,
        clips_per_segment=5,
        clip_len=clip_len,
        frame_interval=frame_interval,
        gvf_file=gvf_file,
        pipeline=val_pipeline,
        test_mode=True))
test_dataloader = val_dataloader

val_evaluator = dict(type='ClipAccuracy', tasks=('action', 'region'))
test_evaluator = val_evaluator

# Feature extraction / GVF settings (tools/extract_features.py,
# tools/precompute_gvf.py): the same clips and resolution as training.
extract_cfg = dict(
    clip_len=clip_len,
    frame_interval=frame_interval,
    stride=16,
    short_side=short_side,
    crop_size=crop_size,
    batch_size=16,
    num_workers=1)
