# TSM ResNet-50 (mmaction2's ResNetTSM, ImageNet initialisation, 8 segments =
# the 8 frames of a BSP snippet) + the 4-way BSP head: the paper's setting
# (Xu et al., CVPR 2021, Sec. 4.1). Inputs are 1 x 3 x 8 x 224 x 224 clips.
# NOTE: ResNetTSM is a 2D network taking (N*T) x C x H x W frames;
# Pretrainer.extract_feat must fold time into the batch and average the
# frame features for it (see docs/en/user_guides/bsp.md, "Paper configs").
model = dict(
    type='Pretrainer',
    backbone=dict(
        type='mmaction.ResNetTSM',
        depth=50,
        pretrained='torchvision://resnet50',
        num_segments=8,
        shift_div=8,
        norm_eval=False),
    head=dict(
        type='BSPHead', num_classes=4, in_channels=2048, dropout_ratio=0.5),
    data_preprocessor=dict(
        type='mmaction.ActionDataPreprocessor',
        # ImageNet statistics (the initialisation), in 0-255 units
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        format_shape='NCTHW'))
