"""Video grounding (moment retrieval): R@n at tIoU m and mean tIoU."""
import numpy as np

from .detection import as_segments, check_tiou_thresholds
from .tiou import paired_tiou

#: Thresholds of Charades-STA / ActivityNet Captions papers (BSP, PAL).
GROUNDING_TIOU_THRESHOLDS = (0.3, 0.5, 0.7)


def grounding_recall(gt_segments,
                     pred_segments,
                     ranks=(1, 5),
                     tiou_thresholds=GROUNDING_TIOU_THRESHOLDS):
    """Recall@n at tIoU m and mean tIoU of ranked moments, one per query.

    ``R@n, tIoU=m`` = fraction of queries for which at least one of the top
    ``n`` predicted moments has tIoU >= m with the query's ground-truth
    moment; ``mean_tIoU`` = mean over queries of the top-1 moment's tIoU
    (LGI's "mIoU"). A query without predictions counts as tIoU 0 (a miss).

    Args:
        gt_segments (array-like): Q x 2 ground-truth moments (seconds).
        pred_segments (list[array-like]): per query, K_q x 2 moments, best
            first (K_q may be 0).
        ranks (tuple[int]): the n of R@n.
        tiou_thresholds (array-like): the m of R@n.

    Returns:
        dict: ``recall`` {n: T array}, ``mean_tIoU`` (float),
        ``tiou_thresholds``.
    """
    thr = check_tiou_thresholds(tiou_thresholds)
    gt = as_segments(gt_segments, 'gt_segments')
    if len(gt) == 0:
        raise ValueError('there are no queries to score')
    if len(pred_segments) != len(gt):
        raise ValueError(f'{len(pred_segments)} prediction lists for '
                         f'{len(gt)} queries')
    preds = [as_segments(p, f'pred_segments[{q}]')
             for q, p in enumerate(pred_segments)]
    count = np.array([len(p) for p in preds], dtype=np.int64)
    query = np.repeat(np.arange(len(gt)), count)
    rank = np.arange(count.sum()) - np.repeat(np.cumsum(count) - count, count)
    tiou = paired_tiou(np.concatenate(preds + [np.zeros((0, 2))]), gt[query])

    recall = {}
    for n in ranks:
        best = np.zeros(len(gt))
        top = rank < n
        np.maximum.at(best, query[top], tiou[top])
        recall[n] = (best[None, :] >= thr[:, None]).mean(axis=1)
    top1 = np.zeros(len(gt))
    top1[query[rank == 0]] = tiou[rank == 0]
    return dict(recall=recall, mean_tIoU=float(top1.mean()),
                tiou_thresholds=thr)
