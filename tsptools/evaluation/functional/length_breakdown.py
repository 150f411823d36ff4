"""Detection mAP broken down by ground-truth length, as in DETAD.

DETAD (Alwassel et al., ECCV 2018, ``src/sensitivity_analysis.py``) and TSP
Table 9 report the average mAP of the instances of each length group.
"""
import numpy as np

from .detection import (ACTIVITYNET_TIOU_THRESHOLDS, as_segments,
                        check_tiou_thresholds, encode_labels,
                        match_detections, per_class_average_precision)

#: DETAD's ActivityNet length groups (seconds): XS [0, 30], S (30, 60],
#: M (60, 120], L (120, 180], XL > 180.
LENGTH_BINS = (0, 30, 60, 120, 180, np.inf)
LENGTH_NAMES = ('XS', 'S', 'M', 'L', 'XL')


def length_groups(bins=None, names=None):
    """Checked ``(bins, names)`` of a length breakdown.

    ``bins=None`` gives DETAD's groups (:data:`LENGTH_BINS`,
    :data:`LENGTH_NAMES`). Custom ``bins`` without ``names`` are named like
    DETAD's (XS, S, M, L, XL) when there are at most five groups, else
    ``'<lo>-<hi>s'``. A last edge ``None`` means no upper limit (configs
    cannot hold ``float('inf')``: mmengine dumps it as a bare ``inf``).

    Raises:
        ValueError: bins that do not increase, fewer than two edges, or a
            name count other than the group count.
    """
    if bins is None:
        if names is not None:
            raise ValueError('length names need length bins')
        return LENGTH_BINS, LENGTH_NAMES
    bins = list(bins)
    if len(bins) and bins[-1] is None:
        bins[-1] = np.inf
    bins = tuple(float(b) for b in bins)
    if len(bins) < 2 or np.any(np.diff(bins) <= 0) or bins[0] < 0:
        raise ValueError(f'length bins must be at least two increasing '
                         f'non-negative edges (seconds), got {bins}')
    groups = len(bins) - 1
    if names is None:
        names = LENGTH_NAMES[:groups] if groups <= len(LENGTH_NAMES) else \
            tuple(f'{lo:g}-{hi:g}s' if hi < np.inf else f'>{lo:g}s'
                  for lo, hi in zip(bins, bins[1:]))
    names = tuple(str(n) for n in names)
    if len(names) != groups or len(set(names)) != groups:
        raise ValueError(f'{groups} length groups need {groups} distinct '
                         f'names, got {names}')
    return bins, names


def length_breakdown(gt_videos,
                     gt_segments,
                     gt_labels,
                     pred_videos,
                     pred_segments,
                     pred_scores,
                     pred_labels,
                     tiou_thresholds=ACTIVITYNET_TIOU_THRESHOLDS,
                     bins=LENGTH_BINS,
                     names=LENGTH_NAMES,
                     normalized=False,
                     drop_unknown_labels=False):
    """Average mAP of the ground truth of each length group (DETAD).

    Predictions are matched once against *all* ground truth with the
    ActivityNet protocol (:func:`~.detection.match_detections`). For a group,
    the ground truth is restricted to its instances (length ``end - start``
    in ``(bins[i], bins[i + 1]]``, the first group including 0), and a
    prediction is kept if at every threshold it is either a false positive
    or matched to an instance of the group — predictions matched to other
    groups are removed, false positives count against every group. AP per
    class (recall over the group's instances of that class) is averaged over
    thresholds, then over the classes that have instances in the group.
    This is DETAD's sensitivity analysis; by default with the plain
    precision, with ``normalized=True`` with DETAD's normalized precision
    (its plots' "average-mAP_N"): ``precision = R * N / (R * N + FP)``,
    ``N = #instances // #classes`` (DETAD's Python 2 integer division).

    Args:
        gt_*, pred_*, tiou_thresholds, drop_unknown_labels: as for
            :func:`~.detection.detection_map`.
        bins (tuple[float]): increasing group edges in seconds.
        names (tuple[str]): one name per group.
        normalized (bool): DETAD's normalized AP instead of the plain one.

    Returns:
        dict: group name -> ``dict(average_mAP, num_instances, share)``,
        ``share`` being the fraction of all instances in the group and
        ``average_mAP`` NaN for an empty group.
    """
    thr = check_tiou_thresholds(tiou_thresholds)
    bins = np.asarray(bins, dtype=np.float64)
    if len(names) != len(bins) - 1 or np.any(np.diff(bins) <= 0):
        raise ValueError('bins must increase and have one more entry than '
                         'names')
    gt_segments = as_segments(gt_segments, 'gt_segments')
    if len(gt_segments) == 0:
        raise ValueError('there are no ground-truth instances to score')
    classes, gt_class, pred_class, keep = encode_labels(
        gt_labels, pred_labels, drop_unknown_labels)
    pred_videos = np.asarray(pred_videos).reshape(-1)
    order, matched = match_detections(
        gt_videos, gt_segments, gt_class, pred_videos[keep],
        as_segments(pred_segments, 'pred_segments')[keep],
        np.asarray(pred_scores).reshape(-1)[keep], pred_class[keep], thr)
    pred_class = pred_class[keep][order]
    normalizer = len(gt_segments) // len(classes) if normalized else None

    length = gt_segments[:, 1] - gt_segments[:, 0]
    out = {}
    for i, name in enumerate(names):
        above = length >= bins[i] if i == 0 else length > bins[i]
        in_group = above & (length <= bins[i + 1])
        n = int(in_group.sum())
        entry = dict(num_instances=n, share=n / len(length),
                     average_mAP=float('nan'))
        if n:
            ok = (matched < 0) | in_group[matched.clip(0)]
            kept = ok.all(axis=0)
            npos = np.bincount(gt_class[in_group], minlength=len(classes))
            ap = per_class_average_precision(matched[:, kept] >= 0,
                                             pred_class[kept], npos,
                                             normalizer)
            entry['average_mAP'] = float(np.nanmean(ap.mean(axis=0)))
        out[name] = entry
    return out
