# mmaction2's TSM Kinetics-400 recipe (tsm_imagenet-pretrained-r50_8xb16-
# 1x1x8-50e): SGD lr 0.02 for 8 GPUs x 16 clips, momentum 0.9, weight decay
# 1e-4, gradient clipping 20, 5 warm-up epochs, x0.1 at epochs 25 and 45.
# The BSP paper does not give its schedule.
max_epochs = 50
train_cfg = dict(
    type='EpochBasedTrainLoop', max_epochs=max_epochs, val_begin=1,
    val_interval=1)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')

optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.02, momentum=0.9, weight_decay=1e-4),
    clip_grad=dict(max_norm=20, norm_type=2))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, by_epoch=True, begin=0, end=5,
         convert_to_iter_based=True),
    dict(type='MultiStepLR', milestones=[25, 45], gamma=0.1, by_epoch=True,
         begin=0, end=max_epochs),
]
auto_scale_lr = dict(enable=False, base_batch_size=128)
