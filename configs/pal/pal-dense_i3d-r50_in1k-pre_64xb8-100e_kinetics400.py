# Table 3 #1: dense sampling only: each view is a region of 8 contiguous
# clips (fixed frame stride 2) of the video, not pasted; region-level contrast.
_base_ = ['./pal_i3d-r50_in1k-pre_64xb8-100e_kinetics400.py']

synthesizer = dict(_base_.synthesizer, paste='none', strides=(2, ))
train_pipeline = [
    dict(_base_.train_pipeline[0], synthesizer=synthesizer),
    *_base_.train_pipeline[1:]
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=train_pipeline))
test_dataloader = dict(dataset=dict(pipeline=train_pipeline))
