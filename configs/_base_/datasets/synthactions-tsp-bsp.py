# TSP clips of the untrimmed SynthActions split (action, temporal region and
# GVF labels; as configs/_base_/datasets/synthactions-untrimmed-tsp.py) and
# BSP clips synthesized from its trimmed split (boundary labels), in one
# training set, for TSP + BSP trained jointly on one backbone
# (MultiTaskHead). Every sample carries all the fields, the ones it lacks
# filled by PackPretextInputs defaults (-1 labels, which the heads ignore,
# and a zero GVF). Generate the data and the GVF as for the TSP config.
# See docs/en/user_guides/bsp.md.
untrimmed_root = 'data/synthactions-small/untrimmed'
ann_dir = f'{untrimmed_root}/annotations'
gvf_file = 'data/synthactions-small/gvf/tac_r2plus1d-18-w16_max.h5'
gvf_dim = 128
action_label_mapping = f'{ann_dir}/synthactions_action_label_mapping.json'
trimmed_root = 'data/synthactions-small/trimmed'
num_classes = 10
clip_len = 16
frame_interval = 2
tau = clip_len // 2
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
    keys=('action_label', 'region_label', 'gvf', 'boundary_label'),
    meta_keys=('video_name', 'filename', 'clip_start', 'sample_idx',
               'boundary_type'),
    defaults=dict(
        action_label=-1, region_label=-1, gvf=[0.0] * gvf_dim,
        boundary_label=-1))

tsp_train_pipeline = [
    dict(type='DecordOpen'),
    dict(type='SampleClip', clip_len=clip_len, frame_interval=frame_interval),
    dict(type='DecordReadClip'),
    dict(type='mmaction.Resize', scale=(-1, short_side)),
    dict(type='mmaction.Flip', flip_ratio=0.5),
    dict(type='mmaction.RandomCrop', size=crop_size),
    dict(type='mmaction.FormatShape', input_format='NCTHW'),
    pack,
]
tsp_val_pipeline = [
    dict(type='DecordOpen'),
    dict(type='SampleClip', clip_len=clip_len, frame_interval=frame_interval,
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
    dict(type='mmaction.Flip', flip_ratio=0.5),
    dict(type='mmaction.RandomCrop', size=crop_size),
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


def _datasets(split, trimmed_split, test_mode, tsp_pipeline, bsp_pipeline,
              samples_per_video, seed):
    return [
        dict(
            type='UntrimmedVideoDataset',
            ann_file=f'{ann_dir}/synthactions_{split}_tsp_groundtruth.csv',
            data_prefix=dict(video=f'{untrimmed_root}/videos'),
            action_label_mapping=action_label_mapping,
            clips_per_segment=5,
            clip_len=clip_len,
            frame_interval=frame_interval,
            gvf_file=gvf_file,
            pipeline=tsp_pipeline,
            test_mode=test_mode),
        dict(
            type='BoundarySynthesisDataset',
            ann_file=f'{trimmed_root}/{trimmed_split}_list.txt',
            data_prefix=dict(video=f'{trimmed_root}/videos'),
            num_classes=num_classes,
            synthesizers=synthesizers,
            samples_per_video=samples_per_video,
            seed=seed,
            pipeline=bsp_pipeline,
            test_mode=test_mode),
    ]


# The metainfo of the two datasets differ (action classes and regions vs
# boundary types): ConcatDataset keeps the first one's.
ignore_keys = ['classes', 'region_classes', 'boundary_types']
train_dataloader = dict(
    batch_size=8,
    num_workers=1,
    persistent_workers=False,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type='ConcatDataset',
        # ~570 TSP clips (the segments of `small` x 5) and 300 x 2 BSP clips
        datasets=_datasets('train', 'train', False, tsp_train_pipeline,
                           bsp_train_pipeline, 2, 0),
        ignore_keys=ignore_keys))
val_dataloader = dict(
    batch_size=8,
    num_workers=1,
    persistent_workers=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type='ConcatDataset',
        datasets=_datasets('valid', 'val', True, tsp_val_pipeline,
                           bsp_val_pipeline, 3, 1),
        ignore_keys=ignore_keys))
test_dataloader = val_dataloader

val_evaluator = dict(
    type='ClipAccuracy', tasks=('action', 'region', 'boundary'))
test_evaluator = val_evaluator

extract_cfg = dict(
    clip_len=clip_len,
    frame_interval=frame_interval,
    stride=clip_len,
    short_side=short_side,
    crop_size=crop_size)
