# BSP two-head integration (Sec. 3.4, Fig. 3(b)): one backbone, an action
# head (TAC on trimmed SynthActions clips) and a boundary head (4-way BSP on
# clips synthesized from the same videos), trained jointly. Each head ignores
# the other dataset's samples (label -1).
_base_ = [
    '../_base_/models/tac_r2plus1d-18-mmaction.py',
    '../_base_/datasets/synthactions-tac-bsp.py',
    '../_base_/schedules/adamw_cosine-8e.py',
    '../_base_/default_runtime.py',
]

model = dict(
    backbone=dict(base_channels=16),
    head=dict(
        _delete_=True,
        type='MultiTaskHead',
        heads=[
            dict(type='TACHead', num_classes=10, in_channels=128,
                 dropout_ratio=0.2, loss_weight=1.0),
            dict(type='BSPHead', num_classes=4, in_channels=128,
                 dropout_ratio=0.2, loss_weight=1.0),
        ]))
