# R(2+1)D-18 of mmaction2 (ResNet2Plus1d: not torchvision's layout, see
# docs/en/user_guides/tsp.md) + TAC head, the reduced SynthActions encoders.
# ``base_channels`` and the number of classes are set by the configs using it.
model = dict(
    type='Pretrainer',
    backbone=dict(
        type='mmaction.ResNet2Plus1d',
        depth=18,
        pretrained=None,
        pretrained2d=False,
        base_channels=64,
        norm_eval=False,
        frozen_stages=-1,  # TSP configs set 0 (frozen stem)
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
    head=dict(type='TACHead', num_classes=400, in_channels=512),
    data_preprocessor=dict(
        type='mmaction.ActionDataPreprocessor',
        # torchvision's Kinetics statistics (official TSP code), x255.
        mean=[110.2008, 100.63983, 95.99475],
        std=[58.14765, 56.46975, 55.332195],
        format_shape='NCTHW'))
