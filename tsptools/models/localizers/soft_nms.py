"""Soft-NMS of 1-D segments (numpy, no compiled ops).

Soft-NMS (Bodla et al., ICCV 2017) as temporal localizers use it
(ActionFormer, BMN, G-TAD): repeatedly keep the highest-scoring remaining
segment and decay the scores of the others by their tIoU with it.
"""
from typing import Optional, Tuple

import numpy as np

from tsptools.evaluation.functional.tiou import paired_tiou

#: Decay rules: ``gaussian`` ``s * exp(-iou^2 / sigma)``, ``linear``
#: ``s * (1 - iou)`` where ``iou > iou_threshold``, ``hard`` (classic NMS)
#: ``0`` where ``iou > iou_threshold``.
NMS_METHODS = ('gaussian', 'linear', 'hard')


def soft_nms_1d(segments: np.ndarray,
                scores: np.ndarray,
                labels: Optional[np.ndarray] = None,
                method: str = 'gaussian',
                sigma: float = 0.5,
                iou_threshold: float = 0.5,
                min_score: float = 1e-3,
                max_num: int = 100) -> Tuple[np.ndarray, np.ndarray]:
    """Greedy soft-NMS of segments, per class when ``labels`` are given.

    Segments of different labels never suppress each other (they are
    compared as if they lay on separate time axes).

    Args:
        segments: ``N x 2`` (start, end).
        scores: ``N`` scores.
        labels: ``N`` class indices, or None for class-agnostic NMS.
        method: one of :data:`NMS_METHODS`.
        sigma: width of the Gaussian decay.
        iou_threshold: tIoU above which ``linear``/``hard`` decay.
        min_score: stop when the best remaining (decayed) score is below.
        max_num: keep at most this many segments.

    Returns:
        ``(keep, new_scores)``: indices into ``segments`` and their decayed
        scores, in selection order, so ``new_scores`` never increases.
    """
    if method not in NMS_METHODS:
        raise ValueError(f'method must be one of {NMS_METHODS}, got '
                         f'{method!r}')
    segments = np.asarray(segments, dtype=np.float64).reshape(-1, 2)
    scores = np.asarray(scores, dtype=np.float64).reshape(-1).copy()
    if len(scores) != len(segments):
        raise ValueError(f'{len(segments)} segments but {len(scores)} '
                         'scores')
    if labels is not None and len(segments):
        labels = np.asarray(labels).reshape(-1)
        # one time axis per class, far apart
        span = segments.max() - segments.min() + 1.0
        segments = segments + (labels.astype(np.float64) * 2 * span)[:, None]
    alive = np.arange(len(scores))
    keep, kept_scores = [], []
    while alive.size and len(keep) < max_num:
        best = alive[np.argmax(scores[alive])]
        if scores[best] < min_score:
            break
        keep.append(best)
        kept_scores.append(scores[best])
        alive = alive[alive != best]
        if not alive.size:
            break
        iou = paired_tiou(segments[best], segments[alive])
        if method == 'gaussian':
            decay = np.exp(-iou * iou / sigma)
        elif method == 'linear':
            decay = np.where(iou > iou_threshold, 1.0 - iou, 1.0)
        else:
            decay = np.where(iou > iou_threshold, 0.0, 1.0)
        scores[alive] *= decay
        alive = alive[scores[alive] >= min_score]
    return (np.asarray(keep, dtype=np.int64),
            np.asarray(kept_scores, dtype=np.float64))


def vote_boundaries(segments: np.ndarray,
                    scores: np.ndarray,
                    keep: np.ndarray,
                    labels: Optional[np.ndarray] = None,
                    iou_threshold: float = 0.7) -> np.ndarray:
    """Boundary voting (as ActionFormer's soft-NMS with ``voting_thresh``):
    each kept segment is replaced by the average of the candidates of its
    class that overlap it by at least ``iou_threshold`` tIoU (itself
    included), weighted by ``score * tIoU``.

    Args:
        segments: ``N x 2`` candidates (before NMS).
        scores: ``N`` scores of the candidates (before NMS decay).
        keep: indices of the kept segments (from :func:`soft_nms_1d`).
        labels: ``N`` classes, or None (class-agnostic).
        iou_threshold: least tIoU of a voter.

    Returns:
        ``len(keep) x 2`` voted segments, in the order of ``keep``.
    """
    segments = np.asarray(segments, dtype=np.float64).reshape(-1, 2)
    scores = np.asarray(scores, dtype=np.float64).reshape(-1)
    keep = np.asarray(keep, dtype=np.int64).reshape(-1)
    out = segments[keep].copy()
    for i, k in enumerate(keep):
        iou = paired_tiou(segments[k], segments)
        voters = iou >= iou_threshold
        if labels is not None:
            voters &= np.asarray(labels).reshape(-1) == labels[k]
        voters[k] = True
        weight = scores[voters] * np.maximum(iou[voters], 1e-12)
        if weight.sum() > 0:
            out[i] = (weight[:, None] * segments[voters]).sum(0) / \
                weight.sum()
    return out
