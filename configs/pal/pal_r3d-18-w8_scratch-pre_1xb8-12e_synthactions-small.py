# PAL on the trimmed SynthActions clips (labels unused), from scratch, sized
# for two shared CPU cores (about 15 minutes): ResNet3d-18 (the I3D family)
# of base width 8 (64-d clip features), 4 clips x 4 frames at 32x32 per
# synthesized video, regions of at most 3 clips. Departures from the paper's
# recipe, for a run of ~96 iterations instead of ~117k:
# - a queue of 32 keys: the train list has 60 videos, so a larger queue
#   would mostly hold (stale) keys of the query's own video;
# - key-encoder momentum 0.99 (0.999 would leave the key encoder near its
#   random initialisation for the whole run);
# - Adam lr 1e-3 (1e-4 barely moves a from-scratch encoder in ~100 steps),
#   x0.1 when the validation loss has not improved for 10 epochs;
# - GroupNorm instead of BN: with 8 videos per batch, BN statistics let the
#   query and its positive key (normalised over batches of the same 8 source
#   videos) share a batch signature that queued keys lack (MoCo's "cheating";
#   the paper uses SyncBN over 512 videos), and eval-mode BN at validation
#   differs from the train-mode BN of the queued keys. GroupNorm has neither
#   problem (see docs/en/user_guides/pal.md).
_base_ = [
    '../_base_/models/pal_r3d-18.py',
    '../_base_/datasets/synthactions-trimmed-pal.py',
    '../_base_/schedules/adam_plateau.py',
    '../_base_/default_runtime.py',
]

model = dict(
    backbone=dict(
        base_channels=8,
        norm_cfg=dict(type='GN', num_groups=4, requires_grad=True)),
    neck=dict(in_channels=64, hidden_channels=64, out_channels=128),
    queue_size=32,
    momentum=0.99)
train_cfg = dict(max_epochs=12)
optim_wrapper = dict(optimizer=dict(lr=1e-3))
default_hooks = dict(
    logger=dict(interval=4),
    checkpoint=dict(save_best='acc_contrast', rule='greater'))
