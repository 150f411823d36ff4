"""Temporal action detection mAP, ActivityNet protocol.

Follows the official ``Evaluation/eval_detection.py`` of
github.com/activitynet/ActivityNet, vectorised: one greedy matching step is
run for all (class, video) groups at once, and precision/recall come from
cumulative sums.
"""
import numpy as np

from .tiou import paired_tiou

#: ActivityNet thresholds, exactly the official ``np.linspace(0.5, 0.95, 10)``.
ACTIVITYNET_TIOU_THRESHOLDS = np.linspace(0.5, 0.95, 10)
#: THUMOS14 thresholds used by the papers: 0.3:0.1:0.7.
THUMOS14_TIOU_THRESHOLDS = np.array([0.3, 0.4, 0.5, 0.6, 0.7])


def check_tiou_thresholds(tiou_thresholds):
    """Return ``tiou_thresholds`` as a non-empty 1-D float array in (0, 1].

    0 is refused: at tIoU 0 the official code counts disjoint segments (and,
    for proposals, videos without proposals) as hits.
    """
    thr = np.atleast_1d(np.asarray(tiou_thresholds, dtype=np.float64))
    if thr.ndim != 1 or thr.size == 0:
        raise ValueError('tiou_thresholds must be a non-empty list of numbers')
    if not np.all((thr > 0) & (thr <= 1)):
        raise ValueError(
            f'tiou_thresholds must lie in (0, 1], got {thr.tolist()}')
    return thr


def as_segments(segments, name='segments'):
    """``segments`` as an N x 2 float64 array; raises if malformed."""
    seg = np.asarray(segments, dtype=np.float64)
    if seg.size == 0:
        return seg.reshape(0, 2)
    if seg.ndim != 2 or seg.shape[1] != 2:
        raise ValueError(f'{name} must be N x 2, got shape {seg.shape}')
    if not np.all(np.isfinite(seg)):
        raise ValueError(f'{name} contain a non-finite value')
    bad = np.flatnonzero(seg[:, 1] < seg[:, 0])
    if bad.size:
        s, e = seg[bad[0]]
        raise ValueError(f'{name}[{bad[0]}] ends before it starts: '
                         f'[{s}, {e}]')
    return seg


def encode_videos(*arrays):
    """Integer codes of video names, shared across ``arrays``.

    Names are strings (ints are turned into strings); codes follow the
    names' sorted order. Runs of equal names (a file's predictions are
    grouped by video) are coded once, which keeps this fast.

    Returns:
        tuple: ``(names, codes_0, codes_1, ...)``.
    """
    values = [np.asarray(a).reshape(-1).astype(str) for a in arrays]
    flat = np.concatenate(values)
    starts = np.r_[0, np.flatnonzero(flat[1:] != flat[:-1]) + 1]
    starts = starts[starts < len(flat)]
    names, inverse = np.unique(flat[starts], return_inverse=True)
    codes = np.repeat(inverse, np.diff(np.r_[starts, len(flat)]))
    bounds = np.cumsum([0] + [len(v) for v in values])
    return (names, ) + tuple(codes[a:b] for a, b in zip(bounds, bounds[1:]))


def ranked_order(group, score, segments, video=None):
    """Indices sorted by ``group`` ascending, then ``score`` descending.

    Equal scores are ordered by ``video`` (if given), start, end, then input
    position, all ascending. Two quicksorts on integer keys; the tie-break
    sort only touches tied entries.
    """
    num = len(score)
    if num == 0:
        return np.zeros(0, dtype=np.int64)
    by_score = np.argsort(-score)
    desc = score[by_score]
    rank = np.empty(num, dtype=np.int64)
    rank[by_score] = np.cumsum(np.r_[0, desc[1:] != desc[:-1]])
    key = np.asarray(group, dtype=np.int64) * (int(rank.max()) + 1) + rank
    order = np.argsort(key)
    tie = key[order][1:] == key[order][:-1]
    if tie.any():
        pos = np.flatnonzero(np.r_[tie, False] | np.r_[False, tie])
        run = np.cumsum(np.r_[True, ~tie])[pos]
        sub = order[pos]
        keys = [sub, segments[sub, 1], segments[sub, 0]]
        keys += [] if video is None else [video[sub]]
        order[pos] = sub[np.lexsort(keys + [run])]
    return order


