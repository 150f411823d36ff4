# BSP change-point regression on diff-class clips ({S_dc} reg of Table 4, Sec.
# 3.3), TSM ResNet-18 on Kinetics-400: Gaussian heatmap over the 8 frames,
# y_t = exp(-(t - mu)^2 / 2 tau), smooth L1.
_base_ = ['./bsp_tsm-r18_in1k-pre_8xb16-8x1-50e_kinetics400.py']

synthesizers = [
    dict(type='DiffClassSynthesizer', tau=4, frame_interval=1,
         epsilon_range=(1, 2)),
]
pack = dict(
    type='PackPretextInputs',
    keys=('boundary_label', 'change_point', 'change_point_label'),
    meta_keys=('video_name', 'filename', 'sample_idx', 'boundary_type',
               'synth_params'))
train_pipeline = [
    dict(type='SynthesizeBoundary'),
    dict(type='mmaction.Resize', scale=(-1, 256)),
    dict(
        type='mmaction.MultiScaleCrop',
        input_size=224,
        scales=(1, 0.875, 0.75, 0.66),
        random_crop=False,
        max_wh_scale_gap=1),
    dict(type='mmaction.Resize', scale=(224, 224), keep_ratio=False),
    dict(type='mmaction.Flip', flip_ratio=0.5),
    dict(type='mmaction.FormatShape', input_format='NCTHW'),
    pack,
]
val_pipeline = [
    dict(type='SynthesizeBoundary'),
    dict(type='mmaction.Resize', scale=(-1, 256)),
    dict(type='mmaction.CenterCrop', crop_size=224),
    dict(type='mmaction.FormatShape', input_format='NCTHW'),
    pack,
]
model = dict(
    head=dict(
        _delete_=True,
        type='BoundaryRegressionHead',
        in_channels=512,
        num_frames=8,
        dropout_ratio=0.5))
train_dataloader = dict(
    dataset=dict(
        synthesizers=synthesizers, mixture=[1], pipeline=train_pipeline))
val_dataloader = dict(
    dataset=dict(
        synthesizers=synthesizers, mixture=[1], pipeline=val_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(type='ClipAccuracy', tasks=('change_point', ))
test_evaluator = val_evaluator
