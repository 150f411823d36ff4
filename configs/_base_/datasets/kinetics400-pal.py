# Kinetics-400 videos without labels for PAL (the list's labels are ignored).
# Lists in mmaction2's format (``path label`` per line), e.g. made by
# mmaction2's tools/data/kinetics scripts; set data_root to your copy.
data_root = 'data/kinetics400'
ann_file_train = f'{data_root}/kinetics400_train_list_videos.txt'
ann_file_val = f'{data_root}/kinetics400_val_list_videos.txt'

# Sec. 4.1.1: 8 clips x 8 frames at 112x112, pseudo-action regions of at
# most 6 clips, frame stride in [1, 4], blending ratio in [0.6, 1.0], two
# different backgrounds; frames resized to 128x171 while decoding.
synthesizer = dict(
    type='PseudoActionPaste',
    num_clips=8,
    clip_len=8,
    min_region_clips=1,
    max_region_clips=6,
    strides=(1, 2, 3, 4),
    beta_range=(0.6, 1.0),
    paste='different')
# Augmentation of each synthesized video, one draw per video (MoCo v2's, the
# four operations the paper names): random resized crop to 112x112,
# horizontal flip, colour jitter with probability 0.8, Gaussian blur with
# probability 0.5 (RandomApply is mmcv's).
view_pipeline = [
    dict(
        type='mmaction.RandomResizedCrop',
        area_range=(0.2, 1.0),
        aspect_ratio_range=(3 / 4, 4 / 3)),
    dict(type='mmaction.Resize', scale=(112, 112), keep_ratio=False),
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
        transforms=[dict(type='VideoGaussianBlur', sigma_range=(0.1, 2.0))]),
]
train_pipeline = [
    dict(
        type='PastePseudoActions',
        synthesizer=synthesizer,
        view_pipeline=view_pipeline,
        frame_size=(128, 171)),
    dict(type='mmaction.FormatShape', input_format='NCTHW'),
    dict(
        type='PackPretextInputs',
        keys=('region_a', 'region_b'),
        meta_keys=('video_name', 'filename', 'sample_idx',
                   'background_names', 'pal_betas', 'pal_strides')),
]
# Validation: the same task on the validation videos, drawn once (the
# per-sample seeds do not depend on the epoch in test mode).
val_pipeline = train_pipeline

train_dataloader = dict(
    batch_size=8,
    num_workers=8,
    persistent_workers=False,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type='PseudoActionDataset',
        ann_file=ann_file_train,
        data_prefix=dict(video=f'{data_root}/videos_train'),
        pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=8,
    num_workers=8,
    persistent_workers=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type='PseudoActionDataset',
        ann_file=ann_file_val,
        data_prefix=dict(video=f'{data_root}/videos_val'),
        pipeline=val_pipeline,
        test_mode=True))
test_dataloader = val_dataloader

val_evaluator = dict(type='ContrastiveAccuracy')
test_evaluator = val_evaluator

# Features for TAL are extracted from the backbone (tools/extract_features.py)
# with the pre-training clip length, centre crop 112.
extract_cfg = dict(
    clip_len=8, frame_interval=2, stride=8, short_side=128, crop_size=112)
