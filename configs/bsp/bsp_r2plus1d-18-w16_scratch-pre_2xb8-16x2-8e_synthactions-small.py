# BSP, 4-way boundary-type classification (the paper's default, Sec. 3.3) on
# clips synthesized from the trimmed SynthActions split, from scratch, with
# the narrow R(2+1)D-18 (base width 16) and 56x56 crops of the SynthActions
# TAC config so that it trains on CPUs. Chance is 25%.
_base_ = [
    '../_base_/models/tac_r2plus1d-18-mmaction.py',
    '../_base_/datasets/synthactions-bsp.py',
    '../_base_/schedules/adamw_cosine-8e.py',
    '../_base_/default_runtime.py',
]

model = dict(
    backbone=dict(base_channels=16),
    head=dict(
        _delete_=True,
        type='BSPHead',
        num_classes=4,
        in_channels=128,
        dropout_ratio=0.2))
