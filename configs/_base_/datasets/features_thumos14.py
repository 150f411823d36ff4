# Localization on clip features of THUMOS14: train on the 200 annotated
# `validation` videos, evaluate on the 213 `test` videos, at tIoU 0.3:0.1:0.7.
#
# Features as in the TSP paper's THUMOS14 release: 16-frame clips at 15 fps
# (frame_interval 2 of 30 fps videos) starting every sampled frame
# (tools/extract_features.py --stride 1), i.e. 15 steps per second. Videos are
# not resized: training uses random windows of 2304 steps (2.6 min), testing
# whole videos.
# Annotation: an ActivityNet-style JSON of THUMOS14 whose `subset` values are
# `validation` / `test` (adapt `subset` below to your file's spelling).
data_root = 'data/thumos14'
ann_file = f'{data_root}/annotations/thumos14.json'
features = f'{data_root}/features/tsp_r2plus1d-34'
num_classes = 20
tiou_thresholds = [0.3, 0.4, 0.5, 0.6, 0.7]
dataset_common = dict(
    type='PrecomputedFeatureDataset',
    ann_file=ann_file,
    features=features,
    class_index=None,  # the 20 labels of the annotation file, sorted
    clip_grid=dict(clip_len=16, target_fps=15, frame_interval=2, stride=1,
                   fps=30.0),
    out_of_video='clip')

train_dataloader = dict(
    batch_size=2,
    num_workers=2,
    persistent_workers=False,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(**dataset_common, subset='validation', window_size=2304))
val_dataloader = dict(
    batch_size=1,
    num_workers=2,
    persistent_workers=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(**dataset_common, subset='test', test_mode=True))
test_dataloader = val_dataloader

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
