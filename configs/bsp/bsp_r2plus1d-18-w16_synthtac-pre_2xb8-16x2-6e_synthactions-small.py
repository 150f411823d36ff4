# BSP, 4-way boundary-type classification, on clips synthesized from the
# trimmed SynthActions `small` split (the data of the TAC initialisation),
# starting from the SynthActions TAC model with the TSP schedule (AdamW,
# backbone at half the head's rate, frozen stem, 6 epochs): the BSP row of
# the SynthActions papers' table (tools/misc/run_synthactions_papers_table.sh),
# whose rows all start from that encoder with one budget. Set the checkpoint
# with --cfg-options model.init_cfg.checkpoint=PATH. The from-scratch
# variant is bsp_r2plus1d-18-w16_scratch-pre_2xb8-16x2-8e_synthactions-small.py.
_base_ = [
    '../_base_/models/tac_r2plus1d-18-mmaction.py',
    '../_base_/datasets/synthactions-bsp.py',
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
        type='BSPHead',
        num_classes=4,
        in_channels=128,
        dropout_ratio=0.2))
