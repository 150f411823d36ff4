# TSP without the global video feature: the region head sees the local clip
# feature only (F -> 2). No GVF file is needed.
_base_ = ['./tsp_r2plus1d-18-w16_synthtac-pre_2xb8-16x2-6e_synthactions-small.py']

model = dict(head=dict(with_gvf=False))
train_dataloader = dict(dataset=dict(gvf_file=None, pipeline=[
    dict(type='DecordOpen'),
    dict(type='SampleClip', clip_len=16, frame_interval=2),
    dict(type='DecordReadClip'),
    dict(type='mmaction.Resize', scale=(-1, 64)),
    dict(type='mmaction.Flip', flip_ratio=0.5),
    dict(type='mmaction.RandomCrop', size=56),
    dict(type='mmaction.FormatShape', input_format='NCTHW'),
    dict(type='PackPretextInputs', keys=('action_label', 'region_label')),
]))
val_dataloader = dict(dataset=dict(gvf_file=None, pipeline=[
    dict(type='DecordOpen'),
    dict(type='SampleClip', clip_len=16, frame_interval=2, test_mode=True),
    dict(type='DecordReadClip'),
    dict(type='mmaction.Resize', scale=(-1, 64)),
    dict(type='mmaction.CenterCrop', crop_size=56),
    dict(type='mmaction.FormatShape', input_format='NCTHW'),
    dict(type='PackPretextInputs', keys=('action_label', 'region_label')),
]))
test_dataloader = val_dataloader
