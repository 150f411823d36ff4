# Localization on clip features of ActivityNet v1.3: train on `training`,
# evaluate on `validation` (the test labels are not public), every video
# resized to 100 steps along time by linear interpolation (G-TAD, BMN and the
# TSP paper's practice).
#
# Features: the output folder of tools/extract_features.py (--stride 16, with
# or without --resize-to 100) or an official TSP h5 file (no clip times
# inside: clip_grid below gives them).
data_root = 'data/activitynet'
ann_file = f'{data_root}/annotations/activity_net.v1-3.min.json'
features = f'{data_root}/features/tsp_r2plus1d-34'
num_classes = 200
tiou_thresholds = [0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95]
dataset_common = dict(
    type='PrecomputedFeatureDataset',
    ann_file=ann_file,
    features=features,
    class_index=None,  # the 200 labels of the annotation file, sorted
    resize_to=100,
    clip_grid=dict(clip_len=16, target_fps=15, frame_interval=2, stride=16,
                   fps=30.0),
    # v1.3 has a few segments past the end of their video
    out_of_video='clip',
    # videos that are no longer on YouTube have no features
    allow_missing=True)

train_dataloader = dict(
    batch_size=16,
    num_workers=2,
    persistent_workers=False,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(**dataset_common, subset='training'))
val_dataloader = dict(
    batch_size=16,
    num_workers=2,
    persistent_workers=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(**dataset_common, subset='validation', test_mode=True))
test_dataloader = val_dataloader

# Detections of classes absent from the evaluated videos are dropped: they
# cannot change the AP of any ground-truth class (mAP averages over those).
val_evaluator = [
    dict(type='DetectionMAP', tiou_thresholds=tiou_thresholds,
         drop_unknown_labels=True),
    dict(type='ProposalAR', max_avg_proposals=100,
         segments_key='proposal_segments', scores_key='proposal_scores'),
]
test_evaluator = [
    dict(type='DetectionMAP', tiou_thresholds=tiou_thresholds,
         length_breakdown=True, drop_unknown_labels=True),
    dict(type='ProposalAR', max_avg_proposals=100,
         segments_key='proposal_segments', scores_key='proposal_scores'),
]
