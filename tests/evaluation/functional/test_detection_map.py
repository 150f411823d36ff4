"""Detection mAP on hand-built cases; every expected value is worked out in
the comments (precision P = cumTP / rank, recall R = cumTP / #GT, envelope
= max precision at this rank or later, AP = sum over TPs of envelope / #GT).
"""
import numpy as np
import pytest

from tsptools.evaluation.functional import (ACTIVITYNET_TIOU_THRESHOLDS,
                                            detection_map,
                                            interpolated_average_precision,
                                            match_detections, segment_tiou)


def run(gt, pred, thr=(0.5, ), **kwargs):
    """gt: [(video, s, e, label)], pred: [(video, s, e, score, label)]."""
    gv, gs, gl = zip(*[(v, (s, e), lab) for v, s, e, lab in gt])
    pv, ps, sc, pl = (zip(*[(v, (s, e), c, lab)
                            for v, s, e, c, lab in pred]) if pred else
                      ([], np.zeros((0, 2)), [], []))
    return detection_map(gv, gs, gl, pv, ps, sc, pl, tiou_thresholds=thr,
                         **kwargs)


def test_tiou_matrix():
    # [0,10] vs [5,15]: inter 5, union 15 -> 1/3; vs [20,30]: 0;
    # zero-length pair: 0 by definition (official: 0/0).
    tiou = segment_tiou([[0, 10], [3, 3]], [[5, 15], [20, 30], [3, 3]])
    np.testing.assert_allclose(tiou, [[1 / 3, 0, 0], [0, 0, 0]])


def test_interpolated_ap_envelope():
    # hits T F T F, 3 positives: P = 1, 1/2, 2/3, 1/2; R = 1/3, 1/3, 2/3, 2/3
    # envelope at the TPs: 1 and 2/3 -> AP = 1/3 * 1 + 1/3 * 2/3 = 5/9
    ap = interpolated_average_precision([[1, 0, 1, 0]], 3)
    assert ap[0] == pytest.approx(5 / 9, abs=1e-12)
    # F T: P = 0, 1/2; the envelope lifts nothing before it -> 1/2 * 1/1
    assert interpolated_average_precision([[0, 1]], 1)[0] == 0.5
    assert interpolated_average_precision(np.zeros((2, 0)), 3).tolist() == \
        [0, 0]


def test_three_gt_four_predictions_duplicate_and_unknown_video():
    gt = [('v1', 0, 10, 'a'), ('v1', 20, 30, 'a'), ('v1', 40, 50, 'a')]
    pred = [
        ('v1', 0, 10, 0.9, 'a'),  # tIoU 1 with GT1 -> TP at every tIoU
        ('v1', 1, 10, 0.8, 'a'),  # 0.9 with GT1, already taken -> FP
        ('v1', 20, 28, 0.7, 'a'),  # 0.8 with GT2 -> TP at 0.5/0.75, FP 0.95
        ('v2', 0, 10, 0.6, 'a'),  # video without ground truth -> FP
    ]
    res = run(gt, pred, thr=(0.5, 0.75, 0.95))
    # 0.5 and 0.75: T F T F -> 5/9 (see above); 0.95: T F F F -> 1/3 * 1
    np.testing.assert_allclose(res['ap'][:, 0], [5 / 9, 5 / 9, 1 / 3])
    np.testing.assert_allclose(res['mAP'], [5 / 9, 5 / 9, 1 / 3])
    assert res['average_mAP'] == pytest.approx(13 / 27, abs=1e-12)


def test_greedy_takes_best_unmatched_ground_truth():
    gt = [('v', 0, 10, 'a'), ('v', 1, 11, 'a')]
    pred = [('v', 0, 10, 0.9, 'a'), ('v', 0, 10, 0.8, 'a')]
    # 1st: tIoU 1 with GT1 -> TP. 2nd: GT1 taken, GT2 has 9/11 = 0.818:
    # TP at 0.5 (AP 1), FP at 0.9 (T F, 2 GT: 1/2 * 1).
    res = run(gt, pred, thr=(0.5, 0.9))
    np.testing.assert_allclose(res['ap'][:, 0], [1.0, 0.5])
    # Matched GT indices, processing order = score order.
    order, matched = match_detections(['v', 'v'], [[0, 10], [1, 11]], [0, 0],
                                      ['v', 'v'], [[0, 10], [0, 10]],
                                      [0.9, 0.8], [0, 0], [0.5, 0.9])
    assert order.tolist() == [0, 1]
    assert matched.tolist() == [[0, 1], [0, -1]]


def test_highest_tiou_wins_over_first_listed():
    # pred [5,14]: 5/14 with GT1 [0,10], 9/10 with GT2 [5,15] -> GT2.
    _, matched = match_detections(['v', 'v'], [[0, 10], [5, 15]], [0, 0],
                                  ['v'], [[5, 14]], [1.0], [0], [0.3])
    assert matched.tolist() == [[1]]


def test_class_without_predictions_and_video_without_predictions():
    gt = [('v1', 0, 10, 'a'), ('v2', 0, 10, 'a'), ('v1', 20, 30, 'b')]
    pred = [('v1', 0, 10, 0.9, 'a')]
    res = run(gt, pred)
    # a: one TP out of 2 GT (v2 has no predictions) -> 1/2 * 1 = 0.5;
    # b: no predictions -> 0. mAP = 0.25.
    assert res['classes'].tolist() == ['a', 'b']
    np.testing.assert_allclose(res['ap'][0], [0.5, 0.0])
    assert res['average_mAP'] == pytest.approx(0.25)
    assert res['num_positives'].tolist() == [2, 1]


