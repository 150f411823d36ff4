# Baseline "TAC on thumos14": the Kinetics-400 encoder fine-tuned to classify
# the actions of foreground clips only (no region head, no GVF), with the TSP
# recipe.
_base_ = [
    '../_base_/models/tac_r2plus1d-18.py', '../_base_/datasets/thumos14-tsp.py',
    '../_base_/schedules/tsp_sgd-8e.py', '../_base_/default_runtime.py'
]

# Kinetics-400 weights of this backbone in mmaction2 layout (keys backbone.*),
# e.g. converted from torchvision / the mmaction2 model zoo: set the path.
model = dict(
    init_cfg=dict(type='Pretrained', checkpoint='checkpoints/r2plus1d-18_k400.pth',
                  prefix='backbone.'),
    backbone=dict(frozen_stages=0),
    head=dict(num_classes=20, in_channels=512))
train_dataloader = dict(
    dataset=dict(
        regions=('Action', ),
        gvf_file=None,
        pipeline=[
            dict(type='DecordOpen'),
            dict(type='SampleClip', clip_len=16, frame_interval=2),
            dict(type='DecordReadClip'),
            dict(type='mmaction.Resize', scale=(171, 128), keep_ratio=False),
            dict(type='mmaction.Flip', flip_ratio=0.5),
            dict(type='mmaction.RandomCrop', size=112),
            dict(type='mmaction.FormatShape', input_format='NCTHW'),
            dict(type='PackPretextInputs', keys=('action_label', )),
        ]))
val_dataloader = dict(
    dataset=dict(
        regions=('Action', ),
        gvf_file=None,
        pipeline=[
            dict(type='DecordOpen'),
            dict(type='SampleClip', clip_len=16, frame_interval=2,
                 test_mode=True),
            dict(type='DecordReadClip'),
            dict(type='mmaction.Resize', scale=(171, 128), keep_ratio=False),
            dict(type='mmaction.CenterCrop', crop_size=112),
            dict(type='mmaction.FormatShape', input_format='NCTHW'),
            dict(type='PackPretextInputs', keys=('action_label', )),
        ]))
test_dataloader = val_dataloader
val_evaluator = dict(type='ClipAccuracy', tasks=('action', ))
test_evaluator = val_evaluator
optim_wrapper = dict(optimizer=dict(lr=0.004))  # head lr for THUMOS14
