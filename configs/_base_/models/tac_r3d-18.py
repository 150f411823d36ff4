# The official TSP r3d-18 backbone (R3D18: torchvision's VideoResNet
# layout and BN settings, docs/en/user_guides/tsp.md) + TAC head. A torchvision
# state_dict or an official TSP checkpoint loads into it as it is.
model = dict(
    type='Pretrainer',
    backbone=dict(
        type='R3D18',
        frozen_stages=-1,  # the paper configs set 0: the stem gets lr 0, its
        norm_eval=False),  # BN stays in train mode, as in the official code
    head=dict(type='TACHead', num_classes=400, in_channels=512),
    data_preprocessor=dict(
        type='mmaction.ActionDataPreprocessor',
        # torchvision's Kinetics statistics (official TSP code), x255.
        mean=[110.2008, 100.63983, 95.99475],
        std=[58.14765, 56.46975, 55.332195],
        format_shape='NCTHW'))
