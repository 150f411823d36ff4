# TSP on the untrimmed SynthActions split, starting from the TAC model trained
# on its trimmed split (configs/tac/tac_r2plus1d-18-w16_scratch-pre_2xb8-16x2-8e_synthactions-small.py),
# which plays the role of the Kinetics-400 initialisation. Set its checkpoint
# with --cfg-options model.init_cfg.checkpoint=PATH (make demo does).
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
    head=dict(type='TSPHead', num_classes=10, in_channels=128, with_gvf=True))
