# PAL with the SynthActions TAC/TSP encoder (the narrow R(2+1)D-18 of base
# width 16, 16-frame clips at 56x56, 128-d features), starting from the
# SynthActions TAC model with the TSP schedule (AdamW, backbone at half the
# heads' rate, frozen stem, 6 epochs), on the trimmed `small` clips (the data
# of the TAC initialisation; labels unused): the PAL row of the SynthActions
# papers' table (tools/misc/run_synthactions_papers_table.sh), whose rows all
# start from that encoder with one budget. Set the checkpoint with
# --cfg-options model.init_cfg.checkpoint=PATH.
# A synthesized video is 4 clips of 16 frames (one every 1-4 source frames;
# the 4 s clips hold 120 frames), regions of 1-3 clips; 2 videos per process
# (2 x 4 clips through the query encoder per process and iteration).
# BN layers keep the TAC model's statistics (norm_eval): in train mode, the
# statistics of a batch of 2 videos would let a query and its positive key
# share a batch signature that the queued keys lack (MoCo's "cheating"; the
# from-scratch config uses GroupNorm for the same reason). Queue of 32 keys
# and key momentum 0.99 as the from-scratch config (a short run).
_base_ = [
    '../_base_/models/pal_r3d-18.py',
    '../_base_/datasets/synthactions-trimmed-pal.py',
    '../_base_/schedules/tsp_adamw-6e-synthactions.py',
    '../_base_/default_runtime.py',
]

model = dict(
    init_cfg=dict(
        type='Pretrained',
        checkpoint='work_dirs/demo/tac/best.pth',
        prefix='backbone.'),
    backbone=dict(
        _delete_=True,
        type='mmaction.ResNet2Plus1d',
        depth=18,
        pretrained=None,
        pretrained2d=False,
        base_channels=16,
        norm_eval=True,
        frozen_stages=0,
        conv_cfg=dict(type='Conv2plus1d'),
        norm_cfg=dict(type='BN3d', requires_grad=True, eps=1e-3),
        act_cfg=dict(type='ReLU'),
        conv1_kernel=(3, 7, 7),
        conv1_stride_t=1,
        pool1_stride_t=1,
        inflate=(1, 1, 1, 1),
        spatial_strides=(1, 2, 2, 2),
        temporal_strides=(1, 2, 2, 2),
        zero_init_residual=False),
    neck=dict(in_channels=128, hidden_channels=128, out_channels=128),
    queue_size=32,
    momentum=0.99)

synthesizer = dict(
    type='PseudoActionPaste',
    num_clips=4,
    clip_len=16,
    min_region_clips=1,
    max_region_clips=3,
    strides=(1, 2, 3, 4),
    beta_range=(0.6, 1.0),
    paste='different')
# the base's MoCo v2 view pipeline at 56x56 crops, blur sigma (MoCo v2's
# (0.1, 2.0) at 224 px) scaled to the crop
view_pipeline = [
    dict(
        type='mmaction.RandomResizedCrop',
        area_range=(0.2, 1.0),
        aspect_ratio_range=(3 / 4, 4 / 3)),
    dict(type='mmaction.Resize', scale=(56, 56), keep_ratio=False),
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
        transforms=[dict(type='VideoGaussianBlur', sigma_range=(0.1, 0.5))]),
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
train_dataloader = dict(batch_size=2, dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(batch_size=2, dataset=dict(pipeline=train_pipeline))
test_dataloader = val_dataloader
default_hooks = dict(
    checkpoint=dict(save_best='acc_retrieval', rule='greater',
                    max_keep_ckpts=2))
# features as the TAC/TSP encoders: 16x2 clips, short side 64, 56x56 crops
extract_cfg = dict(
    clip_len=16, frame_interval=2, stride=16, short_side=64, crop_size=56)
