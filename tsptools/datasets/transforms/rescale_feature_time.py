from typing import Tuple

import numpy as np
from mmcv.transforms import BaseTransform

from tsptools.core.clip_plan import resize_features
from tsptools.registry import TRANSFORMS


def sample_rng(results: dict):
    """The sample's random generator (``results['rng']``, a
    :class:`numpy.random.Generator` seeded by the dataset), or numpy's
    global random state without one."""
    rng = results.get('rng')
    return np.random if rng is None else rng


def randint(rng, high: int) -> int:
    """A uniform integer in ``[0, high)`` from a Generator or the global
    random state."""
    if isinstance(rng, np.random.Generator):
        return int(rng.integers(0, high))
    return int(rng.randint(0, high))


@TRANSFORMS.register_module()
class RescaleFeatureTime(BaseTransform):
    """Rescale a sample in time by a factor drawn log-uniformly from
    ``scale_range``: features and their times are linearly interpolated from
    ``T`` to ``max(2, round(T * scale))`` steps (first and last steps kept,
    so the sample covers the same seconds); the ground truth stays in
    seconds. A training augmentation.

    Required keys: ``features`` (``T x C``), ``feature_times`` (``T``);
    optional ``rng`` (a :class:`numpy.random.Generator`, set by
    :class:`~tsptools.datasets.PrecomputedFeatureDataset` from its seed, the
    epoch and the index; numpy's global random state without it).

    Modified keys: ``features``, ``feature_times``.

    Added keys: ``time_scale`` (the factor drawn).

    Args:
        scale_range (tuple[float, float]): ``(low, high)``, ``0 < low <=
            high``.
    """

    def __init__(self, scale_range: Tuple[float, float]) -> None:
        if scale_range is None or not (
                len(scale_range) == 2 and
                0 < float(scale_range[0]) <= float(scale_range[1])):
            raise ValueError('scale_range must be (low, high) with '
                             f'0 < low <= high, got {scale_range!r}')
        self.scale_range = (float(scale_range[0]), float(scale_range[1]))

    def transform(self, results: dict) -> dict:
        lo, hi = self.scale_range
        rng = sample_rng(results)
        scale = float(np.exp(rng.uniform(np.log(lo), np.log(hi))))
        num = max(2, int(round(len(results['features']) * scale)))
        results['features'] = resize_features(results['features'], num)
        results['feature_times'] = resize_features(results['feature_times'],
                                                   num)
        results['time_scale'] = scale
        return results

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(scale_range={self.scale_range})'
