# ResNet3D-18 (mmaction2's ResNet3d, torchvision's r3d_18 layout: 3x7x7 stem
# without max-pool, 3x3x3 convolutions) + TAC head.
model = dict(
    type='Pretrainer',
    backbone=dict(
        type='mmaction.ResNet3d',
        depth=18,
        pretrained=None,
        pretrained2d=False,
        norm_eval=False,
        frozen_stages=0,
        conv_cfg=dict(type='Conv3d'),
        norm_cfg=dict(type='BN3d', requires_grad=True, eps=1e-3),
        act_cfg=dict(type='ReLU'),
        conv1_kernel=(3, 7, 7),
        conv1_stride_t=1,
        pool1_stride_t=1,
        with_pool1=False,
        inflate=(1, 1, 1, 1),
        spatial_strides=(1, 2, 2, 2),
        temporal_strides=(1, 2, 2, 2),
        zero_init_residual=False),
    head=dict(type='TACHead', num_classes=400, in_channels=512),
    data_preprocessor=dict(
        type='mmaction.ActionDataPreprocessor',
        mean=[110.2008, 100.63983, 95.99475],
        std=[58.14765, 56.46975, 55.332195],
        format_shape='NCTHW'))
