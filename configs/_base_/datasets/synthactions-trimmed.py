# Trimmed SynthActions clips (the Kinetics analogue) for TAC pretraining.
# Generate with: python tools/data/generate_synthetic.py data/synthactions-small --preset small
data_root = 'data/synthactions-small/trimmed'
num_classes = 10
clip_len = 16
frame_interval = 2
short_side = 64
crop_size = 56

train_pipeline = [
    dict(type='DecordOpen'),
    dict(type='SampleClip', clip_len=clip_len, frame_interval=frame_interval),
    dict(type='DecordReadClip'),
    dict(type='mmaction.Resize', scale=(-1, short_side)),
    dict(type='mmaction.RandomCrop', size=crop_size),
    dict(type='mmaction.Flip', flip_ratio=0.5),
    dict(type='mmaction.FormatShape', input_format='NCTHW'),
    dict(type='PackPretextInputs', keys=('action_label', )),
]
val_pipeline = [
    dict(type='DecordOpen'),
    dict(
        type='SampleClip',
        clip_len=clip_len,
        frame_interval=frame_interval,
        test_mode=True),
    dict(type='DecordReadClip'),
    dict(type='mmaction.Resize', scale=(-1, short_side)),
    dict(type='mmaction.CenterCrop', crop_size=crop_size),
    dict(type='mmaction.FormatShape', input_format='NCTHW'),
    dict(type='PackPretextInputs', keys=('action_label', )),
]

train_dataloader = dict(
    batch_size=8,
    num_workers=1,
    persistent_workers=False,
    sampler=dict(type='DefaultSampler', shuffle=True),
    # each 4 s clip gives two random 1 s clips per epoch
    dataset=dict(
        type='RepeatDataset',
        times=2,
        dataset=dict(
            type='TrimmedVideoDataset',
            ann_file=f'{data_root}/train_list.txt',
            data_prefix=dict(video=f'{data_root}/videos'),
            num_classes=num_classes,
            pipeline=train_pipeline)))
val_dataloader = dict(
    batch_size=8,
    num_workers=1,
    persistent_workers=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type='TrimmedVideoDataset',
        ann_file=f'{data_root}/val_list.txt',
        data_prefix=dict(video=f'{data_root}/videos'),
        num_classes=num_classes,
        pipeline=val_pipeline,
        test_mode=True))
test_dataloader = val_dataloader

val_evaluator = dict(type='ClipAccuracy', tasks=('action', ))
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
