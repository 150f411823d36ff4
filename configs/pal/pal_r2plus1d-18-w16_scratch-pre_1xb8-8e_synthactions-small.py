# PAL on the trimmed SynthActions clips (labels unused), from scratch, sized
# for two shared CPU cores (about 15 minutes): the TAC SynthActions backbone
# (R(2+1)D-18, base width 16 -> 128-d clip features), 4 clips x 4 frames at
# 32x32 per synthesized video, regions of at most 3 clips. Departures from
# the paper's recipe, for a run of ~64 iterations instead of ~117k:
# - a queue of 32 keys: the train list has 60 videos, so a larger queue
#   would mostly hold (stale) keys of the query's own video;
# - key-encoder momentum 0.99 (0.999 would leave the key encoder at its
#   random initialisation for the whole run);
# - Adam lr 1e-3 (1e-4 barely moves a from-scratch encoder in 64 steps);
#   x0.1 when the validation loss has not improved for 3 epochs.
_base_ = [
    '../_base_/models/pal_r2plus1d-18.py',
    '../_base_/datasets/synthactions-trimmed-pal.py',
    '../_base_/schedules/adam_plateau.py',
    '../_base_/default_runtime.py',
]

model = dict(
    backbone=dict(base_channels=16),
    neck=dict(in_channels=128, hidden_channels=128, out_channels=128),
    queue_size=32,
    momentum=0.99)
train_cfg = dict(max_epochs=8)
optim_wrapper = dict(optimizer=dict(lr=1e-3))
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
