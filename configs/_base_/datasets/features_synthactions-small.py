# Localization on clip features of the untrimmed SynthActions `small` split:
# train on `training`, select on `validation`, report on `testing`.
#
# `features` is a placeholder: point it at the output of
#   python tools/extract_features.py ENCODER_CONFIG CKPT \
#       --video-dir data/synthactions-small/untrimmed/videos --out-dir FEATURES
# (the SynthActions encoder configs' extract_cfg: 16x2 clips, 64 short side,
# 56 crop, stride 16 = 1.07 s per step; --stride 8 is better for the short
# actions) with --cfg-options train_dataloader.dataset.features=FEATURES
# val_dataloader.dataset.features=FEATURES
# test_dataloader.dataset.features=FEATURES (tools/benchmark_pretraining.py
# does this). Videos are kept whole (20-40 s: 18-37 steps at stride 16).
data_root = 'data/synthactions-small/untrimmed'
ann_file = f'{data_root}/annotations/synthactions.json'
class_index = f'{data_root}/annotations/class_index.json'
features = 'data/synthactions-small/features/tsp'
num_classes = 10
# ActivityNet's thresholds: SynthActions is an ActivityNet analogue.
tiou_thresholds = [0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95]

dataset_type = 'PrecomputedFeatureDataset'
train_dataloader = dict(
    batch_size=4,
    num_workers=0,
    persistent_workers=False,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type=dataset_type,
        ann_file=ann_file,
        features=features,
        class_index=class_index,
        subset='training'))
val_dataloader = dict(
    batch_size=8,
    num_workers=0,
    persistent_workers=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        ann_file=ann_file,
        features=features,
        class_index=class_index,
        subset='validation',
        test_mode=True))
test_dataloader = dict(
    batch_size=8,
    num_workers=0,
    persistent_workers=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        ann_file=ann_file,
        features=features,
        class_index=class_index,
        subset='testing',
        test_mode=True))

# Detections of classes absent from the evaluated videos are dropped: they
# cannot change the AP of any ground-truth class (mAP averages over those).
val_evaluator = [
    dict(type='DetectionMAP', tiou_thresholds=tiou_thresholds,
         drop_unknown_labels=True),
    dict(type='ProposalAR', max_avg_proposals=100,
         segments_key='proposal_segments', scores_key='proposal_scores'),
]
# DETAD's THUMOS14 length groups (s): XS <= 3 < S <= 6 < M <= 12 < L <= 18 < XL
test_evaluator = [
    dict(type='DetectionMAP', tiou_thresholds=tiou_thresholds,
         length_breakdown=True, length_bins=(0, 3, 6, 12, 18, None),
         drop_unknown_labels=True),
    dict(type='ProposalAR', max_avg_proposals=100,
         segments_key='proposal_segments', scores_key='proposal_scores'),
]
