default_scope = 'tsptools'

default_hooks = dict(
    runtime_info=dict(type='RuntimeInfoHook'),
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=20, ignore_last=False),
    param_scheduler=dict(type='ParamSchedulerHook'),
    # ClipAccuracy reports ``mean_acc`` (the mean over the heads' accuracies),
    # TSP's model-selection criterion.
    checkpoint=dict(
        type='CheckpointHook',
        interval=1,
        save_best='mean_acc',
        rule='greater',
        max_keep_ckpts=3),
    sampler_seed=dict(type='DistSamplerSeedHook'),
)
custom_hooks = [dict(type='DatasetEpochHook')]

env_cfg = dict(
    cudnn_benchmark=False,
    mp_cfg=dict(mp_start_method='fork', opencv_num_threads=0),
    # On machines without CUDA, tools/train.py starts gloo instead.
    dist_cfg=dict(backend='nccl'),
)
# DDP that also runs on CPU processes (drops device_ids, SyncBN -> BN).
model_wrapper_cfg = dict(type='tsptools.CPUCompatibleDDP')

log_processor = dict(type='LogProcessor', window_size=20, by_epoch=True)
vis_backends = [dict(type='LocalVisBackend')]
visualizer = dict(type='Visualizer', vis_backends=vis_backends)
log_level = 'INFO'
load_from = None
resume = False
