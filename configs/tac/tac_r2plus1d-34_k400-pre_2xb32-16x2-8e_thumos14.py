# Baseline "TAC on thumos14": the Kinetics-400 encoder fine-tuned to classify
# the actions of foreground clips only (no region head, no GVF), with the TSP
# recipe.
_base_ = [
    '../_base_/models/tac_r2plus1d-34.py', '../_base_/datasets/thumos14-tsp.py',
    '../_base_/schedules/tsp_sgd-8e.py', '../_base_/default_runtime.py'
]

# Kinetics-400 weights of this backbone in mmaction2 layout (keys backbone.*),
# e.g. converted from torchvision / the mmaction2 model zoo: set the path.
model = dict(
    init_cfg=dict(type='Pretrained', checkpoint='checkpoints/r2plus1d-34_k400.pth',
                  prefix='backbone.'),
    backbone=dict(frozen_stages=0),
    head=dict(num_classes=20, in_channels=512))
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
optim_wrapper = dict(optimizer=dict(lr=0.004))  # head lr for THUMOS14
