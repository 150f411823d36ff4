import logging
from typing import Optional

import numpy as np
from mmcv.transforms import BaseTransform
from mmengine.logging import print_log

from tsptools.core.feature_format import (FeatureStore, grid_feature_times,
                                          spread_times)
from tsptools.registry import TRANSFORMS


@TRANSFORMS.register_module()
class LoadClipFeatures(BaseTransform):
    """Read a video's precomputed clip features and the centre time of each
    feature step.

    Step times come, in order of preference, from the clip times stored with
    the features, from the extraction manifest of the store, from
    ``clip_grid`` and the video's ``fps`` (the extraction's rule,
    :func:`~tsptools.core.feature_format.grid_feature_times`), or else by
    spreading the ``T`` steps evenly over the video (``(i + 0.5) * duration
    / T``, with a warning, once).

    Required keys: ``video_name``, ``duration``, ``feature_store`` (a
    :class:`~tsptools.core.feature_format.FeatureStore` or the path of one:
    a folder or file of features); optional ``fps`` (the video's own rate,
    which wins over ``clip_grid['fps']``).

    Added keys: ``features`` (``T x C`` float32), ``feature_times`` (``T``
    float64, seconds).

    Args:
        clip_grid (dict, optional): ``dict(clip_len, frame_interval, stride,
            fps, target_fps)`` of features stored without times or manifest
            (see :class:`~tsptools.datasets.PrecomputedFeatureDataset`).
            Defaults to None.
    """

    def __init__(self, clip_grid: Optional[dict] = None) -> None:
        self.clip_grid = dict(clip_grid) if clip_grid else None
        self._stores = {}
        self._warned_uniform = False

    def _store(self, store) -> FeatureStore:
        if isinstance(store, FeatureStore):
            return store
        if not isinstance(store, str):
            raise TypeError('LoadClipFeatures: feature_store must be a '
                            f'FeatureStore or a path, got {type(store)}')
        if store not in self._stores:
            self._stores[store] = FeatureStore(store)
        return self._stores[store]

    def clip_times(self, store: FeatureStore, results: dict,
                   num: int) -> np.ndarray:
        """Centre time (s) of each of the ``num`` steps of a video whose file
        holds no clip times."""
        times = store.clip_times(results['video_name'], num)
        if times is not None:  # the manifest's grid
            return times
        source_fps = None
        if self.clip_grid is not None:
            source_fps = results.get('fps') or self.clip_grid.get('fps')
        if source_fps:
            # clip_grid's ``fps`` is the videos' own rate, ``target_fps`` the
            # sampling rate (the manifest's ``fps``)
            grid = dict(self.clip_grid, fps=self.clip_grid.get('target_fps'))
            return grid_feature_times(grid, float(source_fps), num)
        if not self._warned_uniform:
            print_log(
                f'{store.path}: no clip times, manifest or clip_grid; '
                'spreading the feature steps evenly over each video',
                logger='current',
                level=logging.WARNING)
            self._warned_uniform = True
        return spread_times(num, results['duration'])

    def transform(self, results: dict) -> dict:
        store = self._store(results['feature_store'])
        name = results['video_name']
        features, times = store.load(name)
        if features.ndim != 2 or features.size == 0:
            raise ValueError(f'{store.file_of(name)}: expected a non-empty '
                             f'T x C feature array, got shape '
                             f'{features.shape}')
        if times is None:
            times = self.clip_times(store, results, len(features))
        results['features'] = features
        results['feature_times'] = np.asarray(times, dtype=np.float64)
        return results

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(clip_grid={self.clip_grid})'
