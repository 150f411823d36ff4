# The TSP recipe shortened for SynthActions on CPUs: the official structure
# (SGD momentum 0.9, weight decay 0.005, a smaller lr for the backbone than
# for the heads, linear warm-up, step decay) over 6 epochs with 1 warm-up
# epoch and x0.1 at epochs 4 and 5. Learning rates are per 8 clips per
# process and scale with the number of processes (auto_scale_lr).
max_epochs = 6
train_cfg = dict(
    type='EpochBasedTrainLoop', max_epochs=max_epochs, val_begin=1,
    val_interval=1)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')

optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.01, momentum=0.9, weight_decay=0.005),
    paramwise_cfg=dict(custom_keys={'backbone.': dict(lr_mult=0.1)}),
    clip_grad=dict(max_norm=40, norm_type=2))
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-3, by_epoch=True, begin=0, end=1,
         convert_to_iter_based=True),
    dict(type='MultiStepLR', milestones=[4, 5], gamma=0.1, by_epoch=True,
         begin=0, end=max_epochs),
]
auto_scale_lr = dict(enable=True, base_batch_size=8)
