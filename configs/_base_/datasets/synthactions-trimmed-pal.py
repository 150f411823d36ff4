# PAL on the trimmed SynthActions clips (the Kinetics analogue), labels
# ignored. Generate with:
#   python tools/data/generate_synthetic.py data/synthactions-small \
#       --preset small
# Reduced for CPUs: 4 clips x 4 frames per synthesized video (the paper: 8 x
# 8), regions of at most 3 clips (the paper's 6 of 8), 32x32 crops of the
# native 64x86 frames (blur sigma scaled down with the crop).
data_root = 'data/synthactions-small/trimmed'

synthesizer = dict(
    type='PseudoActionPaste',
    num_clips=4,
    clip_len=4,
    min_region_clips=1,
    max_region_clips=3,
    strides=(1, 2, 3, 4),
    beta_range=(0.6, 1.0),
    paste='different')
# MoCo v2's augmentation of each synthesized video, one draw per video
# (RandomApply is mmcv's).
view_pipeline = [
    dict(
        type='mmaction.RandomResizedCrop',
        area_range=(0.2, 1.0),
        aspect_ratio_range=(3 / 4, 4 / 3)),
    dict(type='mmaction.Resize', scale=(32, 32), keep_ratio=False),
    dict(type='mmaction.Flip', flip_ratio=0.5),
    dict(
        type='RandomApply',
        prob=0.8,
        transforms=[
            dict(
                type='VideoColorJitter',
                brightness=0.4,
                contrast=0.4,
                saturation=0.4,
                hue=0.1)
        ]),
    dict(
        type='RandomApply',
        prob=0.5,
        transforms=[dict(type='VideoGaussianBlur', sigma_range=(0.1, 0.6))]),
]
train_pipeline = [
    dict(
        type='PastePseudoActions',
        synthesizer=synthesizer,
        view_pipeline=view_pipeline,
        frame_size=None),
    dict(type='mmaction.FormatShape', input_format='NCTHW'),
    dict(
        type='PackPretextInputs',
        keys=('region_a', 'region_b'),
        meta_keys=('video_name', 'filename', 'sample_idx',
                   'background_names', 'pal_betas', 'pal_strides')),
]
val_pipeline = train_pipeline

train_dataloader = dict(
    batch_size=8,
    num_workers=1,
    persistent_workers=False,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type='PseudoActionDataset',
        ann_file=f'{data_root}/train_list.txt',
        data_prefix=dict(video=f'{data_root}/videos'),
        pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=8,
    num_workers=1,
    persistent_workers=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type='PseudoActionDataset',
        ann_file=f'{data_root}/val_list.txt',
        data_prefix=dict(video=f'{data_root}/videos'),
        pipeline=val_pipeline,
        test_mode=True))
test_dataloader = val_dataloader

val_evaluator = dict(type='ContrastiveAccuracy')
test_evaluator = val_evaluator

extract_cfg = dict(
    clip_len=4, frame_interval=2, stride=4, short_side=64, crop_size=32)
