# Example plugin config: the SynthActions TSP config with its head and data
# swapped for a speed-classification pretext task (SpeedNet-style), whose
# head and transform live in the third-party package `example_pretext`
# (projects/example_pretext/example_pretext/). Everything else is inherited:
# the narrow R(2+1)D-18 initialised from the SynthActions TAC checkpoint
# (model.init_cfg), the TSP SGD recipe, the runtime.
#
# Run from the repository root, with the package importable:
#   PYTHONPATH=projects/example_pretext python tools/train.py \
#       projects/example_pretext/configs/speednet_r2plus1d-18-w16_synthtac-pre_2xb8-16x2-6e_synthactions-small.py
# (or `pip install -e projects/example_pretext` once, then without PYTHONPATH).
_base_ = [
    '../../../configs/tsp/'
    'tsp_r2plus1d-18-w16_synthtac-pre_2xb8-16x2-6e_synthactions-small.py'
]

# Import the plugin; fail loudly if it is not importable (a silent failure
# only shows later as "SpeedClassificationHead is not in the model registry").
custom_imports = dict(imports=['example_pretext'], allow_failed_imports=False)

speeds = (1, 2, 4, 8)
model = dict(
    head=dict(
        _delete_=True,
        type='SpeedClassificationHead',
        num_classes=len(speeds),
        in_channels=128,
        dropout_ratio=0.2))

# Speed classification needs no temporal annotation: train on the trimmed
# SynthActions clips (300 frames each, enough for 16 frames at 8 x 2).
data_root = 'data/synthactions-small/trimmed'
clip_len = 16
frame_interval = 2
short_side = 64
crop_size = 56

train_pipeline = [
    dict(type='DecordOpen'),
    dict(type='SampleSpeedClip', clip_len=clip_len,
         frame_interval=frame_interval, speeds=speeds),
    dict(type='DecordReadClip'),
    dict(type='mmaction.Resize', scale=(-1, short_side)),
    dict(type='mmaction.RandomCrop', size=crop_size),
    dict(type='mmaction.Flip', flip_ratio=0.5),
    dict(type='mmaction.FormatShape', input_format='NCTHW'),
    dict(type='PackPretextInputs', keys=('speed_label', )),
]
val_pipeline = [
    dict(type='DecordOpen'),
    dict(type='SampleSpeedClip', clip_len=clip_len,
         frame_interval=frame_interval, speeds=speeds, test_mode=True),
    dict(type='DecordReadClip'),
    dict(type='mmaction.Resize', scale=(-1, short_side)),
    dict(type='mmaction.CenterCrop', crop_size=crop_size),
    dict(type='mmaction.FormatShape', input_format='NCTHW'),
    dict(type='PackPretextInputs', keys=('speed_label', )),
]

train_dataloader = dict(
    dataset=dict(
        _delete_=True,
        type='TrimmedVideoDataset',
        ann_file=f'{data_root}/train_list.txt',
        data_prefix=dict(video=f'{data_root}/videos'),
        pipeline=train_pipeline))
val_dataloader = dict(
    dataset=dict(
        _delete_=True,
        type='TrimmedVideoDataset',
        ann_file=f'{data_root}/val_list.txt',
        data_prefix=dict(video=f'{data_root}/videos'),
        pipeline=val_pipeline,
        test_mode=True))
test_dataloader = val_dataloader

# ClipAccuracy reads `speed_label` and the head's `pred_speed`; `mean_acc`
# (= acc_speed here) still picks the best checkpoint.
val_evaluator = dict(type='ClipAccuracy', tasks=('speed', ))
test_evaluator = val_evaluator
