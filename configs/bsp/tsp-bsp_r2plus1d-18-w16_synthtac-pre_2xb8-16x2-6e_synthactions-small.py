# TSP + BSP trained jointly on one backbone (not in either paper): the TSP
# heads (action on the local feature, temporal region on local + GVF) on
# clips of the untrimmed SynthActions split, and the 4-way BSP head on clips
# synthesized from its trimmed split, with MultiTaskHead (loss weights 1, 1).
# As the SynthActions TSP config, it starts from the SynthActions TAC model
# (set its checkpoint with --cfg-options model.init_cfg.checkpoint=PATH) and
# needs the GVF file (tools/precompute_gvf.py).
_base_ = [
    '../_base_/models/tac_r2plus1d-18-mmaction.py',
    '../_base_/datasets/synthactions-tsp-bsp.py',
    '../_base_/schedules/tsp_adamw-6e-synthactions.py',
    '../_base_/default_runtime.py',
]

model = dict(
    init_cfg=dict(
        type='Pretrained',
        checkpoint='work_dirs/demo/tac/best.pth',
        prefix='backbone.'),
    backbone=dict(base_channels=16, frozen_stages=0),
    head=dict(
        _delete_=True,
        type='MultiTaskHead',
        heads=[
            dict(type='TSPHead', num_classes=10, in_channels=128,
                 with_gvf=True, loss_weight=1.0),
            dict(type='BSPHead', num_classes=4, in_channels=128,
                 loss_weight=1.0),
        ]))
