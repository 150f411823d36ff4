# activitynet clips for TSP, read from the official TSP annotation CSVs (copies in
# ../shared/data/tsp_official/ or github.com/HumamAlwassel/TSP/data). Videos
# may have any frame rate: clips are resampled by time to 15 fps as in the
# official code (whose data preparation re-encodes them to 30 fps first,
# docs/en/user_guides/data_preparation.md).
# The GVF file comes from tools/precompute_gvf.py with the initial encoder.
data_root = 'data/activitynet'
ann_dir = f'{data_root}/annotations'
video_dir = f'{data_root}/videos'
gvf_file = f'{data_root}/gvf/r2plus1d-34_k400_max.h5'
action_label_mapping = f'{ann_dir}/activitynet_v1-3_action_label_mapping.json'
# The one preprocessing spec of training, validation and extraction
# (extract_cfg below), as the official code does it: 16 frames sampled by
# time at 15 fps from any source rate (clips of 16/15 s), every frame resized
# to 128x171 (float bilinear, aspect ratio not kept), random flip and random
# crop 112 (training) / the official centre crop 112 (validation);
# normalisation (Kinetics mean and std) is in the model's data_preprocessor.
clip_len = 16
fps = 15
resize = (128, 171)  # (height, width)
crop_size = 112
train_transforms = [
    dict(type='DecordOpen'),
    dict(type='SampleClip', clip_len=clip_len, fps=fps),
    dict(type='DecordReadClip'),
    dict(type='ResizeClip', size=resize),
    dict(type='mmaction.Flip', flip_ratio=0.5),
    dict(type='mmaction.RandomCrop', size=crop_size),
    dict(type='mmaction.FormatShape', input_format='NCTHW'),
]
val_transforms = [
    dict(type='DecordOpen'),
    dict(type='SampleClip', clip_len=clip_len, fps=fps, test_mode=True),
    dict(type='DecordReadClip'),
    dict(type='ResizeClip', size=resize),
    dict(type='CentreCropClip', crop_size=crop_size),
    dict(type='mmaction.FormatShape', input_format='NCTHW'),
]
# TSP packs both labels and the GVF; the variants use the other pipelines
# as `pipeline=_base_.<name>`: TAC on the target data the action label only
# (fg_*; background clips carry -1), TSP without GVF both labels (nogvf_*),
# TSP without the action head the region label only (region_*).
tsp_pack = [dict(type='PackPretextInputs',
                 keys=('action_label', 'region_label', 'gvf'))]
fg_pack = [dict(type='PackPretextInputs', keys=('action_label', ))]
nogvf_pack = [dict(type='PackPretextInputs',
                   keys=('action_label', 'region_label'))]
region_pack = [dict(type='PackPretextInputs', keys=('region_label', ))]
train_pipeline = train_transforms + tsp_pack
val_pipeline = val_transforms + tsp_pack
fg_train_pipeline = train_transforms + fg_pack
fg_val_pipeline = val_transforms + fg_pack
nogvf_train_pipeline = train_transforms + nogvf_pack
nogvf_val_pipeline = val_transforms + nogvf_pack
region_train_pipeline = train_transforms + region_pack
region_val_pipeline = val_transforms + region_pack

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
        sample_fps=fps,
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
        sample_fps=fps,
        gvf_file=gvf_file,
        pipeline=val_pipeline,
        test_mode=True))
test_dataloader = val_dataloader

val_evaluator = dict(type='ClipAccuracy', tasks=('action', 'region'))
test_evaluator = val_evaluator

# Feature extraction / GVF settings (tools/extract_features.py,
# tools/precompute_gvf.py): the official TSP extractor, with the clips and
# preprocessing of validation; clip starts every 16 sampled frames (16 for
# the ActivityNet releases, 1 for THUMOS14). resize_backend='decoder' is
# the faster, not bit-exact option (docs/en/user_guides/feature_extraction.md).
extract_cfg = dict(
    clip_len=clip_len,
    fps=fps,
    stride=16,
    resize=resize,
    crop_size=crop_size,
    resize_backend='official',
    batch_size=32,
    num_workers=4)
