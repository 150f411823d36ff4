# Table 3 #2: dense + scale-aware sampling (frame stride in [1, 4]), no
# paste: each view is a region of 8 clips of the video.
_base_ = ['./pal_i3d-r50_in1k-pre_64xb8-100e_kinetics400.py']

synthesizer = dict(_base_.synthesizer, paste='none')
train_pipeline = [
    dict(_base_.train_pipeline[0], synthesizer=synthesizer),
    *_base_.train_pipeline[1:]
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=train_pipeline))
test_dataloader = dict(dataset=dict(pipeline=train_pipeline))
