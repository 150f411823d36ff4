# TAC (trimmed action classification) on the trimmed SynthActions split, from
# scratch, with a narrow R(2+1)D-18 (base width 16 instead of 64) and 56x56
# crops so that it trains on CPUs. Its checkpoint plays the role of the
# Kinetics-400 initialisation in the SynthActions TSP / BSP configs.
_base_ = [
    '../_base_/models/tac_r2plus1d-18-mmaction.py',
    '../_base_/datasets/synthactions-trimmed.py',
    '../_base_/schedules/adamw_cosine-8e.py',
    '../_base_/default_runtime.py',
]

model = dict(
    backbone=dict(base_channels=16),
    head=dict(num_classes=10, in_channels=128, dropout_ratio=0.2))
