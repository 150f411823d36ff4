# PAL on the trimmed SynthActions `small` clips (300 training videos, labels
# unused), from scratch, sized for two CPU cores (about 10 minutes):
# ResNet3d-18 (the I3D family) of base width 8 (64-d clip features), 4 clips
# x 4 frames at 32x32 per synthesized video, regions of at most 3 clips. The
# paper's Adam, lr 1e-4 and weight decay 1e-5 are kept; departures from its
# recipe, for a run of ~1,500 iterations instead of ~117k (measured in
# docs/en/user_guides/pal.md):
# - a queue of 32 keys (4 iterations) and key-encoder momentum 0.99: with
#   16,384 and 0.999 the queue and the key encoder would hold the random
#   initialisation for most of the run;
# - GroupNorm instead of BN: with 8 videos per batch, BN statistics let the
#   query and its positive key share a batch signature that queued keys lack
#   (MoCo's "cheating"; the paper uses SyncBN over 512 videos), and eval-mode
#   BN at validation differs from the train-mode BN of the queued keys.
# The temporal head starts as the identity (PALTemporalEmbeddingHead's
# default, also in the paper-sized configs): with PyTorch's initialisation
# the region features collapsed within 100 iterations.
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
train_cfg = dict(max_epochs=40)
default_hooks = dict(
    logger=dict(interval=10),
    checkpoint=dict(
        save_best='acc_retrieval', rule='greater', max_keep_ckpts=2))
