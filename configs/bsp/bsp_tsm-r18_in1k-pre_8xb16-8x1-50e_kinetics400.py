# BSP 4-way classification with TSM ResNet-18, the backbone of the paper's
# ablations (Tables 4-6); otherwise as the ResNet-50 config.
_base_ = [
    '../_base_/models/bsp_tsm-r50.py',
    '../_base_/datasets/kinetics400-bsp.py',
    '../_base_/schedules/sgd_tsm-50e.py',
    '../_base_/default_runtime.py',
]

model = dict(
    backbone=dict(depth=18, pretrained='torchvision://resnet18'),
    head=dict(in_channels=512))