def encode_labels(gt_labels, pred_labels, drop_unknown_labels=False):
    """Index labels by the sorted ground-truth classes.

    Returns ``(classes, gt_class, pred_class, keep)``: ``keep`` marks the
    predictions whose label is a ground-truth class. An unknown label raises
    ``ValueError`` unless ``drop_unknown_labels`` (then ``keep`` drops it).
    """
    gt_labels = np.asarray(gt_labels).reshape(-1)
    pred_labels = np.asarray(pred_labels).reshape(-1)
    classes, gt_class = np.unique(gt_labels, return_inverse=True)
    if pred_labels.size == 0:
        return classes, gt_class, np.zeros(0, np.int64), np.zeros(0, bool)
    if classes.size == 0:
        raise ValueError('there is no ground truth, so no class to score')
    if (classes.dtype.kind in 'US') != (pred_labels.dtype.kind in 'US'):
        raise ValueError(
            f'prediction labels ({pred_labels.dtype}) and ground-truth '
            f'labels ({classes.dtype}) are not of the same kind')
    pos = np.searchsorted(classes, pred_labels).clip(0, classes.size - 1)
    keep = classes[pos] == pred_labels
    if not keep.all() and not drop_unknown_labels:
        unknown = np.unique(pred_labels[~keep])
        shown = ', '.join(repr(x.item()) for x in unknown[:5])
        raise ValueError(
            f'{unknown.size} prediction label(s) are no ground-truth class: '
            f'{shown}{" ..." if unknown.size > 5 else ""} (to drop them: '
            'drop_unknown_labels=True, or --drop-unknown in the CLI)')
    return classes, gt_class, pos, keep


