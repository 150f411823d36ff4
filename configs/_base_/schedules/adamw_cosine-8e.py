# AdamW with one warm-up epoch then cosine decay, for training small encoders
# from scratch (the SynthActions TAC initialisation). On SynthActions `small`
# SGD (lr 0.05, momentum 0.9) stayed at chance for 32 iterations where AdamW
# reached 24 % after 190 (2 processes x 8 clips).
max_epochs = 8
train_cfg = dict(
    type='EpochBasedTrainLoop', max_epochs=max_epochs, val_begin=1,
    val_interval=1)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')

optim_wrapper = dict(
    optimizer=dict(type='AdamW', lr=3e-3, weight_decay=1e-4),
    clip_grad=dict(max_norm=40, norm_type=2))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, by_epoch=True, begin=0, end=1,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', T_max=max_epochs - 1, eta_min=1e-5,
         by_epoch=True, begin=1, end=max_epochs, convert_to_iter_based=True),
]
# lr above is for 16 clips per iteration (2 processes x 8); --auto-scale-lr
# scales it to the actual total batch.
auto_scale_lr = dict(enable=False, base_batch_size=16)
