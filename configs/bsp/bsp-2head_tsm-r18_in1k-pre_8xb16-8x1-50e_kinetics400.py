# BSP two-head integration (Sec. 3.4, Fig. 3(b); Table 5 "2-head") in the
# paper's ablation setting: TSM ResNet-18 from ImageNet, Kinetics-400 clips
# of 8 consecutive frames for the action head and synthesized clips for the
# 4-way boundary head, trained jointly. Paths are placeholders.
_base_ = [
    '../_base_/models/bsp_tsm-r50.py',
    '../_base_/datasets/kinetics400-tac-bsp.py',
    '../_base_/schedules/sgd_tsm-50e.py',
    '../_base_/default_runtime.py',
]

model = dict(
    backbone=dict(depth=18, pretrained='torchvision://resnet18'),
    head=dict(
        _delete_=True,
        type='MultiTaskHead',
        heads=[
            dict(type='TACHead', num_classes=400, in_channels=512,
                 dropout_ratio=0.5, loss_weight=1.0),
            dict(type='BSPHead', num_classes=4, in_channels=512,
                 dropout_ratio=0.5, loss_weight=1.0),
        ]))
