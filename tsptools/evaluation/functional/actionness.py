"""Step localization as actionness: frame-wise binary AP on 0.2 s segments.

Protocol of Zhukov et al. (ECCV 2020), used by BSP Table 3 on CrossTask: the
test videos are cut into non-overlapping 0.2 s segments, a segment is
foreground if it belongs to an annotated step, and the actionness scores of
all segments of all videos are ranked together to compute one binary AP.
"""
import numpy as np

from .detection import as_segments

SEGMENT_LENGTH = 0.2


def binary_average_precision(scores, labels):
    """Binary AP with ties grouped, as sklearn's ``average_precision_score``.

    Segments are ranked by descending score; precision and recall are taken
    only at distinct score values (equal scores enter together), and
    ``AP = sum_k (R_k - R_{k-1}) * P_k`` — no interpolation.

    Args:
        scores (array-like): N scores.
        labels (array-like): N booleans (True = foreground).

    Returns:
        float: the AP. Raises ``ValueError`` if there is no foreground.
    """
    scores = np.asarray(scores, dtype=np.float64).reshape(-1)
    labels = np.asarray(labels, dtype=bool).reshape(-1)
    if len(scores) != len(labels):
        raise ValueError('scores and labels differ in length')
    if not labels.any():
        raise ValueError('there is no foreground segment: AP is undefined')
    order = np.argsort(-scores, kind='stable')
    scores, labels = scores[order], labels[order]
    last = np.r_[np.flatnonzero(np.diff(scores)), len(scores) - 1]
    tp = np.cumsum(labels)[last]
    precision = tp / (last + 1.0)
    recall = tp / tp[-1]
    return float(np.sum(np.diff(recall, prepend=0.0) * precision))


def segment_actionness(duration, gt_segments, times, scores,
                       segment_length=SEGMENT_LENGTH):
    """Labels and scores of one video's 0.2 s segments.

    Segment j covers ``[j * L, (j + 1) * L)``, L = ``segment_length``; the
    video has every segment whose centre ``c_j = (j + 0.5) * L`` is
    ``< duration``. A segment is foreground if its centre lies in some
    ground-truth step ``[start, end]`` (ends included). Its score is the
    predicted actionness linearly interpolated at ``c_j`` (the first / last
    score outside the predicted time range).

    Returns:
        tuple: ``(labels, scores)`` of the video's segments.
    """
    gt = as_segments(gt_segments, 'gt_segments')
    count = int(np.floor(duration / segment_length)) + 1
    centre = (np.arange(count) + 0.5) * segment_length
    centre = centre[centre < duration]
    fg = ((centre[:, None] >= gt[None, :, 0]) &
          (centre[:, None] <= gt[None, :, 1])).any(axis=1)
    return fg, np.interp(centre, times, scores)


def actionness_ap(durations, gt_segments, times, scores,
                  segment_length=SEGMENT_LENGTH):
    """Frame-wise actionness AP over all videos (see module docstring).

    Args:
        durations (array-like): V video durations (seconds).
        gt_segments (list[array-like]): per video, K_v x 2 steps.
        times (list[array-like]): per video, increasing times of the scores.
        scores (list[array-like]): per video, actionness scores.
        segment_length (float): 0.2 s in the protocol.

    Returns:
        dict: ``AP``, ``num_segments``, ``num_foreground``.
    """
    if not len(durations) == len(gt_segments) == len(times) == len(scores):
        raise ValueError('durations, gt_segments, times and scores must '
                         'have one entry per video')
    parts = [
        segment_actionness(d, g, t, s, segment_length)
        for d, g, t, s in zip(durations, gt_segments, times, scores)
    ]
    labels = np.concatenate([p[0] for p in parts] + [np.zeros(0, bool)])
    values = np.concatenate([p[1] for p in parts] + [np.zeros(0)])
    return dict(
        AP=binary_average_precision(values, labels),
        num_segments=int(len(labels)),
        num_foreground=int(labels.sum()))
