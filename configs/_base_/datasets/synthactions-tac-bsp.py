# Trimmed SynthActions clips (TAC, action labels) and BSP clips synthesized
# from the same trimmed split (boundary labels), in one training set, for the
# single-network integrations of BSP with action classification (Sec. 3.4):
# two-head (MultiTaskHead) and feature distillation. Every sample carries
# both labels, -1 for the one it lacks (PackPretextInputs defaults), which
# the heads ignore. 16x2 clips, 56x56 crops.
# See docs/en/user_guides/bsp.md.
data_root = 'data/synthactions-small/trimmed'
num_classes = 10
tau = 8
frame_interval = 2
short_side = 64
crop_size = 56

synthesizers = [
    dict(type='DiffClassSynthesizer', tau=tau, frame_interval=frame_interval,
         epsilon_range=(1, tau // 2)),
    dict(type='SameClassSynthesizer', tau=tau, frame_interval=frame_interval),
    dict(type='DiffSpeedSynthesizer', tau=tau, frame_interval=frame_interval,
         t_range=(tau // 2, tau + tau // 2),
         gamma_ranges=((0.25, 0.75), (1.5, 3.0))),
    dict(type='SameSpeedSynthesizer', tau=tau, frame_interval=frame_interval),
]
pack = dict(
    type='PackPretextInputs',
    keys=('action_label', 'boundary_label'),
    meta_keys=('video_name', 'filename', 'sample_idx', 'boundary_type'),
    defaults=dict(action_label=-1, boundary_label=-1))

tac_train_pipeline = [
    dict(type='DecordOpen'),
    dict(type='SampleClip', clip_len=2 * tau, frame_interval=frame_interval),
    dict(type='DecordReadClip'),
    dict(type='mmaction.Resize', scale=(-1, short_side)),
    dict(type='mmaction.RandomCrop', size=crop_size),
    dict(type='mmaction.Flip', flip_ratio=0.5),
    dict(type='mmaction.FormatShape', input_format='NCTHW'),
    pack,
]
tac_val_pipeline = [
    dict(type='DecordOpen'),
    dict(type='SampleClip', clip_len=2 * tau, frame_interval=frame_interval,
         test_mode=True),
    dict(type='DecordReadClip'),
    dict(type='mmaction.Resize', scale=(-1, short_side)),
    dict(type='mmaction.CenterCrop', crop_size=crop_size),
    dict(type='mmaction.FormatShape', input_format='NCTHW'),
    pack,
]
bsp_train_pipeline = [
    dict(type='SynthesizeBoundary'),
    dict(type='mmaction.Resize', scale=(-1, short_side)),
    dict(type='mmaction.RandomCrop', size=crop_size),
    dict(type='mmaction.Flip', flip_ratio=0.5),
    dict(type='mmaction.FormatShape', input_format='NCTHW'),
    pack,
]
bsp_val_pipeline = [
    dict(type='SynthesizeBoundary'),
    dict(type='mmaction.Resize', scale=(-1, short_side)),
    dict(type='mmaction.CenterCrop', crop_size=crop_size),
    dict(type='mmaction.FormatShape', input_format='NCTHW'),
    pack,
]


def _datasets(split, test_mode, tac_pipeline, bsp_pipeline, repeats,
              samples_per_video, seed):
    return [
        dict(
            type='RepeatDataset',
            times=repeats,
            dataset=dict(
                type='TrimmedVideoDataset',
                ann_file=f'{data_root}/{split}_list.txt',
                data_prefix=dict(video=f'{data_root}/videos'),
                num_classes=num_classes,
                pipeline=tac_pipeline,
                test_mode=test_mode)),
        dict(
            type='BoundarySynthesisDataset',
            ann_file=f'{data_root}/{split}_list.txt',
            data_prefix=dict(video=f'{data_root}/videos'),
            num_classes=num_classes,
            synthesizers=synthesizers,
            samples_per_video=samples_per_video,
            seed=seed,
            pipeline=bsp_pipeline,
            test_mode=test_mode),
    ]


train_dataloader = dict(
    batch_size=8,
    num_workers=1,
    persistent_workers=False,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type='ConcatDataset',
        # as many TAC clips (each video 8 times, random clips) as BSP clips
        datasets=_datasets('train', False, tac_train_pipeline,
                           bsp_train_pipeline, 8, 8, 0),
        ignore_keys=['boundary_types']))
val_dataloader = dict(
    batch_size=8,
    num_workers=1,
    persistent_workers=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type='ConcatDataset',
        datasets=_datasets('val', True, tac_val_pipeline, bsp_val_pipeline,
                           1, 10, 1),
        ignore_keys=['boundary_types']))
test_dataloader = val_dataloader

val_evaluator = dict(type='ClipAccuracy', tasks=('action', 'boundary'))
test_evaluator = val_evaluator

extract_cfg = dict(
    clip_len=2 * tau,
    frame_interval=frame_interval,
    stride=2 * tau,
    short_side=short_side,
    crop_size=crop_size)
