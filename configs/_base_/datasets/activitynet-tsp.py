# activitynet clips for TSP, read from the official TSP annotation CSVs (copies in
# ../shared/data/tsp_official/ or github.com/HumamAlwassel/TSP/data). Videos
# must be re-encoded to 30 fps mp4 (docs/en/user_guides/data_preparation.md).
# The GVF file comes from tools/precompute_gvf.py with the initial encoder.
data_root = 'data/activitynet'
ann_dir = f'{data_root}/annotations'
video_dir = f'{data_root}/videos'
gvf_file = f'{data_root}/gvf/r2plus1d-34_k400_max.h5'
action_label_mapping = f'{ann_dir}/activitynet_v1-3_action_label_mapping.json'
clip_len = 16
frame_interval = 2

# Official transforms: resize to 128x171, random flip, random crop 112
# (training) / centre crop 112 (validation); normalisation is in the model.
train_transforms = [
    dict(type='DecordOpen'),
    dict(type='SampleClip', clip_len=clip_len, frame_interval=frame_interval),
    dict(type='DecordReadClip'),
    dict(type='mmaction.Resize', scale=(171, 128), keep_ratio=False),
    dict(type='mmaction.Flip', flip_ratio=0.5),
    dict(type='mmaction.RandomCrop', size=112),
    dict(type='mmaction.FormatShape', input_format='NCTHW'),
]
val_transforms = [
    dict(type='DecordOpen'),
    dict(type='SampleClip', clip_len=clip_len, frame_interval=frame_interval,
         test_mode=True),
    dict(type='DecordReadClip'),
    dict(type='mmaction.Resize', scale=(171, 128), keep_ratio=False),
    dict(type='mmaction.CenterCrop', crop_size=112),
    dict(type='mmaction.FormatShape', input_format='NCTHW'),
]
# TSP packs both labels and the GVF; the TAC-on-target baselines use the
# foreground pipelines (action label only) as `pipeline=_base_.fg_*`.
tsp_pack = [dict(type='PackPretextInputs',
                 keys=('action_label', 'region_label', 'gvf'))]
fg_pack = [dict(type='PackPretextInputs', keys=('action_label', ))]
train_pipeline = train_transforms + tsp_pack
val_pipeline = val_transforms + tsp_pack
fg_train_pipeline = train_transforms + fg_pack
fg_val_pipeline = val_transforms + fg_pack

dataset_type = 'UntrimmedVideoDataset'
train_dataloader = dict(
    batch_size=32,
    num_workers=6,
    persistent_workers=False,  # DatasetEpochHook reseeds clips every epoch
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type=dataset_type,
        ann_file=f'{ann_dir}/activitynet_v1-3_train_tsp_groundtruth.csv',
        data_prefix=dict(video=video_dir),
        action_label_mapping=action_label_mapping,
        clips_per_segment=5,
        clip_len=clip_len,
        frame_interval=frame_interval,
        gvf_file=gvf_file,
        pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=32,
    num_workers=6,
    persistent_workers=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        ann_file=f'{ann_dir}/activitynet_v1-3_valid_tsp_groundtruth.csv',
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
# tools/precompute_gvf.py): official TSP extraction, centre crop 112 after
# resizing the short side to 128; clip starts every 16 sampled frames
# (16 for the ActivityNet releases, 1 for THUMOS14).
extract_cfg = dict(
    clip_len=clip_len,
    frame_interval=frame_interval,
    stride=16,
    short_side=128,
    crop_size=112,
    batch_size=32,
    num_workers=4)