def test_prediction_on_unknown_video_ranked_first():
    gt = [('v1', 0, 10, 'a')]
    pred = [('zz', 0, 10, 0.99, 'a'), ('v1', 0, 10, 0.5, 'a')]
    # F T: P = 0, 1/2; R = 0, 1 -> AP = 1 * 1/2
    assert run(gt, pred)['average_mAP'] == pytest.approx(0.5)


def test_other_class_ground_truth_does_not_match():
    gt = [('v', 0, 10, 'a'), ('v', 0, 10, 'b')]
    pred = [('v', 0, 10, 0.9, 'b'), ('v', 0, 10, 0.8, 'b')]
    # a: no predictions -> 0; b: T F -> 1. mAP 0.5.
    np.testing.assert_allclose(run(gt, pred)['ap'][0], [0.0, 1.0])


def test_ties_are_broken_by_video_then_start_and_are_order_free():
    gt = [('a', 0, 10, 'x'), ('b', 0, 10, 'x')]
    pred = [('b', 0, 10, 0.5, 'x'), ('a', 50, 60, 0.5, 'x')]
    # Equal scores: video 'a' first -> F (tIoU 0), then 'b' -> T.
    # P = 0, 1/2; R = 0, 1/2 -> AP = 1/2 * 1/2 = 0.25 (the other order
    # would give 0.5).
    assert run(gt, pred)['average_mAP'] == pytest.approx(0.25)
    assert run(gt, pred[::-1])['average_mAP'] == pytest.approx(0.25)
    # Same video: start ascending decides; [0,10] (T) before [1,3] (F):
    # T F with 1 GT -> P = 1, 1/2; R = 1, 1 -> AP 1 (F T would give 0.5).
    gt = [('a', 0, 10, 'x')]
    pred = [('a', 1, 3, 0.5, 'x'), ('a', 0, 10, 0.5, 'x')]
    assert run(gt, pred)['average_mAP'] == pytest.approx(1.0)


def test_ties_deterministic_under_shuffles():
    rng = np.random.default_rng(0)
    gv = rng.choice(['a', 'b', 'c'], 30)
    gs = np.sort(rng.integers(0, 20, (30, 2)), axis=1)
    gl = rng.integers(0, 3, 30)
    pv = rng.choice(['a', 'b', 'c', 'd'], 200)
    ps = np.sort(rng.integers(0, 20, (200, 2)), axis=1)
    sc = rng.integers(0, 4, 200) / 4  # many ties
    pl = rng.integers(0, 3, 200)
    ref = detection_map(gv, gs, gl, pv, ps, sc, pl)['ap']
    for _ in range(5):
        p = rng.permutation(200)
        got = detection_map(gv, gs, gl, pv[p], ps[p], sc[p], pl[p])['ap']
        np.testing.assert_array_equal(got, ref)


def test_unknown_label_is_an_error_unless_dropped():
    gt = [('v', 0, 10, 'a')]
    pred = [('v', 0, 10, 0.9, 'a'), ('v', 0, 10, 0.95, 'nope')]
    with pytest.raises(ValueError, match="'nope'"):
        run(gt, pred)
    # Dropped: only the TP remains -> AP 1.
    assert run(gt, pred, drop_unknown_labels=True)['average_mAP'] == 1.0


def test_bad_inputs():
    with pytest.raises(ValueError, match='ends before it starts'):
        run([('v', 0, 10, 'a')], [('v', 5, 1, 0.9, 'a')])
    with pytest.raises(ValueError, match=r'\(0, 1\]'):
        run([('v', 0, 10, 'a')], [], thr=(0.0, 0.5))
    with pytest.raises(ValueError, match='no ground-truth'):
        detection_map([], np.zeros((0, 2)), [], [], np.zeros((0, 2)), [], [])


def test_no_predictions_and_defaults():
    res = run([('v', 0, 10, 'a')], [], thr=ACTIVITYNET_TIOU_THRESHOLDS)
    assert res['ap'].shape == (10, 1)
    assert res['average_mAP'] == 0.0
    np.testing.assert_array_equal(res['tiou_thresholds'],
                                  np.linspace(0.5, 0.95, 10))


def test_integer_labels():
    gt = [('v', 0, 10, 3), ('v', 20, 30, 7)]
    pred = [('v', 20, 30, 0.9, 7)]
    res = run(gt, pred)
    assert res['classes'].tolist() == [3, 7]
    np.testing.assert_allclose(res['ap'][0], [0.0, 1.0])


def test_zero_length_pair_does_not_match():
    # Documented deviation: tIoU of two zero-length segments is 0 (the
    # official code computes 0/0 = NaN and counts it as a match).
    res = run([('v', 5, 5, 'a'), ('v', 0, 10, 'a')],
              [('v', 5, 5, 0.9, 'a'), ('v', 0, 10, 0.8, 'a')])
    # F T with 2 GT: P = 0, 1/2; R = 0, 1/2 -> AP = 1/2 * 1/2.
    assert res['average_mAP'] == pytest.approx(0.25)
