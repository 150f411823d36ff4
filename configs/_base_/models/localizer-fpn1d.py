# FeaturePyramidLocalizer: a 1-D convolutional feature pyramid on precomputed
# clip features that classifies every time step and regresses its distances
# to the action's start and end (docs/en/user_guides/downstream.md).
# in_channels (the feature dimension) and num_classes are set by the
# configs that use it.
model = dict(
    type='FeaturePyramidLocalizer',
    in_channels=512,
    num_classes=200,
    embed_dims=256,
    num_levels=6,
    num_stem_convs=2,
    blocks_per_level=1,
    num_head_convs=2,
    kernel_size=3,
    input_dropout=0.0,
    regress_ranges=None,  # (0, 4), (4, 8), ... in input steps
    center_sample_radius=1.5,
    focal_alpha=0.25,
    focal_gamma=2.0,
    loss_reg_weight=1.0,
    test_cfg=dict(
        score_thr=0.001,
        pre_nms_topk=2000,
        min_length=0.05,
        nms=dict(method='gaussian', sigma=0.5, iou_threshold=0.5,
                 min_score=0.001),
        max_per_video=100,
        with_proposals=True,
        max_proposals=100))