def match_detections(gt_videos, gt_segments, gt_class, pred_videos,
                     pred_segments, pred_scores, pred_class, tiou_thresholds):
    """Greedy ActivityNet matching of detections to ground truth.

    Predictions of each class are taken by descending score; ties are broken
    by video name, then start, then end (ascending), then input order, so the
    result never depends on how the predictions were listed unless they are
    exact duplicates. Each prediction is matched, at every threshold
    separately, to the still-unmatched ground truth of its video and class
    with the highest tIoU, if that tIoU is >= the threshold (equal tIoUs: the
    ground truth listed first). Otherwise it is a false positive: duplicates,
    predictions on videos without such ground truth and predictions below the
    threshold.

    Args:
        gt_videos, pred_videos (array-like): video names (N,), (M,).
        gt_segments, pred_segments (array-like): N x 2, M x 2 seconds.
        gt_class, pred_class (array-like of int): class indices.
        pred_scores (array-like): M confidences.
        tiou_thresholds (array-like): T thresholds.

    Returns:
        tuple: ``order`` (M,) - the predictions' processing order (class
        ascending, then score descending) - and ``matched`` (T, M) - for the
        prediction ``order[j]``, the index of the ground truth it matched at
        threshold t, or -1.
    """
    thr = check_tiou_thresholds(tiou_thresholds)
    _, gvid, pvid = encode_videos(gt_videos, pred_videos)
    gseg = as_segments(gt_segments, 'gt_segments')
    pseg = as_segments(pred_segments, 'pred_segments')
    gcls = np.asarray(gt_class, dtype=np.int64).reshape(-1)
    pcls = np.asarray(pred_class, dtype=np.int64).reshape(-1)
    score = np.asarray(pred_scores, dtype=np.float64).reshape(-1)
    if not np.all(np.isfinite(score)):
        raise ValueError('pred_scores contain a non-finite value')
    if not (len(gvid) == len(gseg) == len(gcls)):
        raise ValueError('ground-truth videos, segments and labels differ '
                         'in length')
    if not (len(pvid) == len(pseg) == len(pcls) == len(score)):
        raise ValueError('prediction videos, segments, scores and labels '
                         'differ in length')

    num_pred = len(score)
    num_videos = int(max(gvid.max(initial=0), pvid.max(initial=0))) + 1
    order = ranked_order(pcls, score, pseg, video=pvid)
    matched = np.full((len(thr), num_pred), -1, dtype=np.int64)
    if num_pred == 0 or len(gcls) == 0:
        return order, matched
    pseg, pkey = pseg[order], pcls[order] * num_videos + pvid[order]

    # Ground truth padded per (class, video) group: G x K indices, -1 = none.
    gkey = gcls * num_videos + gvid
    gsort = np.argsort(gkey, kind='stable')
    keys, gstart, gcount = np.unique(
        gkey[gsort], return_index=True, return_counts=True)
    group_of = np.repeat(np.arange(len(keys)), gcount)
    pad = np.full((len(keys), gcount.max()), -1, dtype=np.int64)
    pad[group_of, np.arange(len(gsort)) - gstart[group_of]] = gsort
    pad_seg = gseg[pad.clip(0)]

    # Predictions that have ground truth in their group, by rank in group.
    group = np.searchsorted(keys, pkey).clip(0, len(keys) - 1)
    sel = np.flatnonzero(keys[group] == pkey)
    sel = sel[np.argsort(group[sel], kind='stable')]
    _, first, inverse = np.unique(
        group[sel], return_index=True, return_inverse=True)
    rank = np.arange(len(sel)) - first[inverse]
    sel = sel[np.argsort(rank, kind='stable')]
    steps = np.cumsum(np.bincount(rank))

    locked = np.zeros((len(thr), ) + pad.shape, dtype=bool)
    begin = 0
    for end in steps:  # one step = the r-th prediction of every group
        p = sel[begin:end]
        g = group[p]
        begin = end
        tiou = paired_tiou(pseg[p][:, None, :], pad_seg[g])
        tiou[pad[g] < 0] = -1.0
        cand = np.where(locked[:, g, :], -1.0, tiou[None])
        best = cand.argmax(axis=2)
        hit = np.take_along_axis(cand, best[..., None], 2)[..., 0] >= \
            thr[:, None]
        t, n = np.nonzero(hit)
        locked[t, g[n], best[t, n]] = True
        matched[t, p[n]] = pad[g[n], best[t, n]]
    return order, matched


def interpolated_average_precision(tp, num_positives, normalizer=None):
    """All-point interpolated AP of ranked hits, one row per threshold.

    precision = cumTP / (cumTP + cumFP), recall = cumTP / ``num_positives``;
    the precision is made monotone from the right (its envelope) and summed
    over the recall steps, as the official ``interpolated_prec_rec`` (VOC
    2011) does. No predictions: AP 0.

    Args:
        tp (np.ndarray): T x M booleans, predictions in ranked order.
        num_positives (int): number of ground-truth instances (> 0).
        normalizer (float, optional): DETAD's normalized AP (AP_N):
            precision = recall * N / (recall * N + cumFP).

    Returns:
        np.ndarray: T average precisions.
    """
    tp = np.asarray(tp, dtype=np.float64)
    if tp.shape[-1] == 0:
        return np.zeros(tp.shape[0])
    tp_cum = np.cumsum(tp, axis=1)
    fp_cum = np.cumsum(1.0 - tp, axis=1)
    recall = tp_cum / float(num_positives)
    if normalizer is None:
        precision = tp_cum / (tp_cum + fp_cum)
    else:
        with np.errstate(invalid='ignore'):  # 0 / 0 before the first TP
            precision = np.nan_to_num(
                recall * normalizer / (recall * normalizer + fp_cum))
    envelope = np.maximum.accumulate(precision[:, ::-1], axis=1)[:, ::-1]
    step = np.diff(recall, axis=1, prepend=0.0)
    return (step * envelope).sum(axis=1)


