"""Whole videos as precomputed clip features plus their ground truth, for
training and evaluating temporal action localizers (see
``docs/en/user_guides/downstream.md``)."""
import json
import logging
import os.path as osp
from typing import Callable, Dict, List, Optional, Sequence, Tuple, Union

import numpy as np
from mmengine.dataset import BaseDataset
from mmengine.logging import print_log

from tsptools.core.annotations import database_of, load_json, parse_video
from tsptools.core.feature_format import FeatureStore
from tsptools.datasets.transforms.load_clip_features import LoadClipFeatures
from tsptools.datasets.transforms.pack_localization_inputs import (
    PackLocalizationInputs, feature_time_grid)
from tsptools.datasets.transforms.random_feature_window import \
    RandomFeatureWindow
from tsptools.datasets.transforms.rescale_feature_time import \
    RescaleFeatureTime
from tsptools.datasets.transforms.resize_features import ResizeFeatures
from tsptools.registry import DATASETS

#: What to do with a ground-truth segment that leaves ``[0, duration]``.
OUT_OF_VIDEO_MODES = ('error', 'clip')
#: Segments may leave the video by this much (seconds) without counting as
#: outside (rounding in annotation files); they are clipped.
SEGMENT_TOLERANCE = 1e-3


def _log(msg: str, level=logging.INFO) -> None:
    print_log(msg, logger='current', level=level)


