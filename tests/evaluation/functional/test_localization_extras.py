"""Length breakdown (DETAD), video grounding and actionness AP, by hand."""
import numpy as np
import pytest

from tsptools.evaluation.functional import (actionness_ap,
                                            binary_average_precision,
                                            detection_map, grounding_recall,
                                            length_breakdown,
                                            segment_actionness)


def test_length_breakdown():
    gv = ['v1', 'v2']
    gs = [[0, 10], [0, 100]]  # lengths 10 s (XS) and 100 s (M)
    gl = ['a', 'a']
    pv = ['v2', 'v1', 'v1']
    ps = [[0, 100], [50, 60], [0, 10]]
    sc = [0.9, 0.8, 0.7]  # T (the M instance), F, T (the XS instance)
    res = length_breakdown(gv, gs, gl, pv, ps, sc, ['a'] * 3,
                           tiou_thresholds=[0.5])
    # XS: the prediction matched to M is removed: F T, 1 GT -> 1/2 * 1.
    assert res['XS']['average_mAP'] == pytest.approx(0.5)
    # M: the one matched to XS is removed: T F, 1 GT -> 1.
    assert res['M']['average_mAP'] == pytest.approx(1.0)
    for name in ('S', 'L', 'XL'):
        assert np.isnan(res[name]['average_mAP'])
        assert res[name]['num_instances'] == 0
    assert res['XS']['share'] == res['M']['share'] == 0.5
    # Overall: T F T, 2 GT: P 1, 1/2, 2/3 -> 1/2 * 1 + 1/2 * 2/3 = 5/6.
    overall = detection_map(gv, gs, gl, pv, ps, sc, ['a'] * 3,
                            tiou_thresholds=[0.5])
    assert overall['average_mAP'] == pytest.approx(5 / 6)


def test_length_group_edges():
    # 30 s is XS (right-closed), 30.5 S, 180 L, 181 XL, 0 s XS.
    gs = [[0, 30], [0, 30.5], [0, 180], [0, 181], [5, 5]]
    res = length_breakdown(['v'] * 5, gs, ['a'] * 5, [], np.zeros((0, 2)),
                           [], [], tiou_thresholds=[0.5])
    counts = {k: v['num_instances'] for k, v in res.items()}
    assert counts == dict(XS=2, S=1, M=0, L=1, XL=1)
    assert res['XS']['average_mAP'] == 0.0  # no predictions


def test_grounding_recall_and_mean_tiou():
    gt = [[0, 10], [10, 20], [0, 4]]
    preds = [
        [[0, 5], [0, 10]],  # top-1 tIoU 0.5, top-2 1.0
        [[30, 40], [12, 20]],  # top-1 0, top-2 0.8
        [],  # no prediction: a miss
    ]
    res = grounding_recall(gt, preds, ranks=(1, 5),
                           tiou_thresholds=(0.3, 0.5, 0.7))
    # R@1: query 0 hits 0.3 and 0.5 (0.5 >= 0.5), nothing else -> 1/3.
    np.testing.assert_allclose(res['recall'][1], [1 / 3, 1 / 3, 0])
    # R@5: queries 0 (1.0) and 1 (0.8) at every threshold -> 2/3.
    np.testing.assert_allclose(res['recall'][5], [2 / 3] * 3)
    # mean tIoU of the top-1: (0.5 + 0 + 0) / 3.
    assert res['mean_tIoU'] == pytest.approx(0.5 / 3)
    with pytest.raises(ValueError, match='prediction lists'):
        grounding_recall(gt, preds[:2])


