# PAL (Zhang et al., CVPR 2022) with its default backbone, I3D: mmaction2's
# ResNet3d-50 inflated from the ImageNet ResNet-50 (mmaction2's I3D recipe),
# a MoCo v2 projection head (2048 -> 2048 -> 128) and two temporal
# convolutions (kernel 3, ReLU between them) over the J clip features; InfoNCE
# (temperature 0.07) against a queue of 16,384 keys from a momentum encoder.
model = dict(
    type='PALPretrainer',
    backbone=dict(
        type='mmaction.ResNet3d',
        depth=50,
        pretrained='torchvision://resnet50',
        pretrained2d=True,
        conv1_kernel=(5, 7, 7),
        conv1_stride_t=2,
        pool1_stride_t=2,
        conv_cfg=dict(type='Conv3d'),
        norm_eval=False,
        inflate=((1, 1, 1), (1, 0, 1, 0), (1, 0, 1, 0, 1, 0), (0, 1, 0)),
        zero_init_residual=False),
    neck=dict(
        type='PALProjectionHead',
        in_channels=2048,
        hidden_channels=2048,
        out_channels=128),
    head=dict(
        type='PALTemporalEmbeddingHead',
        in_channels=128,
        num_layers=2,
        kernel_size=3),
    loss=dict(type='InfoNCELoss', temperature=0.07),
    queue_size=16384,
    momentum=0.999,
    data_preprocessor=dict(
        type='mmaction.ActionDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        format_shape='NCTHW'))
