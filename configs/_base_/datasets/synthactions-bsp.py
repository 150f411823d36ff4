# BSP boundary synthesis (Xu et al., CVPR 2021, Sec. 3.2) on the trimmed
# SynthActions split (the Kinetics analogue). Generate it with
#   python tools/data/generate_synthetic.py data/synthactions-small --preset small
# Clips of 2 tau = 16 frames, one every 2 source frames (the 16x2 clips of the
# SynthActions TAC/TSP configs and of feature extraction), 56x56 crops.
# See docs/en/user_guides/bsp.md for every option.
data_root = 'data/synthactions-small/trimmed'
num_classes = 10
tau = 8
frame_interval = 2
short_side = 64
crop_size = 56

# Labels follow the order of this list: diff-class 0, same-class 1,
# diff-speed 2, same-speed 3 (the paper's S = {S_dc, S_sc, S_ds, S_ss}).
synthesizers = [
    dict(type='DiffClassSynthesizer', tau=tau, frame_interval=frame_interval,
         epsilon_range=(1, tau // 2)),
    dict(type='SameClassSynthesizer', tau=tau, frame_interval=frame_interval),
    dict(type='DiffSpeedSynthesizer', tau=tau, frame_interval=frame_interval,
         t_range=(tau // 2, tau + tau // 2),
         gamma_ranges=((0.25, 0.75), (1.5, 3.0))),
    dict(type='SameSpeedSynthesizer', tau=tau, frame_interval=frame_interval),
]
mixture = [1, 1, 1, 1]
pack_keys = ('boundary_label', )
pack_meta_keys = ('video_name', 'filename', 'sample_idx', 'boundary_type',
                  'change_point', 'synth_params', 'source_labels')

train_pipeline = [
    dict(type='SynthesizeBoundary'),
    dict(type='mmaction.Resize', scale=(-1, short_side)),
    dict(type='mmaction.RandomCrop', size=crop_size),
    dict(type='mmaction.Flip', flip_ratio=0.5),
    dict(type='mmaction.FormatShape', input_format='NCTHW'),
    dict(type='PackPretextInputs', keys=pack_keys, meta_keys=pack_meta_keys),
]
val_pipeline = [
    dict(type='SynthesizeBoundary'),
    dict(type='mmaction.Resize', scale=(-1, short_side)),
    dict(type='mmaction.CenterCrop', crop_size=crop_size),
    dict(type='mmaction.FormatShape', input_format='NCTHW'),
    dict(type='PackPretextInputs', keys=pack_keys, meta_keys=pack_meta_keys),
]

train_dataloader = dict(
    batch_size=8,
    num_workers=1,
    # BoundarySynthesisDataset draws with (seed, epoch, index); the epoch is
    # set by DatasetEpochHook, which needs fresh workers every epoch.
    persistent_workers=False,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type='BoundarySynthesisDataset',
        ann_file=f'{data_root}/train_list.txt',
        data_prefix=dict(video=f'{data_root}/videos'),
        num_classes=num_classes,
        synthesizers=synthesizers,
        mixture=mixture,
        # 300 training videos in `small` (30 a class): 600 clips an epoch,
        # as many as the SynthActions TAC config sees (300 clips x 2)
        samples_per_video=2,
        seed=0,
        pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=8,
    num_workers=1,
    persistent_workers=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type='BoundarySynthesisDataset',
        ann_file=f'{data_root}/val_list.txt',
        data_prefix=dict(video=f'{data_root}/videos'),
        num_classes=num_classes,
        synthesizers=synthesizers,
        mixture=mixture,
        # 80 validation videos: 240 clips, fixed draws (seed 1)
        samples_per_video=3,
        seed=1,
        pipeline=val_pipeline,
        test_mode=True))
test_dataloader = val_dataloader

val_evaluator = dict(type='ClipAccuracy', tasks=('boundary', ))
test_evaluator = val_evaluator

# Feature extraction with these encoders (tools/extract_features.py): the
# training clip format.
extract_cfg = dict(
    clip_len=2 * tau,
    frame_interval=frame_interval,
    stride=2 * tau,
    short_side=short_side,
    crop_size=crop_size)
