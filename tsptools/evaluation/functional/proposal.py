"""Proposal average recall vs. average number of proposals (AR@AN), AUC.

Follows the official ``Evaluation/eval_proposal.py`` of
github.com/activitynet/ActivityNet (``average_recall_vs_avg_nr_proposals``),
vectorised over videos and ground-truth instances.
"""
import numpy as np

from .detection import (ACTIVITYNET_TIOU_THRESHOLDS, as_segments,
                        check_tiou_thresholds, encode_videos, ranked_order)
from .tiou import paired_tiou


def _trapezoid(y, x):
    return float(((x[1:] - x[:-1]) * (y[1:] + y[:-1]) / 2.0).sum())


def average_recall_vs_num_proposals(
        gt_videos,
        gt_segments,
        proposal_videos,
        proposal_segments,
        proposal_scores,
        max_avg_proposals=100,
        tiou_thresholds=ACTIVITYNET_TIOU_THRESHOLDS,
        ar_at=(1, 5, 10, 100)):
    """Proposal AR@AN and AUC, ActivityNet protocol.

    With ``N`` ground-truth videos (those with at least one instance) and
    ``P`` submitted proposals (*all* of them, those on videos without ground
    truth included):

    1. ``ratio = max_avg_proposals * N / P``; each ground-truth video keeps
       its first ``min(int(n_v * ratio), n_v)`` proposals by descending score
       (ties: start, then end, ascending, then input order). ``K`` = total
       kept.
    2. For ``pcn_k = k / 100 * max_avg_proposals * N / K``, k = 1..100, a
       video uses its first ``min(int(n_kept_v * pcn_k), n_kept_v)``
       proposals. A ground-truth instance is recalled at a tIoU threshold if
       any of them reaches it (no one-to-one matching); videos without
       proposals are misses.
    3. recall (T x 100) = recalled / all instances; average recall = its
       mean over thresholds (default 0.5:0.05:0.95); the AN axis is
       ``pcn_k * K / N`` (~ k * max_avg_proposals / 100).
    4. ``AUC = trapz(AR, AN) / AN[-1]`` — the official script prints 100
       times this. ``AR@k`` is the point where AN = k (the k-th point when
       ``max_avg_proposals`` is 100), reported for k <= max_avg_proposals.

    If no proposal is kept at all (every ``n_v * ratio < 1``), the recall is
    0 everywhere, AN is ``k / 100 * max_avg_proposals`` and AUC is 0 (the
    official code divides by zero there).

    Args:
        gt_videos (array-like): video names of the N ground-truth instances.
        gt_segments (array-like): N x 2 seconds.
        proposal_videos (array-like): M video names.
        proposal_segments (array-like): M x 2 seconds.
        proposal_scores (array-like): M confidences.
        max_avg_proposals (float | None): AN at the end of the curve; None
            means ``P / N`` as in the official code.
        tiou_thresholds (array-like): thresholds in (0, 1].
        ar_at (tuple[int]): AN values to report AR at.

    Returns:
        dict: ``recall`` (T x 100), ``average_recall`` (100,),
        ``avg_num_proposals`` (100,), ``auc`` (float), ``ar`` ({k: AR@k}),
        ``tiou_thresholds``.
    """
    thr = check_tiou_thresholds(tiou_thresholds)
    names, gvid, pvid = encode_videos(gt_videos, proposal_videos)
    gseg = as_segments(gt_segments, 'gt_segments')
    pseg = as_segments(proposal_segments, 'proposal_segments')
    score = np.asarray(proposal_scores, dtype=np.float64).reshape(-1)
    if len(gvid) != len(gseg):
        raise ValueError('ground-truth videos and segments differ in length')
    if not (len(pvid) == len(pseg) == len(score)):
        raise ValueError('proposal videos, segments and scores differ in '
                         'length')
    if not np.all(np.isfinite(score)):
        raise ValueError('proposal_scores contain a non-finite value')
    if len(gvid) == 0:
        raise ValueError('there are no ground-truth instances to score')
    if len(pvid) == 0:
        raise ValueError('there are no proposals')

    num_gt, num_proposals = len(gvid), len(pvid)
    gt_video_ids = np.unique(gvid)
    num_gt_videos = len(gt_video_ids)
    if not max_avg_proposals:
        max_avg_proposals = float(num_proposals) / num_gt_videos
    ratio = max_avg_proposals * float(num_gt_videos) / num_proposals

    # Proposals by (video, descending score); keep a prefix of each video.
    order = ranked_order(pvid, score, pseg)
    pvid, pseg = pvid[order], pseg[order]
    count = np.bincount(pvid, minlength=len(names))
    start = np.concatenate([[0], np.cumsum(count)[:-1]])
    kept = np.zeros(len(names), dtype=np.int64)
    kept[gt_video_ids] = np.minimum(
        (count[gt_video_ids] * ratio).astype(np.int64), count[gt_video_ids])
    total_kept = int(kept.sum())

    # Every (instance, kept proposal of its video) pair, by proposal rank.
    pairs = kept[gvid]
    pair_gt = np.repeat(np.arange(num_gt), pairs)
    pair_first = np.concatenate([[0], np.cumsum(pairs)[:-1]])
    pair_rank = np.arange(pairs.sum()) - np.repeat(pair_first, pairs)
    tiou = paired_tiou(gseg[pair_gt], pseg[start[gvid][pair_gt] + pair_rank])
    # first_hit[t, i]: rank of the first kept proposal reaching thr[t].
    none = np.iinfo(np.int64).max
    first_hit = np.full((len(thr), num_gt), none, dtype=np.int64)
    has = pairs > 0
    for t, th in enumerate(thr):
        if has.any():
            ranks = np.where(tiou >= th, pair_rank, none)
            first_hit[t, has] = np.minimum.reduceat(ranks, pair_first[has])

    if total_kept == 0:
        pcn = np.arange(1, 101) / 100.0
        avg_num = pcn * max_avg_proposals
        used = np.zeros((num_gt, 100), dtype=np.int64)
    else:
        pcn = np.arange(1, 101) / 100.0 * (
            max_avg_proposals * float(num_gt_videos) / total_kept)
        avg_num = pcn * (float(total_kept) / num_gt_videos)
        n = kept[gvid][:, None]
        used = np.minimum((n * pcn[None, :]).astype(np.int64), n)
    recall = np.stack([
        (first_hit[t][:, None] < used).sum(axis=0) / float(num_gt)
        for t in range(len(thr))
    ])
    avg_recall = recall.mean(axis=0)
    auc = (0.0 if total_kept == 0 else
           _trapezoid(avg_recall, avg_num) / avg_num[-1])
    ar = {}
    for k in ar_at:
        if k > max_avg_proposals:
            continue
        pos = k * 100.0 / max_avg_proposals
        if abs(pos - round(pos)) < 1e-9:
            ar[k] = float(avg_recall[int(round(pos)) - 1])
        else:
            ar[k] = float(np.interp(k, avg_num, avg_recall))
    return dict(
        tiou_thresholds=thr,
        recall=recall,
        average_recall=avg_recall,
        avg_num_proposals=avg_num,
        auc=auc,
        ar=ar)
