# Table 5: background-dominated soft paste, beta in [0, 0.4].
_base_ = ['./pal_i3d-r50_in1k-pre_64xb8-100e_kinetics400.py']

synthesizer = dict(_base_.synthesizer, beta_range=(0.0, 0.4))
train_pipeline = [
    dict(_base_.train_pipeline[0], synthesizer=synthesizer),
    *_base_.train_pipeline[1:]
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=train_pipeline))
test_dataloader = dict(dataset=dict(pipeline=train_pipeline))
