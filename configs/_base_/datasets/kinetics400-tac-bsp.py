# Kinetics-400 clips (action labels) and BSP clips synthesized from the same
# list (boundary labels) in one training set, for the two-head and the
# feature-distillation integrations (Sec. 3.4) in the paper's setting: 8
# consecutive frames, 224x224 crops. Each sample carries both labels, -1 for
# the one it lacks. Placeholder paths as in kinetics400-bsp.py.
data_root = 'data/kinetics400/videos_train'
data_root_val = 'data/kinetics400/videos_val'
ann_file_train = 'data/kinetics400/kinetics400_train_list_videos.txt'
ann_file_val = 'data/kinetics400/kinetics400_val_list_videos.txt'
num_classes = 400
tau = 4
frame_interval = 1

synthesizers = [
    dict(type='DiffClassSynthesizer', tau=tau, frame_interval=frame_interval,
         epsilon_range=(1, 2)),
    dict(type='SameClassSynthesizer', tau=tau, frame_interval=frame_interval),
    dict(type='DiffSpeedSynthesizer', tau=tau, frame_interval=frame_interval,
         t_range=(2, 6), gamma_ranges=((0.25, 0.75), (1.5, 3.0))),
    dict(type='SameSpeedSynthesizer', tau=tau, frame_interval=frame_interval),
]
pack = dict(
    type='PackPretextInputs',
    keys=('action_label', 'boundary_label'),
    meta_keys=('video_name', 'filename', 'sample_idx', 'boundary_type'),
    defaults=dict(action_label=-1, boundary_label=-1))
augment = [
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
    pack,
]
centre = [
    dict(type='mmaction.Resize', scale=(-1, 256)),
    dict(type='mmaction.CenterCrop', crop_size=224),
    dict(type='mmaction.FormatShape', input_format='NCTHW'),
    pack,
]
decode_train = [
    dict(type='DecordOpen'),
    dict(type='SampleClip', clip_len=2 * tau, frame_interval=frame_interval),
    dict(type='DecordReadClip'),
]
decode_val = [
    dict(type='DecordOpen'),
    dict(type='SampleClip', clip_len=2 * tau, frame_interval=frame_interval,
         test_mode=True),
    dict(type='DecordReadClip'),
]


def _datasets(ann_file, root, test_mode, seed):
    return [
        dict(
            type='TrimmedVideoDataset',
            ann_file=ann_file,
            data_prefix=dict(video=root),
            num_classes=num_classes,
            pipeline=(decode_val + centre) if test_mode else
            (decode_train + augment),
            test_mode=test_mode),
        dict(
            type='BoundarySynthesisDataset',
            ann_file=ann_file,
            data_prefix=dict(video=root),
            num_classes=num_classes,
            synthesizers=synthesizers,
            samples_per_video=1,
            seed=seed,
            pipeline=[dict(type='SynthesizeBoundary')] +
            (centre if test_mode else augment),
            test_mode=test_mode),
    ]


train_dataloader = dict(
    batch_size=16,
    num_workers=8,
    persistent_workers=False,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type='ConcatDataset',
        datasets=_datasets(ann_file_train, data_root, False, 0),
        ignore_keys=['boundary_types']))
val_dataloader = dict(
    batch_size=16,
    num_workers=8,
    persistent_workers=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type='ConcatDataset',
        datasets=_datasets(ann_file_val, data_root_val, True, 1),
        ignore_keys=['boundary_types']))
test_dataloader = val_dataloader

val_evaluator = dict(type='ClipAccuracy', tasks=('action', 'boundary'))
test_evaluator = val_evaluator

extract_cfg = dict(
    clip_len=8, frame_interval=1, stride=8, short_side=256, crop_size=224)