@DATASETS.register_module()
class PrecomputedFeatureDataset(BaseDataset):
    """Untrimmed videos as clip-feature sequences with their action
    instances, for temporal action localization on precomputed features.

    Sample ``idx`` is ``dict(inputs, data_samples)``: ``inputs`` a float32
    tensor ``C x T`` (channels first) and ``data_samples`` a
    :class:`~tsptools.datasets.localization_data_sample.LocalizationDataSample`
    with ``video_name``,
    ``duration`` (s), ``gt_segments`` (``K x 2`` s), ``gt_labels`` (``K``
    class indices), ``time_offset`` and ``time_step`` (feature step ``i`` is
    centred at ``time_offset + i * time_step`` seconds), ``num_steps``
    (``T``) — the fields that the localizers and the metrics
    (:class:`~tsptools.evaluation.DetectionMAP`,
    :class:`~tsptools.evaluation.ProposalAR`) read.

    Feature step times come, in order of preference, from the clip times
    stored with the features, from the extraction manifest (``settings``
    and each video's ``fps``, ``num_frames``, ``num_clips``), from
    ``clip_grid`` and the video's ``fps`` (both by the extraction's rule,
    :func:`~tsptools.core.feature_format.grid_feature_times`), or else by
    spreading the ``T`` steps evenly over the video
    (``(i + 0.5) * duration / T``, with a warning).

    Temporal size:

    * ``resize_to=T``: features (and their times) are linearly interpolated
      to ``T`` steps (ActivityNet practice: 100);
    * ``window_size=W`` (with ``resize_to=None``): training samples are
      random windows of ``W`` consecutive steps of longer videos (ground
      truth clipped to the window, instances with less than
      ``window_min_overlap`` of their length inside dropped); in
      ``test_mode`` every video is whole (the localizer is fully
      convolutional);
    * neither: whole videos of their own length.

    Args:
        ann_file (str): ActivityNet-style JSON (``database`` -> video ->
            ``subset``, ``duration``, ``annotations[{segment, label}]``,
            optional ``fps``, ``num_frames``).
        features (str): folder or file of features (see
            :class:`~tsptools.core.feature_format.FeatureStore`); relative
            to ``data_root`` if given.
        class_index (str | dict | list, optional): ``{name: index}`` or a
            list of names (or a JSON file of either, e.g. SynthActions'
            ``class_index.json``). None: the sorted labels of the whole
            annotation file.
        subset (str | list[str], optional): keep videos of this subset
            (``training``, ``validation``, ``testing``); None keeps all.
        resize_to (int, optional): interpolate every video to this length.
        window_size (int, optional): training window length (see above).
        window_min_overlap (float): see above.
        scale_range (tuple[float, float], optional): training only:
            rescale each sample in time by a factor drawn log-uniformly from
            ``(low, high)`` (features and their times linearly
            interpolated, before the window is cut; the ground truth stays
            in seconds). None (default): no rescaling.
        clip_grid (dict, optional): ``dict(clip_len, frame_interval, stride,
            fps, target_fps)`` of features stored without times or manifest
            (e.g. the official TSP h5 files: 16, 2, 16, 30 and 15 for
            ActivityNet); ``fps`` is the videos' own rate (the video's
            ``fps`` in the annotation wins over it), ``target_fps`` the
            time-based sampling rate (None: one frame every
            ``frame_interval``).
        out_of_video (str): a segment outside ``[0, duration]`` (beyond
            1 ms) is an ``'error'`` naming the file and video, or is
            ``'clip'``-ped (dropped if nothing is left; ActivityNet v1.3 has
            a few segments past the end).
        filter_empty_gt (bool): outside ``test_mode``, drop videos without
            instances (they are kept for evaluation).
        allow_missing (bool): skip, with a warning, annotated videos that
            have no features (e.g. failed extractions) instead of raising.
        seed (int): non-negative seed of the random windows and time
            scales: sample ``idx`` draws them from
            ``numpy.random.default_rng([seed, epoch, idx])`` (the key
            ``rng`` of its results), as
            :class:`~tsptools.datasets.UntrimmedVideoDataset` places its
            clips; ``epoch`` is set by :meth:`set_epoch`
            (:class:`DatasetEpochHook`). Defaults to 0.
        pipeline (list, optional): transforms applied to
            ``get_data_info(idx)`` (the video's record plus
            ``feature_store``, ``sample_idx`` and ``rng``). None (default):
            :meth:`default_pipeline`, built from ``clip_grid``,
            ``resize_to``, ``scale_range``, ``window_size`` and
            ``window_min_overlap`` (which a given pipeline ignores, apart
            from :meth:`load_features`).
        data_root, indices, serialize_data, test_mode, lazy_init,
            max_refetch: as in :class:`mmengine.dataset.BaseDataset`.
    """

    def __init__(self,
                 ann_file: str,
                 features: str,
                 class_index: Union[str, dict, Sequence[str], None] = None,
                 subset: Union[str, Sequence[str], None] = None,
                 resize_to: Optional[int] = None,
                 window_size: Optional[int] = None,
                 window_min_overlap: float = 0.5,
                 scale_range: Optional[Tuple[float, float]] = None,
                 clip_grid: Optional[dict] = None,
                 out_of_video: str = 'error',
                 filter_empty_gt: bool = True,
                 allow_missing: bool = False,
                 seed: int = 0,
                 pipeline: Optional[List[Union[dict, Callable]]] = None,
                 data_root: str = '',
                 indices=None,
                 serialize_data: bool = True,
                 test_mode: bool = False,
                 lazy_init: bool = False,
                 max_refetch: int = 1000) -> None:
        if out_of_video not in OUT_OF_VIDEO_MODES:
            raise ValueError(f'out_of_video must be one of '
                             f'{OUT_OF_VIDEO_MODES}, got {out_of_video!r}')
        for name, value in (('resize_to', resize_to),
                            ('window_size', window_size)):
            if value is not None and (int(value) != value or value < 1):
                raise ValueError(f'{name} must be None or a positive '
                                 f'integer, got {value!r}')
        if resize_to is not None and window_size is not None:
            raise ValueError('use resize_to or window_size, not both')
        if data_root and not osp.isabs(features):
            features = osp.join(data_root, features)
        self.features = features
        self.class_index = class_index
        self.subset = [subset] if isinstance(subset, str) else subset
        self.resize_to = resize_to
        self.window_size = window_size
        self.window_min_overlap = window_min_overlap
        if scale_range is not None and not (
                len(scale_range) == 2 and
                0 < float(scale_range[0]) <= float(scale_range[1])):
            raise ValueError('scale_range must be None or (low, high) with '
                             f'0 < low <= high, got {scale_range!r}')
        self.scale_range = scale_range
        self.clip_grid = dict(clip_grid) if clip_grid else None
        self.out_of_video = out_of_video
        self.filter_empty_gt = filter_empty_gt
        self.allow_missing = allow_missing
        if int(seed) != seed or seed < 0:
            raise ValueError(
                f'seed must be a non-negative integer, got {seed!r}')
        self.seed = int(seed)
        self.epoch = 0
        self.store: Optional[FeatureStore] = None
        self.test_mode = test_mode
        self._loader = LoadClipFeatures(clip_grid=self.clip_grid)
        if pipeline is None:
            pipeline = self.default_pipeline()
        super().__init__(
            ann_file=ann_file,
            data_root=data_root,
            data_prefix=dict(),
            indices=indices,
            serialize_data=serialize_data,
            pipeline=pipeline,
            test_mode=test_mode,
            lazy_init=lazy_init,
            max_refetch=max_refetch)

    # ------------------------------------------------------------------
    # Annotations
    # ------------------------------------------------------------------

    def _load_classes(self, database: dict) -> Dict[str, int]:
        index = self.class_index
        source = 'class_index'
        if isinstance(index, str):
            source = index
            if not osp.isfile(index):
                raise FileNotFoundError(f'class index not found: {index}')
            with open(index) as f:
                index = json.load(f)
        if index is None:
            labels = {
                str(a.get('label')) for v in database.values()
                for a in v.get('annotations', []) if isinstance(a, dict)
            }
            return {name: i for i, name in enumerate(sorted(labels))}
        if isinstance(index, dict):
            out = {str(k): int(v) for k, v in index.items()}
        else:
            out = {str(name): i for i, name in enumerate(index)}
        if sorted(out.values()) != list(range(len(out))):
            raise ValueError(f'{source}: class indices must be 0..N-1')
        return out

    def load_data_list(self) -> List[dict]:
        ann_file = self.ann_file
        if not osp.isfile(ann_file):
            raise FileNotFoundError(f'annotation file not found: {ann_file}')
        database = database_of(load_json(ann_file), ann_file)
        classes = self._load_classes(database)
        names_by_index = sorted(classes, key=classes.get)
        self._metainfo['classes'] = tuple(names_by_index)

        self.store = FeatureStore(self.features)
        available = self.store.names()
        data_list, missing = [], []
        for video, entry in database.items():
            if self.subset is not None and isinstance(entry, dict) and \
                    entry.get('subset') not in self.subset:
                continue
            info = self._parse_video(video, entry, classes)
            if info is None:
                continue
            if video not in available:
                missing.append(video)
                continue
            data_list.append(info)
        if missing:
            self._report_missing(missing)
        if not data_list:
            raise ValueError(f'{ann_file}: no video of subset {self.subset} '
                             f'with features in {self.features}')
        self._check_shapes(data_list)
        if not self.test_mode and self.filter_empty_gt:
            kept = [d for d in data_list if len(d['gt_labels'])]
            if not kept:
                raise ValueError(f'{ann_file}: no video of subset '
                                 f'{self.subset} has an action instance')
            data_list = kept
        return data_list

    def _parse_video(self, video: str, entry: dict,
                     classes: Dict[str, int]) -> Optional[dict]:
        source = self.class_index if isinstance(self.class_index,
                                                str) else 'the class index'
        record = parse_video(
            video,
            entry,
            self.ann_file,
            labels='coerce',
            classes=classes,
            classes_source=source,
            require_duration=True,
            allow_empty_segments=False,
            out_of_video=self.out_of_video,
            tolerance=SEGMENT_TOLERANCE)
        return dict(
            video_name=video,
            duration=record.duration,
            fps=record.fps,
            num_frames=record.num_frames,
            subset=record.subset,
            gt_segments=record.segments.reshape(-1, 2),
            gt_labels=np.asarray([classes[x] for x in record.labels],
                                 np.int64))

    def _report_missing(self, missing: List[str]) -> None:
        details = []
        for video in missing[:5]:
            entry = self.store.manifest_entry(video)
            note = f' (manifest: {entry.get("status")}' + (
                f', {entry["error"]})' if entry.get('error') else ')') \
                if entry else ''
            details.append(f'{video}{note}')
        msg = (f'{len(missing)} video(s) of {self.ann_file} (subset '
               f'{self.subset}) have no features in {self.features}: '
               f'{", ".join(details)}' + (' ...' if len(missing) > 5 else ''))
        if not self.allow_missing:
            raise FileNotFoundError(
                msg + '; extract them, or set allow_missing=True to skip')
        _log(msg + '; skipped', logging.WARNING)

    def _check_shapes(self, data_list: List[dict]) -> None:
        channels = None
        for info in data_list:
            name = info['video_name']
            shape = self.store.shape(name)
            if len(shape) != 2 or shape[0] == 0 or shape[1] == 0:
                raise ValueError(f'{self.store.file_of(name)}: expected a '
                                 f'non-empty T x C feature array, got shape '
                                 f'{shape}')
            if channels is None:
                channels = shape[1]
            elif shape[1] != channels:
                raise ValueError(
                    f'{self.store.file_of(name)}: {shape[1]} channels, but '
                    f'other videos have {channels}')
            info['num_features'] = int(shape[0])
        self._metainfo['feature_channels'] = channels

    # ------------------------------------------------------------------
    # Samples
    # ------------------------------------------------------------------

    def default_pipeline(self) -> List[Callable]:
        """The transforms that the constructor's arguments describe, used
        when no ``pipeline`` is given: :class:`LoadClipFeatures`, then
        :class:`ResizeFeatures` (``resize_to``), in training
        :class:`RescaleFeatureTime` (``scale_range``) and
        :class:`RandomFeatureWindow` (``window_size``), then
        :class:`PackLocalizationInputs`."""
        pipeline = [self._loader]
        if self.resize_to is not None:
            pipeline.append(ResizeFeatures(self.resize_to))
        if self.scale_range is not None and not self.test_mode:
            pipeline.append(RescaleFeatureTime(self.scale_range))
        if self.window_size is not None and not self.test_mode:
            pipeline.append(
                RandomFeatureWindow(self.window_size,
                                    self.window_min_overlap))
        pipeline.append(PackLocalizationInputs())
        return pipeline

    def set_epoch(self, epoch: int) -> None:
        """Set the epoch used in the random windows and time scales (called
        before each training epoch by :class:`DatasetEpochHook`; DataLoader
        workers copy the dataset when an epoch's iterator starts, so keep
        ``persistent_workers=False``)."""
        self.epoch = int(epoch)

    def get_data_info(self, idx: int) -> dict:
        """The video's record plus ``feature_store``, ``sample_idx`` and
        ``rng``: ``numpy.random.default_rng([seed, epoch, idx])``, the
        generator of the random transforms, the same in every worker and
        rank and different across epochs."""
        info = super().get_data_info(idx)
        info['feature_store'] = self.store
        info['sample_idx'] = int(idx)
        info['rng'] = np.random.default_rng([self.seed, self.epoch, int(idx)])
        return info

    def load_features(self, info: dict) -> Tuple[np.ndarray, np.ndarray]:
        """``(features T x C, times T)`` of a video, resized if asked
        (:class:`LoadClipFeatures` and :class:`ResizeFeatures`)."""
        results = dict(info)
        results.setdefault('feature_store', self.store)
        results = self._loader.transform(results)
        if self.resize_to is not None:
            results = ResizeFeatures(self.resize_to).transform(results)
        return results['features'], results['feature_times']

    @staticmethod
    def time_grid(times: np.ndarray, duration: float) -> Tuple[float, float]:
        """``(offset, step)`` of the regular grid the times lie on
        (``feature_time_grid`` of
        ``tsptools.datasets.transforms.pack_localization_inputs``)."""
        return feature_time_grid(times, duration)
