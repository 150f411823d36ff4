# PAL with a ResNet3d-18 backbone (mmaction2's ResNet3d, 3x3x3 convolutions
# inflated everywhere: the I3D family at depth 18), from scratch, for small
# CPU runs: projection (F -> F -> 128) and two temporal convolutions (kernel
# 3, ReLU between them) over the J clip features; InfoNCE (temperature 0.07)
# against a queue filled by a momentum encoder. ``base_channels`` (F = 8 x
# base_channels) and the queue size are set by the configs.
model = dict(
    type='PALPretrainer',
    backbone=dict(
        type='mmaction.ResNet3d',
        depth=18,
        pretrained=None,
        pretrained2d=False,
        base_channels=64,
        conv1_kernel=(3, 7, 7),
        conv1_stride_t=1,
        pool1_stride_t=1,
        inflate=(1, 1, 1, 1),
        conv_cfg=dict(type='Conv3d'),
        norm_eval=False,
        zero_init_residual=False),
    neck=dict(
        type='PALProjectionHead',
        in_channels=512,
        hidden_channels=512,
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
        # torchvision's Kinetics statistics (as the TAC/TSP configs), x255.
        mean=[110.2008, 100.63983, 95.99475],
        std=[58.14765, 56.46975, 55.332195],
        format_shape='NCTHW'))