def per_class_average_precision(tp, pred_class, num_positives,
                                normalizer=None):
    """AP of each class from hits ordered by (class, descending score).

    Args:
        tp (np.ndarray): T x M booleans in that order.
        pred_class (np.ndarray): M class indices, ascending.
        num_positives (np.ndarray): C ground-truth counts; a class with 0
            gets NaN.
        normalizer (float, optional): see
            :func:`interpolated_average_precision`.

    Returns:
        np.ndarray: T x C average precisions.
    """
    num_positives = np.asarray(num_positives)
    bounds = np.searchsorted(pred_class, np.arange(len(num_positives) + 1))
    ap = np.full((tp.shape[0], len(num_positives)), np.nan)
    for c, npos in enumerate(num_positives):
        if npos > 0:
            ap[:, c] = interpolated_average_precision(
                tp[:, bounds[c]:bounds[c + 1]], npos, normalizer)
    return ap


def detection_map(gt_videos,
                  gt_segments,
                  gt_labels,
                  pred_videos,
                  pred_segments,
                  pred_scores,
                  pred_labels,
                  tiou_thresholds=ACTIVITYNET_TIOU_THRESHOLDS,
                  drop_unknown_labels=False):
    """Temporal action detection mAP, ActivityNet protocol.

    Per class (the classes are those of the ground truth): predictions sorted
    by descending score, matched greedily as in :func:`match_detections`
    (each to the unmatched ground truth of the same video and class with the
    highest tIoU >= threshold; duplicates and predictions on videos without
    such ground truth are false positives), AP by all-point interpolation of
    the precision envelope (:func:`interpolated_average_precision`), 0 for a
    class without predictions. mAP = mean over the ground truth's classes,
    average mAP = mean over thresholds.

    Equal scores are ordered by video name, start, end, then input order
    (the official order for ties is numpy's unstable argsort, reversed).

    Args:
        gt_videos (array-like): N video names of the ground-truth instances.
        gt_segments (array-like): N x 2 ``[start, end]`` seconds.
        gt_labels (array-like): N labels (strings or ints).
        pred_videos (array-like): M video names; videos absent from the
            ground truth are allowed (their predictions are false positives).
        pred_segments (array-like): M x 2 seconds.
        pred_scores (array-like): M confidences.
        pred_labels (array-like): M labels of the same kind as ``gt_labels``.
        tiou_thresholds (array-like): T thresholds in (0, 1]. Defaults to
            ActivityNet's 0.5:0.05:0.95; THUMOS14 uses
            :data:`THUMOS14_TIOU_THRESHOLDS`.
        drop_unknown_labels (bool): drop predictions whose label is no
            ground-truth class instead of raising ``ValueError``. This
            changes no number: such predictions only ever count for their
            own class, which is not scored.

    Returns:
        dict: ``tiou_thresholds`` (T,), ``classes`` (C,), ``ap`` (T x C),
        ``mAP`` (T,), ``average_mAP`` (float), ``num_positives`` (C,).
    """
    thr = check_tiou_thresholds(tiou_thresholds)
    if np.asarray(gt_labels).size == 0:
        raise ValueError('there are no ground-truth instances to score')
    classes, gt_class, pred_class, keep = encode_labels(
        gt_labels, pred_labels, drop_unknown_labels)
    pred_videos = np.asarray(pred_videos).reshape(-1)
    pred_scores = np.asarray(pred_scores).reshape(-1)
    pred_segments = as_segments(pred_segments, 'pred_segments')
    if len(keep) != len(pred_videos):
        raise ValueError('prediction videos and labels differ in length')
    order, matched = match_detections(
        gt_videos, gt_segments, gt_class, pred_videos[keep],
        pred_segments[keep], pred_scores[keep], pred_class[keep], thr)
    num_positives = np.bincount(gt_class, minlength=len(classes))
    ap = per_class_average_precision(matched >= 0, pred_class[keep][order],
                                     num_positives)
    mean_ap = ap.mean(axis=1)
    return dict(
        tiou_thresholds=thr,
        classes=classes,
        ap=ap,
        mAP=mean_ap,
        average_mAP=float(mean_ap.mean()),
        num_positives=num_positives)
