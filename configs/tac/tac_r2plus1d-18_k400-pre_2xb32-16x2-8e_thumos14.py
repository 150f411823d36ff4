# Baseline "TAC on thumos14": the Kinetics-400 encoder fine-tuned to classify
# the actions of the clips of thumos14 with the TSP recipe, as the official
# code trains it (train/train_tac_on_thumos14.sh): background clips stay in
# the batches with action label -1, ignored by the loss; no region head,
# no GVF. regions=('Action', ) drops them instead (about twice the
# foreground clips per batch, half the iterations; not the official run).
_base_ = [
    '../_base_/models/tac_r2plus1d-18.py', '../_base_/datasets/thumos14-tsp.py',
    '../_base_/schedules/tsp_sgd-8e.py', '../_base_/default_runtime.py'
]

# Initial weights: torchvision's Kinetics-400 r2plus1d_18
# (r2plus1d_18-91a641e6.pth), a torchvision state_dict loaded as it is (or any
# checkpoint of this backbone, docs/en/user_guides/tsp.md): set the path.
model = dict(
    init_cfg=dict(
        type='Pretrained',
        checkpoint='checkpoints/r2plus1d_18-91a641e6.pth',
        prefix='backbone.'),
    backbone=dict(frozen_stages=0),
    head=dict(num_classes=20, in_channels=512))
train_dataloader = dict(
    dataset=dict(gvf_file=None, pipeline=_base_.fg_train_pipeline))
val_dataloader = dict(
    dataset=dict(gvf_file=None, pipeline=_base_.fg_val_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(type='ClipAccuracy', tasks=('action', ))
test_evaluator = val_evaluator
# train/train_tac_on_thumos14.sh: head lr 0.002, backbone lr 1e-05 (lr_mult 0.005),
# per process of 32 clips, scaled with the number of processes
# (auto_scale_lr).
optim_wrapper = dict(
    optimizer=dict(lr=0.002),
    paramwise_cfg=dict(custom_keys={'backbone.': dict(lr_mult=0.005)}))
