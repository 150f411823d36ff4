# The official TSP recipe: SGD momentum 0.9, weight decay 0.005; lr 0.002 for
# the heads (ActivityNet; THUMOS14 configs use 0.004) and 1e-4 for the
# backbone (lr_mult 0.05), per process of 32 clips and scaled linearly with
# the number of processes (auto_scale_lr); linear warm-up over 2 epochs from
# a factor 1e-5, stepped per iteration; x0.01 at epochs 4 and 6; 8 epochs.
max_epochs = 8
train_cfg = dict(
    type='EpochBasedTrainLoop', max_epochs=max_epochs, val_begin=1,
    val_interval=1)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')

optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.002, momentum=0.9, weight_decay=0.005),
    # keys match as substrings of parameter names: 'backbone.' (no leading
    # dot) matches 'backbone.layer1...' and 'module.backbone.layer1...'.
    paramwise_cfg=dict(custom_keys={'backbone.': dict(lr_mult=0.05)}))
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-5, by_epoch=True, begin=0, end=2,
         convert_to_iter_based=True),
    dict(type='MultiStepLR', milestones=[4, 6], gamma=0.01, by_epoch=True,
         begin=0, end=max_epochs),
]
auto_scale_lr = dict(enable=True, base_batch_size=32)
