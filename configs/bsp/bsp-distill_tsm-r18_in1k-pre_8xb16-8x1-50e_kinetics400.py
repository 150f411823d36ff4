# BSP feature distillation (Sec. 3.4, Fig. 3(c); Table 5 "feat dist") in the
# paper's ablation setting: a TSM ResNet-18 student from ImageNet, two
# pointwise projections, frozen teachers = a Kinetics-400 TSM ResNet-18
# action classifier (vanilla; mmaction2's checkpoints load, only their
# backbone.* weights are used) and the BSP TSM ResNet-18 (4-way); squared-L2
# feature matching + action cross-entropy. Paths are placeholders.
_base_ = [
    '../_base_/models/bsp_tsm-r50.py',
    '../_base_/datasets/kinetics400-tac-bsp.py',
    '../_base_/schedules/sgd_tsm-50e.py',
    '../_base_/default_runtime.py',
]

bsp_name = 'bsp_tsm-r18_in1k-pre_8xb16-8x1-50e_kinetics400'
tsm_r18 = dict(
    type='mmaction.ResNetTSM',
    depth=18,
    pretrained=None,
    pretrained2d=False,
    num_segments=8,
    shift_div=8,
    norm_eval=False)
model = dict(
    type='DistillationPretrainer',
    backbone=dict(depth=18, pretrained='torchvision://resnet18'),
    head=dict(
        _delete_=True,
        type='TACHead',
        num_classes=400,
        in_channels=512,
        dropout_ratio=0.5),
    in_channels=512,
    reduction='sum',
    teachers=[
        dict(
            name='vanilla',
            model=dict(
                type='Pretrainer',
                backbone=tsm_r18,
                head=dict(type='TACHead', num_classes=400, in_channels=512)),
            checkpoint='checkpoints/tsm_r18_kinetics400_vanilla.pth',
            channels=512),
        dict(
            name='boundary',
            config='{{ fileDirname }}/' + bsp_name + '.py',
            checkpoint='work_dirs/' + bsp_name + '/epoch_50.pth',
            channels=512),
    ])
val_evaluator = dict(type='ClipAccuracy', tasks=('action', ))
test_evaluator = val_evaluator
