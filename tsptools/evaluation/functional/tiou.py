"""Temporal intersection over union (tIoU) of 1-D segments."""
import numpy as np


def segment_tiou(segments_a, segments_b):
    """tIoU of every segment of ``segments_a`` with every segment of ``b``.

    A segment is ``[start, end]`` in seconds. The arithmetic follows the
    official ActivityNet ``segment_iou`` operation by operation, so results
    are bit-identical to it: ``inter = max(0, min(ends) - max(starts))``,
    ``union = (len_b + len_a) - inter``, ``tiou = inter / union``. Where the
    union is 0 (two zero-length segments at one instant) the official code
    gives NaN; here it is 0, which every threshold treats the same way.

    Args:
        segments_a (array-like): N x 2.
        segments_b (array-like): M x 2.

    Returns:
        np.ndarray: N x M float64 tIoU matrix.
    """
    a = np.asarray(segments_a, dtype=np.float64).reshape(-1, 2)
    b = np.asarray(segments_b, dtype=np.float64).reshape(-1, 2)
    return paired_tiou(a[:, None, :], b[None, :, :])


def paired_tiou(segments_a, segments_b):
    """Element-wise tIoU of two broadcastable ``(..., 2)`` segment arrays.

    Same arithmetic as :func:`segment_tiou`; used where the pairs are already
    laid out (one prediction against its own ground truth, for example).
    """
    a = np.asarray(segments_a, dtype=np.float64)
    b = np.asarray(segments_b, dtype=np.float64)
    inter = (np.minimum(a[..., 1], b[..., 1]) -
             np.maximum(a[..., 0], b[..., 0])).clip(0)
    union = ((b[..., 1] - b[..., 0]) + (a[..., 1] - a[..., 0])) - inter
    with np.errstate(divide='ignore', invalid='ignore'):
        tiou = inter / union
    return np.where(union > 0, tiou, 0.0)
