import numpy as np
import pytest
import torch
from mmengine.registry import init_default_scope
from mmengine.structures import BaseDataElement

from tsptools.evaluation.metrics.detection_metric import DetectionMAP
from tsptools.evaluation.metrics.proposal_metric import ProposalAR
from tsptools.registry import METRICS


def detection_samples():
    """3 GT and 4 detections of class 0 (two videos), 1 GT of class 1.

    Class 0 by score: [0,10] TP (tIoU 1), [1,10] FP (duplicate), [20,28] TP
    at 0.5/0.75 (tIoU 0.8) but FP at 0.95, video w (no GT) FP. With 3 GT:
    T F T F -> AP 1/3 + 1/3 * 2/3 = 5/9; T F F F -> 1/3. Class 1 has no
    detection -> AP 0. mAP = (5/9)/2, (5/9)/2, (1/3)/2.
    """
    return [
        dict(video_name='v', duration=60.0,
             gt_segments=[[0, 10], [20, 30], [40, 50]], gt_labels=[0, 0, 0],
             pred_segments=[[0, 10], [1, 10], [20, 28]],
             pred_scores=[0.9, 0.8, 0.7], pred_labels=[0, 0, 0]),
        dict(video_name='w', duration=60.0,
             gt_segments=[[5, 6]], gt_labels=[1],
             pred_segments=[[0, 10]], pred_scores=[0.6], pred_labels=[0]),
    ]


EXPECTED_MAP = {'mAP@0.50': 5 / 18, 'mAP@0.75': 5 / 18, 'mAP@0.95': 1 / 6}


def test_detection_map_dicts_and_data_elements():
    metric = DetectionMAP(tiou_thresholds=(0.5, 0.75, 0.95))
    samples = detection_samples()
    # One sample as a data element with tensors, one as a plain dict.
    elem = BaseDataElement(**{
        k: torch.tensor(v) if isinstance(v, list) else v
        for k, v in samples[0].items()
    })
    metric.process({}, [elem, samples[1]])
    out = metric.compute_metrics(metric.results)
    for key, value in EXPECTED_MAP.items():
        assert out[key] == pytest.approx(value)
    assert out['average_mAP'] == pytest.approx((5 / 18 * 2 + 1 / 6) / 3)


def test_results_hold_ground_truth_so_gathered_shares_are_complete():
    # Two "ranks" each see one video; mmengine concatenates their results.
    ranks = [DetectionMAP(tiou_thresholds=(0.5, 0.75, 0.95))
             for _ in range(2)]
    for rank, sample in zip(ranks, detection_samples()):
        rank.process({}, [sample])
    assert 'gt_segments' in ranks[0].results[0]
    gathered = ranks[0].results + ranks[1].results
    out = ranks[0].compute_metrics(gathered)
    assert out['mAP@0.50'] == pytest.approx(5 / 18)
    # Through BaseMetric.evaluate (non-distributed collect).
    metric = DetectionMAP(tiou_thresholds=(0.5, 0.75, 0.95), prefix='det')
    metric.process({}, detection_samples())
    assert metric.evaluate(2)['det/mAP@0.50'] == pytest.approx(5 / 18)
    assert metric.results == []  # cleared for the next round


def test_detection_options():
    metric = DetectionMAP(tiou_thresholds=[0.5], per_class=True,
                          length_breakdown=True)
    metric.process({}, detection_samples())
    out = metric.compute_metrics(metric.results)
    assert out['AP/0'] == pytest.approx(5 / 9)
    assert out['AP/1'] == 0.0
    # All instances are XS (<= 30 s): same as the overall mAP.
    assert out['average_mAP/XS'] == pytest.approx(5 / 18)
    assert np.isnan(out['average_mAP/XL'])
    assert DetectionMAP().tiou_thresholds.tolist() == \
        np.linspace(0.5, 0.95, 10).tolist()


