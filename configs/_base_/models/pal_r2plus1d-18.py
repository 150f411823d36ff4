# PAL with R(2+1)D-18 (mmaction2's ResNet2Plus1d, the TAC/TSP SynthActions
# backbone) instead of I3D: projection (F -> F -> 128) and two temporal
# convolutions; InfoNCE (temperature 0.07), momentum encoder. ``base_channels``
# (F = 8 x base_channels) and the queue size are set by the configs.
model = dict(
    type='PALPretrainer',
    backbone=dict(
        type='mmaction.ResNet2Plus1d',
        depth=18,
        pretrained=None,
        pretrained2d=False,
        base_channels=64,
        norm_eval=False,
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
