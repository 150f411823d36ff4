# PAL's optimisation (Sec. 4.1.1): Adam, lr 1e-4, weight decay 1e-5 (Adam's
# L2 penalty, not AdamW), lr x0.1 when the validation loss stops decreasing.
# The paper gives no patience: 10 epochs (PyTorch's default) of no relative
# improvement above 1e-4 of ``infonce_contrast`` (ContrastiveAccuracy's
# validation InfoNCE loss) over 200 epochs.
max_epochs = 200
train_cfg = dict(
    type='EpochBasedTrainLoop', max_epochs=max_epochs, val_begin=1,
    val_interval=1)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')

optim_wrapper = dict(
    optimizer=dict(type='Adam', lr=1e-4, weight_decay=1e-5))
param_scheduler = [
    dict(
        type='ReduceOnPlateauLR',
        monitor='infonce_contrast',
        rule='less',
        factor=0.1,
        patience=10,
        by_epoch=True),
]
# lr above is for the paper's total batch of 512 videos (64 GPUs x 8).
auto_scale_lr = dict(enable=False, base_batch_size=512)
