# PAL on the trimmed SynthActions clips (labels unused), from scratch, on CPU:
# the TAC SynthActions backbone (R(2+1)D-18, base width 16 -> 128-d clip
# features), 4 clips x 8 frames at 48x48 per synthesized video, regions of at
# most 3 clips, a queue of 32 keys (the train list has 60 videos: a larger
# queue would mostly hold stale keys of the query's own video). One process,
# batch 8, Adam lr 1e-4 x0.1 when the validation loss plateaus for 3 epochs.
_base_ = [
    '../_base_/models/pal_r2plus1d-18.py',
    '../_base_/datasets/synthactions-trimmed-pal.py',
    '../_base_/schedules/adam_plateau.py',
    '../_base_/default_runtime.py',
]

model = dict(
    backbone=dict(base_channels=16),
    neck=dict(in_channels=128, hidden_channels=128, out_channels=128),
    queue_size=32)
train_cfg = dict(max_epochs=30)
param_scheduler = [
    dict(
        type='ReduceOnPlateauLR',
        monitor='loss_contrast',
        rule='less',
        factor=0.1,
        patience=3,
        by_epoch=True),
]
default_hooks = dict(
    logger=dict(interval=4),
    checkpoint=dict(save_best='acc_contrast', rule='greater'))
