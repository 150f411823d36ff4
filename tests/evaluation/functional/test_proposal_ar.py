"""AR@AN and AUC on hand-built cases (ActivityNet proposal protocol).

Notation: N = ground-truth videos, P = all proposals, ratio = AN_max * N / P,
each video keeps min(int(n_v * ratio), n_v) proposals (K in total), and at
point k = 1..100 uses int(n_kept * k / 100 * AN_max * N / K) of them.
"""
import numpy as np
import pytest

from tsptools.evaluation.functional import average_recall_vs_num_proposals


def run(gt, props, **kwargs):
    """gt: [(video, s, e)], props: [(video, s, e, score)]."""
    gv, gs = zip(*[(v, (s, e)) for v, s, e in gt])
    pv, ps, sc = zip(*[(v, (s, e), c) for v, s, e, c in props])
    return average_recall_vs_num_proposals(gv, gs, pv, ps, sc, **kwargs)


def misses(video, n, first_score):
    return [(video, 200 + i, 201 + i, first_score - i * 1e-4)
            for i in range(n)]


def test_more_proposals_than_an():
    gt = [('v', 0, 10), ('v', 20, 30), ('v', 40, 50)]
    # 200 proposals; by rank: 1st hits GT1 exactly, 5th hits GT2 exactly,
    # 10th is [40,45] (tIoU 0.5 with GT3: a hit at 0.5 only), and the exact
    # GT3 proposal has rank 151, beyond the kept 100.
    props = misses('v', 200, 0.5)
    props[0] = ('v', 0, 10, 0.9)
    props[4] = ('v', 20, 30, props[4][3])
    props[9] = ('v', 40, 45, props[9][3])
    props[150] = ('v', 40, 50, props[150][3])
    res = run(gt, props, max_avg_proposals=100)
    # ratio = 100 * 1 / 200 = 0.5 -> keep 100, K = 100, point k uses k.
    # AR@1: GT1 at all 10 tIoUs -> 1/3. AR@5: GT1, GT2 -> 2/3.
    # AR@10 = AR@100: 2/3 at nine tIoUs, 1 at 0.5 -> (1 + 9 * 2/3) / 10.
    assert res['ar'][1] == pytest.approx(1 / 3)
    assert res['ar'][5] == pytest.approx(2 / 3)
    assert res['ar'][10] == pytest.approx(0.7)
    assert res['ar'][100] == pytest.approx(0.7)
    # AN = 1..100; trapezoids: 3 of 1/3 (1-4), (1/3+2/3)/2 (4-5),
    # 4 of 2/3 (5-9), (2/3+0.7)/2 (9-10), 90 of 0.7 -> 67.85; / AN=100.
    assert res['auc'] == pytest.approx(0.6785, abs=1e-12)
    np.testing.assert_allclose(res['avg_num_proposals'], np.arange(1, 101))
    assert res['recall'].shape == (10, 100)


def test_fewer_proposals_than_an():
    gt = [('v', 0, 10)]
    props = [('v', 50, 60, 0.9), ('v', 0, 10, 0.8), ('v', 70, 80, 0.7),
             ('v', 90, 95, 0.6)]
    res = run(gt, props, max_avg_proposals=100)
    # ratio = 100 / 4 = 25 -> all 4 kept; point k uses min(k, 4).
    # AR@1: only the miss -> 0; AR@5..100: the hit -> 1.
    assert res['ar'] == {1: 0.0, 5: 1.0, 10: 1.0, 100: 1.0}
    # AR = 0 at AN 1, 1 from AN 2 on: (0 + 1)/2 + 98 = 98.5, / 100.
    assert res['auc'] == pytest.approx(0.985, abs=1e-12)


def test_proposals_on_videos_without_ground_truth_count_in_ratio():
    gt = [('v', 0, 10)]
    props = [('v', 50, 60, 0.9), ('v', 0, 10, 0.8), ('v', 70, 80, 0.7),
             ('v', 90, 95, 0.6)]
    # AN_max = 2, P = 4: ratio 0.5 -> keep 2 (miss, hit). Point k uses
    # int(2 * k / 100): 0 for k < 50, 1 (the miss) to 99, 2 at k = 100.
    res = run(gt, props, max_avg_proposals=2)
    assert res['average_recall'][:99].max() == 0.0
    assert res['average_recall'][99] == 1.0
    assert list(res['ar']) == [1]  # AR@k only for k <= AN_max
    # AN = k / 50: only the last trapezoid, 0.02 * (0 + 1) / 2, / AN = 2.
    assert res['auc'] == pytest.approx(0.005)
    # 4 more proposals on an unknown video: P = 8, ratio 0.25 -> keep 1
    # (the miss): recall 0 everywhere.
    res = run(gt, props + misses('unknown', 4, 0.95), max_avg_proposals=2)
    assert res['average_recall'].max() == 0.0 and res['auc'] == 0.0


def test_video_without_proposals_is_a_miss():
    gt = [('v', 0, 10), ('w', 0, 10)]
    props = [('v', 0, 10, 0.9)]
    # N = 2, P = 1, ratio 200 -> keep 1, K = 1: point k uses
    # int(k / 100 * 200) capped at 1 -> the hit from k = 1. w: miss -> 1/2.
    res = run(gt, props)
    np.testing.assert_allclose(res['average_recall'], 0.5)
    # AN = k (K / N = 1/2 times pcn = 2k): 0.5 over AN 1..100 = 49.5, / 100.
    assert res['auc'] == pytest.approx(0.495)


def test_recall_is_not_one_to_one():
    # One proposal recalls both overlapping instances (no matching).
    gt = [('v', 0, 10), ('v', 0, 9)]
    res = run(gt, [('v', 0, 10, 1.0)], tiou_thresholds=[0.5])
    np.testing.assert_allclose(res['recall'], 1.0)


def test_score_order_inside_a_video():
    gt = [('v', 0, 10)]
    # Listed low score first: the sort puts the hit first -> AR@1 = 1 at
    # AN_max = 2 (point 50 uses 1 proposal).
    props = [('v', 50, 60, 0.1), ('v', 0, 10, 0.9)]
    res = run(gt, props, max_avg_proposals=2)
    assert res['ar'][1] == 1.0


def test_errors():
    with pytest.raises(ValueError, match='no proposals'):
        average_recall_vs_num_proposals(['v'], [[0, 1]], [],
                                        np.zeros((0, 2)), [])
    with pytest.raises(ValueError, match='ends before'):
        run([('v', 0, 10)], [('v', 3, 2, 1.0)])
