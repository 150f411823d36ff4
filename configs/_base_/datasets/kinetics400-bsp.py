# BSP boundary synthesis on Kinetics-400 (the paper's source data, Sec. 3.1),
# mmaction2's list format (``path label``). The paths are placeholders: point
# them at your copy. Clips of 2 tau = 8 consecutive frames (frame_interval
# 1), the paper's 8-frame snippets, resized to a short side of 256, cropped to
# 224 as mmaction2's TSM recipe does. See docs/en/user_guides/bsp.md.
data_root = 'data/kinetics400/videos_train'
data_root_val = 'data/kinetics400/videos_val'
ann_file_train = 'data/kinetics400/kinetics400_train_list_videos.txt'
ann_file_val = 'data/kinetics400/kinetics400_val_list_videos.txt'
num_classes = 400
tau = 4
frame_interval = 1

# Labels: diff-class 0, same-class 1, diff-speed 2, same-speed 3.
synthesizers = [
    dict(type='DiffClassSynthesizer', tau=tau, frame_interval=frame_interval,
         epsilon_range=(1, 2)),
    dict(type='SameClassSynthesizer', tau=tau, frame_interval=frame_interval),
    dict(type='DiffSpeedSynthesizer', tau=tau, frame_interval=frame_interval,
         t_range=(2, 6), gamma_ranges=((0.25, 0.75), (1.5, 3.0))),
    dict(type='SameSpeedSynthesizer', tau=tau, frame_interval=frame_interval),
]
mixture = [1, 1, 1, 1]
pack_keys = ('boundary_label', )
pack_meta_keys = ('video_name', 'filename', 'sample_idx', 'boundary_type',
                  'change_point', 'synth_params', 'source_labels')

train_pipeline = [
    dict(type='SynthesizeBoundary'),
    dict(type='mmaction.Resize', scale=(-1, 256)),
    dict(
        type='mmaction.MultiScaleCrop',
        input_size=224,
        scales=(1, 0.875, 0.75, 0.66),
        random_crop=False,
        max_wh_scale_gap=1),
    dict(type='mmaction.Resize', scale=(224, 224), keep_ratio=False),
    dict(type='mmaction.Flip', flip_ratio=0.5),
    dict(type='mmaction.FormatShape', input_format='NCTHW'),
    dict(type='PackPretextInputs', keys=pack_keys, meta_keys=pack_meta_keys),
]
val_pipeline = [
    dict(type='SynthesizeBoundary'),
    dict(type='mmaction.Resize', scale=(-1, 256)),
    dict(type='mmaction.CenterCrop', crop_size=224),
    dict(type='mmaction.FormatShape', input_format='NCTHW'),
    dict(type='PackPretextInputs', keys=pack_keys, meta_keys=pack_meta_keys),
]

train_dataloader = dict(
    batch_size=16,
    num_workers=8,
    persistent_workers=False,  # DatasetEpochHook needs fresh workers
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type='BoundarySynthesisDataset',
        ann_file=ann_file_train,
        data_prefix=dict(video=data_root),
        num_classes=num_classes,
        synthesizers=synthesizers,
        mixture=mixture,
        samples_per_video=1,
        seed=0,
        pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=16,
    num_workers=8,
    persistent_workers=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type='BoundarySynthesisDataset',
        ann_file=ann_file_val,
        data_prefix=dict(video=data_root_val),
        num_classes=num_classes,
        synthesizers=synthesizers,
        mixture=mixture,
        samples_per_video=1,
        seed=1,
        pipeline=val_pipeline,
        test_mode=True))
test_dataloader = val_dataloader

val_evaluator = dict(type='ClipAccuracy', tasks=('boundary', ))
test_evaluator = val_evaluator

# The paper's features: every 8 consecutive frames form a snippet (Sec. 4.1).
extract_cfg = dict(
    clip_len=8, frame_interval=1, stride=8, short_side=256, crop_size=224)