def test_binary_average_precision_groups_ties():
    # 0.8 fg, 0.4 bg, 0.3 fg, 0.2 bg, 0.1 bg:
    # P at the fg = 1, 2/3; R = 1/2, 1 -> 1/2 + 1/3 = 5/6.
    ap = binary_average_precision([0.1, 0.4, 0.8, 0.3, 0.2],
                                  [0, 0, 1, 1, 0])
    assert ap == pytest.approx(5 / 6)
    # Ties enter together: 0.9 fg -> P 1, R 1/2; {0.5 fg, 0.5 bg} ->
    # P 2/3, R 1 -> 1/2 + 1/2 * 2/3 = 5/6, whatever the listing order.
    assert binary_average_precision([0.9, 0.5, 0.5], [1, 1, 0]) == \
        pytest.approx(5 / 6)
    assert binary_average_precision([0.9, 0.5, 0.5], [1, 0, 1]) == \
        pytest.approx(5 / 6)
    with pytest.raises(ValueError, match='no foreground'):
        binary_average_precision([0.1], [0])


def test_segment_actionness_grid_labels_and_interpolation():
    # 1.0 s: centres 0.1, 0.3, 0.5, 0.7, 0.9; step [0.4, 0.8] holds 0.5, 0.7.
    labels, scores = segment_actionness(1.0, [[0.4, 0.8]], [0.0, 1.0],
                                        [0.0, 1.0])
    assert labels.tolist() == [False, False, True, True, False]
    np.testing.assert_allclose(scores, [0.1, 0.3, 0.5, 0.7, 0.9])
    # 0.95 s: the centre 0.9 < 0.95 still counts; 0.3 s: centres 0.1 only
    # (0.3 is not < 0.3).
    assert len(segment_actionness(0.95, [], [0], [0])[0]) == 5
    assert len(segment_actionness(0.3, [], [0], [0])[0]) == 1


def test_actionness_ap_over_videos():
    # Video 1 (0.4 s, step [0, 0.2]): centres 0.1 fg, 0.3 bg;
    # video 2 (0.4 s, no step): 0.1 bg, 0.3 bg. Scores at the centres:
    # 0.9 (fg), 0.2, 0.5, 0.95 -> ranking 0.95 bg, 0.9 fg, ... -> P = 1/2,
    # R = 1 -> AP 0.5.
    res = actionness_ap([0.4, 0.4], [[[0, 0.2]], []],
                        [[0.1, 0.3], [0.1, 0.3]], [[0.9, 0.2], [0.5, 0.95]])
    assert res == dict(AP=pytest.approx(0.5), num_segments=4,
                       num_foreground=1)


def test_one_group_covering_everything_is_the_overall_map():
    rng = np.random.default_rng(3)
    gv = rng.choice(['a', 'b', 'c', 'd'], 40)
    gs = np.sort(rng.uniform(0, 100, (40, 2)), axis=1)
    gl = np.arange(40) % 5  # every class has instances
    pv = rng.choice(['a', 'b', 'c', 'd', 'e'], 300)
    ps = np.sort(rng.uniform(0, 100, (300, 2)), axis=1)
    sc, pl = rng.random(300), rng.integers(0, 5, 300)
    overall = detection_map(gv, gs, gl, pv, ps, sc, pl)
    one = length_breakdown(gv, gs, gl, pv, ps, sc, pl, bins=(0, np.inf),
                           names=('all', ))
    assert one['all']['average_mAP'] == pytest.approx(
        overall['average_mAP'], abs=1e-12)
    assert one['all']['share'] == 1.0


def test_length_breakdown_normalized_like_detad():
    # Same case as test_length_breakdown; N = 2 instances // 1 class = 2,
    # precision = R * N / (R * N + FP).
    # XS: F (R 0: P 0), T (R 1: 2 / (2 + 1)) -> AP = 1 * 2/3.
    # M: T (R 1: 2 / 2 = 1), F -> AP = 1.
    res = length_breakdown(['v1', 'v2'], [[0, 10], [0, 100]], ['a', 'a'],
                           ['v2', 'v1', 'v1'],
                           [[0, 100], [50, 60], [0, 10]], [0.9, 0.8, 0.7],
                           ['a'] * 3, tiou_thresholds=[0.5], normalized=True)
    assert res['XS']['average_mAP'] == pytest.approx(2 / 3)
    assert res['M']['average_mAP'] == pytest.approx(1.0)
