import numpy as np
from mmcv.transforms import BaseTransform

from tsptools.datasets.transforms.pack_localization_inputs import \
    feature_time_grid
from tsptools.datasets.transforms.rescale_feature_time import (randint,
                                                               sample_rng)
from tsptools.registry import TRANSFORMS


@TRANSFORMS.register_module()
class RandomFeatureWindow(BaseTransform):
    """Cut a random window of ``window_size`` consecutive steps out of a
    longer video, with its ground truth: segments are clipped to the
    window's span (``[offset + (first - 0.5) * step, offset + (first + W -
    0.5) * step]``) and instances with less than ``window_min_overlap`` of
    their length inside are dropped. Up to 10 windows are drawn until one
    keeps an instance (else the last is used). A video of at most
    ``window_size`` steps is kept whole.

    The time grid (``time_offset``, ``time_step``) is that of the whole
    video (:func:`feature_time_grid` of ``feature_times``), moved to the
    window.

    Required keys: ``features`` (``T x C``), ``feature_times`` (``T``),
    ``duration``, ``gt_segments`` (``K x 2`` s), ``gt_labels`` (``K``);
    optional ``rng`` (a :class:`numpy.random.Generator`, see
    :class:`RescaleFeatureTime`).

    Modified keys: ``features``, ``feature_times``, ``gt_segments``,
    ``gt_labels``.

    Added keys: ``time_offset``, ``time_step`` (s), ``window_start`` (first
    step of the window, 0 for a whole video).

    Args:
        window_size (int): window length in steps.
        window_min_overlap (float): fraction of an instance that must lie
            inside the window. Defaults to 0.5.
    """

    def __init__(self, window_size: int,
                 window_min_overlap: float = 0.5) -> None:
        if int(window_size) != window_size or window_size < 1:
            raise ValueError(f'window_size must be a positive integer, got '
                             f'{window_size!r}')
        self.window_size = int(window_size)
        self.window_min_overlap = float(window_min_overlap)

    def transform(self, results: dict) -> dict:
        features = results['features']
        offset, step = feature_time_grid(results['feature_times'],
                                         results['duration'])
        segments = np.asarray(results['gt_segments']).reshape(-1, 2)
        labels = np.asarray(results['gt_labels'])
        num, size = len(features), self.window_size
        results['time_offset'], results['time_step'] = offset, step
        results['window_start'] = 0
        if num <= size:
            return results
        rng = sample_rng(results)
        for _ in range(10):
            first = randint(rng, num - size + 1)
            lo = offset + (first - 0.5) * step
            hi = offset + (first + size - 0.5) * step
            clipped = np.clip(segments, lo, hi)
            inside = clipped[:, 1] - clipped[:, 0]
            keep = inside >= self.window_min_overlap * (
                segments[:, 1] - segments[:, 0])
            keep &= inside > 0
            if keep.any():
                break
        results['features'] = features[first:first + size]
        results['feature_times'] = results['feature_times'][first:first +
                                                            size]
        results['gt_segments'] = clipped[keep]
        results['gt_labels'] = labels[keep]
        results['time_offset'] = offset + first * step
        results['window_start'] = first
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(window_size={self.window_size}, '
                f'window_min_overlap={self.window_min_overlap})')
