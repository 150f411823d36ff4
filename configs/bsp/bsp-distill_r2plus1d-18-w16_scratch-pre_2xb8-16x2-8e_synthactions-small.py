# BSP feature distillation (Sec. 3.4, Fig. 3(c)): a student R(2+1)D-18 (width
# 16) with two pointwise projections h1, h2 learns to reproduce the clip
# features of two frozen teachers, the SynthActions TAC model (vanilla) and
# the 4-way BSP model, with a squared-L2 loss each, plus the action
# cross-entropy on the TAC clips. Train the teachers first:
#   python tools/train.py configs/tac/tac_r2plus1d-18-w16_scratch-pre_2xb8-16x2-8e_synthactions-small.py
#   python tools/train.py configs/bsp/bsp_r2plus1d-18-w16_scratch-pre_2xb8-16x2-8e_synthactions-small.py
# (their last checkpoints are the defaults below) or set
#   --cfg-options model.teachers.0.checkpoint=... model.teachers.1.checkpoint=...
_base_ = [
    '../_base_/models/tac_r2plus1d-18-mmaction.py',
    '../_base_/datasets/synthactions-tac-bsp.py',
    '../_base_/schedules/adamw_cosine-8e.py',
    '../_base_/default_runtime.py',
]

tac_name = 'tac_r2plus1d-18-w16_scratch-pre_2xb8-16x2-8e_synthactions-small'
bsp_name = 'bsp_r2plus1d-18-w16_scratch-pre_2xb8-16x2-8e_synthactions-small'
model = dict(
    type='DistillationPretrainer',
    backbone=dict(base_channels=16),
    head=dict(num_classes=10, in_channels=128, dropout_ratio=0.2),
    in_channels=128,
    reduction='sum',
    teachers=[
        dict(
            name='vanilla',
            config='{{ fileDirname }}/../tac/' + tac_name + '.py',
            checkpoint='work_dirs/' + tac_name + '/epoch_8.pth',
            channels=128,
            loss_weight=1.0),
        dict(
            name='boundary',
            config='{{ fileDirname }}/' + bsp_name + '.py',
            checkpoint='work_dirs/' + bsp_name + '/epoch_8.pth',
            channels=128,
            loss_weight=1.0),
    ])
# Only the action head predicts: validate the action accuracy (the BSP
# validation clips have action label -1 and are skipped).
val_evaluator = dict(type='ClipAccuracy', tasks=('action', ))
test_evaluator = val_evaluator
