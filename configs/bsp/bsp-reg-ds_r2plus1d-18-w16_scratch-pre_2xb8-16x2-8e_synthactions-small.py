# BSP change-point regression on diff-speed clips ({S_ds} reg of Table 4,
# Sec. 3.3): a Gaussian heatmap over the 16 frames of the clip,
# y_t = exp(-(t - mu)^2 / 2 tau), regressed with smooth L1 from the pooled
# clip feature. Use DiffClassSynthesizer / SameClassSynthesizer for the
# {S_dc} / {S_sc} rows. Validation reports acc_change_point: the argmax
# frame of the prediction is the change point.
_base_ = ['./bsp_r2plus1d-18-w16_scratch-pre_2xb8-16x2-8e_synthactions-small.py']

short_side = 64
crop_size = 56
synthesizers = [
    dict(type='DiffSpeedSynthesizer', tau=8, frame_interval=2,
         t_range=(4, 12), gamma_ranges=((0.25, 0.75), (1.5, 3.0))),
]
pack = dict(
    type='PackPretextInputs',
    keys=('boundary_label', 'change_point', 'change_point_label'),
    meta_keys=('video_name', 'filename', 'sample_idx', 'boundary_type',
               'synth_params'))
train_pipeline = [
    dict(type='SynthesizeBoundary'),
    dict(type='mmaction.Resize', scale=(-1, short_side)),
    dict(type='mmaction.RandomCrop', size=crop_size),
    dict(type='mmaction.Flip', flip_ratio=0.5),
    dict(type='mmaction.FormatShape', input_format='NCTHW'),
    pack,
]
val_pipeline = [
    dict(type='SynthesizeBoundary'),
    dict(type='mmaction.Resize', scale=(-1, short_side)),
    dict(type='mmaction.CenterCrop', crop_size=crop_size),
    dict(type='mmaction.FormatShape', input_format='NCTHW'),
    pack,
]
model = dict(
    head=dict(
        _delete_=True,
        type='BoundaryRegressionHead',
        in_channels=128,
        num_frames=16,
        dropout_ratio=0.2))
train_dataloader = dict(
    dataset=dict(
        synthesizers=synthesizers, mixture=[1], pipeline=train_pipeline))
val_dataloader = dict(
    dataset=dict(
        synthesizers=synthesizers, mixture=[1], pipeline=val_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(type='ClipAccuracy', tasks=('change_point', ))
test_evaluator = val_evaluator
