"""Soft-NMS of 1-D segments (numpy, no compiled ops).

Soft-NMS (Bodla et al., ICCV 2017) as temporal localizers use it
(ActionFormer, BMN, G-TAD): repeatedly keep the highest-scoring remaining
segment and decay the scores of the others by their tIoU with it.
"""
from typing import Optional, Tuple

import numpy as np

#: Decay rules: ``gaussian`` ``s * exp(-iou^2 / sigma)``, ``linear``
#: ``s * (1 - iou)`` where ``iou > iou_threshold``, ``hard`` (classic NMS)
#: ``0`` where ``iou > iou_threshold``.
NMS_METHODS = ('gaussian', 'linear', 'hard')


def tiou_one_to_many(segment: np.ndarray, segments: np.ndarray) -> np.ndarray:
    """tIoU of one ``[start, end]`` with each row of an ``N x 2`` array."""
    inter = np.clip(
        np.minimum(segment[1], segments[:, 1]) -
        np.maximum(segment[0], segments[:, 0]), 0, None)
    union = (segment[1] - segment[0]) + (segments[:, 1] - segments[:, 0]) \
        - inter
    return np.where(union > 0, inter / np.maximum(union, 1e-12), 0.0)


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
        iou = tiou_one_to_many(segments[best], segments[alive])
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
