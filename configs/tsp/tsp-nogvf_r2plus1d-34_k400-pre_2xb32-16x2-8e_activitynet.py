_base_ = ['./tsp_r2plus1d-34_k400-pre_2xb32-16x2-8e_activitynet.py']

# TSP without the global video feature (region head on the local feature only).
model = dict(head=dict(with_gvf=False))
_gvf_free_keys = ('action_label', 'region_label')
train_dataloader = dict(dataset=dict(gvf_file=None, pipeline=[
    dict(type='DecordOpen'),
    dict(type='SampleClip', clip_len=16, frame_interval=2),
    dict(type='DecordReadClip'),
    dict(type='mmaction.Resize', scale=(171, 128), keep_ratio=False),
    dict(type='mmaction.Flip', flip_ratio=0.5),
    dict(type='mmaction.RandomCrop', size=112),
    dict(type='mmaction.FormatShape', input_format='NCTHW'),
    dict(type='PackPretextInputs', keys=_gvf_free_keys),
]))
val_dataloader = dict(dataset=dict(gvf_file=None, pipeline=[
    dict(type='DecordOpen'),
    dict(type='SampleClip', clip_len=16, frame_interval=2, test_mode=True),
    dict(type='DecordReadClip'),
    dict(type='mmaction.Resize', scale=(171, 128), keep_ratio=False),
    dict(type='mmaction.CenterCrop', crop_size=112),
    dict(type='mmaction.FormatShape', input_format='NCTHW'),
    dict(type='PackPretextInputs', keys=_gvf_free_keys),
]))
test_dataloader = val_dataloader
