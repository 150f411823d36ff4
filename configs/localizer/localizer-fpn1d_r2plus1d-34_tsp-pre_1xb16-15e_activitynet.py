# FeaturePyramidLocalizer on ActivityNet v1.3 features of R(2+1)D-34 (512-d,
# e.g. the TSP release), every video resized to 100 steps; detection mAP at
# tIoU 0.5:0.05:0.95 and proposal AR@AN / AUC on `validation`.
# Name fields: the encoder whose features are read (`r2plus1d-34`) and their
# pretraining (`tsp-pre`); any 512-d features work with --cfg-options on the
# `features` paths.
_base_ = [
    '../_base_/models/localizer-fpn1d.py',
    '../_base_/datasets/features_activitynet.py',
    '../_base_/schedules/adamw_warmup-cosine.py',
    '../_base_/default_runtime.py'
]

# T = 100 is padded to 128: six levels of strides 1 ... 32.
model = dict(in_channels=512, num_classes=200, embed_dims=256, num_levels=6,
             input_dropout=0.1)

max_epochs = 15
train_cfg = dict(max_epochs=max_epochs, val_interval=1)
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-3, by_epoch=True, begin=0, end=3,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', T_max=max_epochs - 3, eta_min=1e-6,
         by_epoch=True, begin=3, end=max_epochs, convert_to_iter_based=True),
]
default_hooks = dict(
    logger=dict(interval=50),
    checkpoint=dict(interval=1, save_best='average_mAP', rule='greater',
                    max_keep_ckpts=1))
