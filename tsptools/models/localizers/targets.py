"""Anchor-free targets of :class:`FeaturePyramidLocalizer` (ActionFormer /
FCOS style), vectorised over the points of every pyramid level.

A *point* is one time step of one pyramid level: its position on the input
grid (``j * stride`` for step ``j`` of a level of stride ``stride``), the
regression range of its level and the stride. Positions and ground truth
are in input steps (feature index units).
"""
import math
from typing import List, Optional, Sequence, Tuple

import torch


def default_regress_ranges(num_levels: int) -> List[Tuple[float, float]]:
    """``(0, 4), (4, 8), (8, 16), ...``, the last level open-ended.

    The range bounds the larger of a point's two distances to its segment
    (in input steps); with 6 levels this is ActionFormer's
    ``(0, 4) ... (32, 64), (64, inf)``.
    """
    ranges = []
    for level in range(num_levels):
        low = 0.0 if level == 0 else 4.0 * 2**(level - 1)
        high = math.inf if level == num_levels - 1 else 4.0 * 2**level
        ranges.append((low, high))
    return ranges


def make_points(lengths: Sequence[int], strides: Sequence[int],
                regress_ranges: Sequence[Tuple[float, float]],
                device=None) -> torch.Tensor:
    """``P x 4`` points ``(position, range_low, range_high, stride)`` of all
    levels, level after level (the order of the flattened head outputs)."""
    points = []
    for length, stride, (low, high) in zip(lengths, strides, regress_ranges):
        pos = torch.arange(length, device=device, dtype=torch.float32)
        pos = pos * stride
        rest = pos.new_tensor([low, high, stride]).expand(length, 3)
        points.append(torch.cat([pos[:, None], rest], dim=1))
    return torch.cat(points, dim=0)


def assign_targets(points: torch.Tensor,
                   gt_segments: torch.Tensor,
                   gt_labels: torch.Tensor,
                   num_classes: int,
                   center_sample_radius: Optional[float] = 1.5
                   ) -> Tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Class and distance targets of every point for one video.

    A point is positive for a ground-truth segment ``[s, e]`` (input steps)
    when it lies inside it, within ``center_sample_radius * stride`` of its
    centre (centre sampling; ``None`` disables it), and the larger of its
    distances ``p - s`` and ``e - p`` is within its level's regression
    range. A point positive for several segments takes the shortest one.

    Returns:
        ``(cls_targets P x num_classes, reg_targets P x 2, positive P)``:
        one-hot classes (zeros for negatives) and the distances
        ``(p - s, e - p) / stride`` (only meaningful where positive).
    """
    num_points = points.shape[0]
    if gt_segments.numel() == 0:
        return (points.new_zeros(num_points, num_classes),
                points.new_zeros(num_points, 2),
                torch.zeros(num_points, dtype=torch.bool,
                            device=points.device))
    pos, low, high, stride = points.unbind(1)
    starts, ends = gt_segments[:, 0], gt_segments[:, 1]
    left = pos[:, None] - starts[None]  # P x K
    right = ends[None] - pos[:, None]
    inside = (left >= 0) & (right >= 0)
    if center_sample_radius is not None:
        centre = 0.5 * (starts + ends)
        radius = center_sample_radius * stride[:, None]
        c_start = torch.maximum(centre[None] - radius, starts[None])
        c_end = torch.minimum(centre[None] + radius, ends[None])
        inside = inside & (pos[:, None] >= c_start) & (pos[:, None] <= c_end)
    max_dist = torch.maximum(left, right)
    in_range = (max_dist >= low[:, None]) & (max_dist <= high[:, None])
    valid = inside & in_range
    lengths = (ends - starts)[None].expand(num_points, -1)
    lengths = torch.where(valid, lengths, torch.full_like(lengths, math.inf))
    best_len, best = lengths.min(dim=1)
    positive = torch.isfinite(best_len)
    cls_targets = points.new_zeros(num_points, num_classes)
    idx = positive.nonzero(as_tuple=True)[0]
    cls_targets[idx, gt_labels[best[idx]].long()] = 1.0
    reg = torch.stack([left.gather(1, best[:, None])[:, 0],
                       right.gather(1, best[:, None])[:, 0]], dim=1)
    reg_targets = reg / stride[:, None]
    return cls_targets, reg_targets, positive
