from typing import Tuple

import numpy as np
import torch
from mmcv.transforms import BaseTransform

from tsptools.datasets.localization_data_sample import LocalizationDataSample
from tsptools.registry import TRANSFORMS


def feature_time_grid(times: np.ndarray,
                      duration: float) -> Tuple[float, float]:
    """``(offset, step)`` of the regular grid the feature times lie on: the
    first time and the median spacing (``duration / T`` if that is not
    positive; ``duration`` for a single step)."""
    if len(times) < 2:
        return float(times[0]), float(max(duration, 1e-3))
    step = float(np.median(np.diff(times)))
    if not step > 0:
        step = float(max(duration, 1e-3)) / len(times)
    return float(times[0]), step


@TRANSFORMS.register_module()
class PackLocalizationInputs(BaseTransform):
    """Pack a video for a localizer.

    Required keys: ``features`` (``T x C``), ``video_name``, ``duration``,
    ``gt_segments`` (``K x 2`` s), ``gt_labels`` (``K``), and either
    ``time_offset`` + ``time_step`` (set by
    :class:`RandomFeatureWindow`) or ``feature_times`` (``T``; the grid is
    then :func:`feature_time_grid` of them).

    Output: ``dict(inputs, data_samples)``: ``inputs`` a float32 tensor
    ``C x T`` (channels first), ``data_samples`` a
    :class:`~tsptools.datasets.localization_data_sample.LocalizationDataSample`
    with ``video_name``,
    ``duration``, ``gt_segments`` (float64 ``K x 2``), ``gt_labels``
    (int64), ``time_offset``, ``time_step``, ``num_steps`` (``T``).
    """

    def transform(self, results: dict) -> dict:
        features = results['features']
        if 'time_offset' in results and 'time_step' in results:
            offset = float(results['time_offset'])
            step = float(results['time_step'])
        else:
            offset, step = feature_time_grid(results['feature_times'],
                                             results['duration'])
        sample = LocalizationDataSample(
            video_name=results['video_name'],
            duration=float(results['duration']),
            gt_segments=np.asarray(results['gt_segments'],
                                   np.float64).reshape(-1, 2),
            gt_labels=np.asarray(results['gt_labels'], np.int64),
            time_offset=offset,
            time_step=step,
            num_steps=int(len(features)))
        inputs = torch.from_numpy(
            np.ascontiguousarray(np.asarray(features, np.float32).T))
        return dict(inputs=inputs, data_samples=sample)
