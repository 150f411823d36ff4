# Baseline "TAC on the target dataset": the SynthActions TAC encoder
# fine-tuned to classify the actions of the foreground clips of the untrimmed
# split (no region head, no GVF), with the same schedule as TSP.
_base_ = [
    '../_base_/models/tac_r2plus1d-18-mmaction.py',
    '../_base_/datasets/synthactions-untrimmed-tsp.py',
    '../_base_/schedules/tsp_adamw-6e-synthactions.py',
    '../_base_/default_runtime.py'
]

model = dict(
    init_cfg=dict(
        type='Pretrained',
        checkpoint='work_dirs/demo/tac/best.pth',
        prefix='backbone.'),
    backbone=dict(base_channels=16, frozen_stages=0),
    head=dict(num_classes=10, in_channels=128))
# foreground clips only, action label only
train_dataloader = dict(
    dataset=dict(regions=('Action', ), gvf_file=None,
                 pipeline=_base_.fg_train_pipeline))
val_dataloader = dict(
    dataset=dict(regions=('Action', ), gvf_file=None,
                 pipeline=_base_.fg_val_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(type='ClipAccuracy', tasks=('action', ))
test_evaluator = val_evaluator
