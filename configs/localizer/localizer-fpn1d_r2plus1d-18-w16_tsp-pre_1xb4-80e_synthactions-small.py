# FeaturePyramidLocalizer on SynthActions `small` clip features of the narrow
# R(2+1)D-18 (base width 16: 128-d features) that the SynthActions
# pretraining configs train. Name fields: `r2plus1d-18-w16` is the encoder
# whose features are read, `tsp-pre` the pretraining of those features (the
# placeholder path); the same config serves features of any pretraining of
# that encoder (tools/benchmark_pretraining.py overrides the paths).
# One process, 4 videos per batch, 40 epochs (160 iterations, ~10-20 s on
# one CPU core).
_base_ = [
    '../_base_/models/localizer-fpn1d.py',
    '../_base_/datasets/features_synthactions-small.py',
    '../_base_/schedules/adamw_warmup-cosine.py',
    '../_base_/default_runtime.py'
]

# A small pyramid (64 channels, strides 1-16) with strong input dropout: 16
# training videos are few, and dropping half of the feature channels halves
# the overfitting (val mAP@0.5 0.30 -> 0.58 on clean synthetic features).
model = dict(
    in_channels=128, num_classes=10, embed_dims=64, num_levels=5,
    input_dropout=0.5)

max_epochs = 40
train_cfg = dict(max_epochs=max_epochs, val_interval=10)
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-3, by_epoch=True, begin=0, end=5,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', T_max=max_epochs - 5, eta_min=1e-6,
         by_epoch=True, begin=5, end=max_epochs, convert_to_iter_based=True),
]
default_hooks = dict(
    logger=dict(interval=10),
    checkpoint=dict(interval=10, save_best='average_mAP', rule='greater',
                    max_keep_ckpts=1))