def test_detection_length_bins():
    """Groups <= 5 s (w's 1 s class-1 instance) and > 5 s (the three 10 s
    class-0 instances of v). > 5 s: class 0 keeps all its detections, T F T
    F over 3 GT -> 5/9, and class 1 has no instance there. <= 5 s: the
    detections matched to v's instances leave; class 1 has no detection ->
    0."""
    metric = DetectionMAP(tiou_thresholds=[0.5], length_breakdown=True,
                          length_bins=(0, 5, None))
    metric.process({}, detection_samples())
    out = metric.compute_metrics(metric.results)
    assert out['average_mAP/XS'] == 0.0
    assert out['average_mAP/S'] == pytest.approx(5 / 9)
    assert 'average_mAP/M' not in out
    named = DetectionMAP(tiou_thresholds=[0.5], length_breakdown=True,
                         length_bins=[0, 5, 20, 40],
                         length_names=['short', 'long', 'longer'])
    named.process({}, detection_samples())
    out = named.compute_metrics(named.results)
    assert out['average_mAP/long'] == pytest.approx(5 / 9)
    assert np.isnan(out['average_mAP/longer'])
    with pytest.raises(ValueError, match='increasing'):
        DetectionMAP(length_bins=(0, 5, 5))
    with pytest.raises(ValueError, match='2 length groups need 2'):
        DetectionMAP(length_bins=(0, 5, None), length_names=['a'])


def test_detection_errors():
    metric = DetectionMAP()
    bad = detection_samples()
    bad[1]['pred_labels'] = [5]  # not a ground-truth class
    metric.process({}, bad)
    with pytest.raises(ValueError, match='no ground-truth class'):
        metric.compute_metrics(metric.results)
    dropped = DetectionMAP(tiou_thresholds=[0.5], drop_unknown_labels=True)
    dropped.process({}, bad)
    # Without the FP on w: class 0 is T F T, 3 GT -> 1/3 + 1/3 * 2/3 = 5/9
    assert dropped.compute_metrics(
        dropped.results)['mAP@0.50'] == pytest.approx(5 / 18)
    with pytest.raises(ValueError, match='several data samples'):
        metric.compute_metrics(metric.results + metric.results)
    with pytest.raises(KeyError, match='pred_labels'):
        DetectionMAP().process({}, [{
            k: v for k, v in detection_samples()[0].items()
            if k != 'pred_labels'
        }])


def test_proposal_ar():
    # One video, 3 GT, 200 proposals ranked: 1st = GT1, 5th = GT2,
    # 10th = [40,45] (tIoU 0.5 with GT3). ratio 0.5 keeps 100; point k
    # uses k proposals: AR@1 = 1/3, AR@5 = 2/3, AR@10 = AR@100 =
    # (1 + 9 * 2/3) / 10 = 0.7; AUC = 67.85 / 100 (see the functional test).
    segs = np.stack([200 + np.arange(200), 201 + np.arange(200)], 1)
    segs[0], segs[4], segs[9] = [0, 10], [20, 30], [40, 45]
    sample = dict(video_name='v', gt_segments=[[0, 10], [20, 30], [40, 50]],
                  pred_segments=segs, pred_scores=1 - np.arange(200) / 1000)
    metric = ProposalAR()
    metric.process({}, [sample])
    out = metric.compute_metrics(metric.results)
    assert out == pytest.approx({'AR@1': 1 / 3, 'AR@5': 2 / 3, 'AR@10': 0.7,
                                 'AR@100': 0.7, 'AUC': 0.6785})


def test_registered_and_buildable():
    init_default_scope('tsptools')
    metric = METRICS.build(dict(type='DetectionMAP', tiou_thresholds=[0.5]))
    assert isinstance(metric, DetectionMAP)
    assert isinstance(METRICS.build(dict(type='ProposalAR')), ProposalAR)


def test_proposal_ar_reads_the_configured_fields():
    from tsptools.evaluation.metrics import ProposalAR
    # one ground truth [0, 10]; the class-agnostic proposal hits it, the
    # detection list does not: AR@1 is 1 from the proposals, 0 otherwise
    sample = dict(video_name='v', duration=20.0, gt_segments=[[0., 10.]],
                  gt_labels=[0], pred_segments=[[12., 20.]],
                  pred_scores=[0.9], pred_labels=[0],
                  proposal_segments=[[0., 10.]], proposal_scores=[0.5])
    for keys, expected in ((dict(), 0.0),
                           (dict(segments_key='proposal_segments',
                                 scores_key='proposal_scores'), 1.0)):
        metric = ProposalAR(max_avg_proposals=1, ar_at=(1, ), **keys)
        metric.process(None, [sample])
        assert metric.compute_metrics(metric.results)['AR@1'] == expected
    metric = ProposalAR(segments_key='nope')
    import pytest
    with pytest.raises(KeyError, match='nope'):
        metric.process(None, [sample])
