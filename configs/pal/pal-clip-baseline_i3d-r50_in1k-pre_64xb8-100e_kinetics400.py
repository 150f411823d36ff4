# Table 3 #0 (baseline): no dense sampling, no scale-aware sampling, no
# paste: each view is one clip (fixed frame stride 2) of the video, clip-level
# contrastive learning (J = 1; the temporal head sees a single clip).
_base_ = ['./pal_i3d-r50_in1k-pre_64xb8-100e_kinetics400.py']

synthesizer = dict(
    _base_.synthesizer, num_clips=1, paste='none', strides=(2, ))
train_pipeline = [
    dict(_base_.train_pipeline[0], synthesizer=synthesizer),
    *_base_.train_pipeline[1:]
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(pipeline=train_pipeline))
test_dataloader = dict(dataset=dict(pipeline=train_pipeline))
