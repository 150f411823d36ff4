"""Clips of foreground and background segments of untrimmed videos (TSP).

See ``docs/en/user_guides/tsp_data.md`` for the segment and sampling rules,
the file formats and every option.
"""
import logging
import os.path as osp
from typing import Callable, Dict, List, Optional, Sequence, Union

import numpy as np
from mmengine.dataset import BaseDataset, force_full_init
from mmengine.logging import print_log

from tsptools.core.clip_plan import clip_duration
from tsptools.registry import DATASETS
from .gvf_file import read_gvf
from .tsp_segments import (DEFAULT_REGION_LABELS, filter_segments,
                           load_label_mapping, make_segments,
                           read_activitynet_json, read_metadata_csv,
                           read_tsp_csv)


def _log(msg: str, level=logging.INFO) -> None:
    print_log(msg, logger='current', level=level)


@DATASETS.register_module()
class UntrimmedVideoDataset(BaseDataset):
    """Fixed-length clips from the action and background segments of
    untrimmed videos, as TSP trains on them.

    Each segment (an action instance, or a gap between actions) gives
    ``clips_per_segment`` samples; sample ``idx`` is clip ``k = idx % C`` of
    segment ``idx // C`` (``C = clips_per_segment``), so
    ``len(dataset) == segments * C``. A clip of ``clip_len`` frames sampled
    at ``sample_fps`` (the paper configs: 15, resampled by time from the
    video's rate) lasts ``d = clip_len / sample_fps`` seconds (taken every
    ``frame_interval`` frames without ``sample_fps``: ``d = clip_len *
    frame_interval / fps``) and starts at ``t_start + u * (t_end - t_start -
    d)``:

    * training: ``u = numpy.random.default_rng([seed, epoch, idx]).random()``,
      the same in every worker and rank, different across epochs;
    * ``test_mode=True``: ``u = linspace(0, 1, C)[k]``.

    ``get_data_info(idx)`` returns a new dict with ``filename`` (full path),
    ``video_name``, ``segment`` (``[t_start, t_end]``, seconds, clipped),
    ``clip_start`` (seconds), ``clip_index`` (``k``), ``action_label`` (index
    in the action mapping, ``-1`` for background), ``region_label`` (index in
    the region mapping), ``fps``, ``total_frames``, ``duration``,
    ``segment_index``, ``sample_idx`` and, with ``gvf_file``, ``gvf``
    (float32 array).

    Every segment gives its samples once per epoch (the official TSP
    data); :class:`BalancedSegmentSampler` draws as many background as
    action segments instead.

    Args:
        ann_file: official TSP ground-truth CSV (``*_tsp_groundtruth.csv``,
            read as is) or ActivityNet-style JSON (``.json``), whose
            background segments are computed with ``min_background``.
        data_prefix: ``dict(video=dir)``; a video's path is
            ``join(dir, filename)``.
        subset: JSON only: keep the videos of this subset (e.g.
            ``'training'``) or list of subsets; ``None`` keeps all.
        action_label_mapping: JSON list file of the action class names
            (official ``*_action_label_mapping.json``) or the list itself.
            ``None``: the sorted names found in the annotation file (all
            subsets of a JSON), with a warning.
        region_label_mapping: JSON list file or list of the temporal region
            names; the official ``['Action', 'No action']`` makes
            ``Action`` 0 and ``No action`` 1. For JSON input the names
            ``'Action'`` and ``'No action'`` must be in it.
        clips_per_segment: clips per segment (TSP: 5).
        clip_len: frames per clip (TSP: 16).
        frame_interval: step between the frames of a clip when
            ``sample_fps`` is None (2 is 15 fps from 30 fps videos).
        sample_fps: the clips' frame rate for time-based sampling (TSP: 15,
            the official rule for any source rate); must match the
            ``fps`` of the pipeline's ``SampleClip``. None: one frame every
            ``frame_interval``.
        min_background: background segments shorter than this (seconds) are
            dropped; ``None``: one clip at the video's fps (16/15 s by
            default). The official ActivityNet CSVs correspond to about
            ``5 * 16 / 15``.
        regions: keep only the segments of these temporal regions, e.g.
            ``('Action',)`` for the "TAC on the target dataset" baseline
            (foreground clips only); ``None`` keeps all.
        gvf_file: ``.h5``/``.hdf5`` or ``.npz`` of per-video global video
            features keyed by video name (or by file stem, as the official
            GVF files are); every video must be present.
        metadata_file: JSON only: official metadata CSV
            (``filename,video-duration,fps,video-frames``) giving duration,
            fps and frames per file; videos missing from it are skipped with
            a warning.
        fps: JSON only: frame rate of the videos whose entry and metadata
            give none; ``None`` means 30 with a warning.
        filename_tmpl: JSON only: file name of a video from its name when the
            entry has no ``filename`` key, e.g. ``'v_{}.mp4'``.
        seed: non-negative seed of the clip positions.
        test_mode: uniformly spaced clips instead of random ones.
        pipeline: transforms applied to ``get_data_info(idx)``.
        data_root, metainfo, indices, serialize_data, lazy_init, max_refetch:
            as in :class:`mmengine.dataset.BaseDataset`; ``indices`` selects
            segments, not samples.
    """

    def __init__(self,
                 ann_file: str,
                 data_prefix: Optional[dict] = None,
                 subset: Union[str, Sequence[str], None] = None,
                 action_label_mapping: Union[str, Sequence[str], None] = None,
                 region_label_mapping: Union[str, Sequence[str]] = (
                     DEFAULT_REGION_LABELS),
                 clips_per_segment: int = 5,
                 clip_len: int = 16,
                 frame_interval: int = 2,
                 sample_fps: Optional[float] = None,
                 min_background: Optional[float] = None,
                 regions: Optional[Sequence[str]] = None,
                 gvf_file: Optional[str] = None,
                 metadata_file: Optional[str] = None,
                 fps: Optional[float] = None,
                 filename_tmpl: str = '{}.mp4',
                 seed: int = 0,
                 test_mode: bool = False,
                 pipeline: List[Union[dict, Callable]] = [],
                 data_root: Optional[str] = '',
                 metainfo: Optional[dict] = None,
                 indices: Union[int, Sequence[int], None] = None,
                 serialize_data: bool = True,
                 lazy_init: bool = False,
                 max_refetch: int = 1000):
        for name, value in (('clips_per_segment', clips_per_segment),
                            ('clip_len', clip_len), ('frame_interval',
                                                     frame_interval)):
            if int(value) != value or value < 1:
                raise ValueError(f'{name} must be a positive integer, got '
                                 f'{value!r}')
        if int(seed) != seed or seed < 0:
            raise ValueError(
                f'seed must be a non-negative integer, got {seed}')
        if data_prefix is None:
            data_prefix = dict(video='')
        if 'video' not in data_prefix:
            raise ValueError('data_prefix must have the key "video", got '
                             f'{data_prefix}')
        self.subset = subset
        self.action_label_mapping = action_label_mapping
        self.region_label_mapping = region_label_mapping
        self.clips_per_segment = int(clips_per_segment)
        self.clip_len = int(clip_len)
        self.frame_interval = int(frame_interval)
        if sample_fps is not None and not float(sample_fps) > 0:
            raise ValueError(f'sample_fps must be None or positive, got '
                             f'{sample_fps!r}')
        self.sample_fps = None if sample_fps is None else float(sample_fps)
        self.min_background = min_background
        self.regions = tuple(regions) if regions is not None else None
        self.gvf_file = gvf_file
        self.metadata_file = metadata_file
        self.fps = fps
        self.filename_tmpl = filename_tmpl
        self.seed = int(seed)
        self.epoch = 0
        self._gvf: Optional[Dict[str, np.ndarray]] = None
        super().__init__(
            ann_file=ann_file,
            metainfo=metainfo,
            data_root=data_root,
            data_prefix=data_prefix,
            indices=indices,
            serialize_data=serialize_data,
            pipeline=pipeline,
            test_mode=test_mode,
            lazy_init=lazy_init,
            max_refetch=max_refetch)

    # ------------------------------------------------------------------
    # Loading
    # ------------------------------------------------------------------

    def _read_records(self):
        """Segment records of ``ann_file`` and the action names found."""
        if self.ann_file.lower().endswith('.json'):
            metadata = None
            if self.metadata_file is not None:
                metadata = read_metadata_csv(self.metadata_file)
            videos, info = read_activitynet_json(
                self.ann_file,
                subset=self.subset,
                filename_tmpl=self.filename_tmpl,
                metadata=metadata,
                fps=self.fps)
            if info['missing_metadata']:
                names = ', '.join(info['missing_metadata'][:5])
                _log(
                    f'{len(info["missing_metadata"])} videos of '
                    f'{self.ann_file} are not in {self.metadata_file} and '
                    f'are skipped (e.g. {names})', logging.WARNING)
            if info['default_fps']:
                _log(
                    f'{len(info["default_fps"])} videos of {self.ann_file} '
                    'have no fps (no "fps" key, no metadata_file): assuming '
                    '30 fps', logging.WARNING)
            if self.subset is not None and not videos:
                raise ValueError(f'{self.ann_file}: no video in subset '
                                 f'{self.subset!r} (subsets: '
                                 f'{info["subsets"]})')
            records, stats = make_segments(videos, self.min_background,
                                           self.clip_len, self.frame_interval)
            if stats['videos_without_actions']:
                _log(
                    f'{stats["videos_without_actions"]} videos have no '
                    'action annotation: each is one background segment',
                    logging.WARNING)
            _log(f'{self.ann_file}: {stats["videos"]} videos, '
                 f'{stats["foreground"]} actions, {stats["background"]} '
                 f'background gaps ({stats["short_gaps"]} gaps shorter than '
                 'min_background not used)')
            return records, info['labels']
        ignored = [
            name for name in ('subset', 'metadata_file', 'fps')
            if getattr(self, name) is not None
        ]
        if ignored:
            _log(
                f'{", ".join(ignored)} only apply to JSON annotations: '
                f'ignored for {self.ann_file}', logging.WARNING)
        records = read_tsp_csv(self.ann_file)
        return records, sorted({r['label'] for r in records if r['label']})

    def load_data_list(self) -> List[dict]:
        records, found_labels = self._read_records()
        ann_name = osp.basename(self.ann_file)

        if self.action_label_mapping is None:
            classes = found_labels
            _log(
                f'No action_label_mapping: using the {len(classes)} sorted '
                f'action names of {ann_name}; give the mapping file so that '
                'labels agree across datasets', logging.WARNING)
        else:
            classes = load_label_mapping(self.action_label_mapping,
                                         'action label mapping')
        regions = load_label_mapping(self.region_label_mapping,
                                     'region label mapping')
        action_index = {name: i for i, name in enumerate(classes)}
        region_index = {name: i for i, name in enumerate(regions)}
        mapping_name = (
            self.action_label_mapping if isinstance(
                self.action_label_mapping, str) else 'the action mapping')
        region_name = (
            self.region_label_mapping if isinstance(
                self.region_label_mapping, str) else 'the region mapping')

        # Every row is checked, the dropped ones included.
        for r in records:
            if r['label'] and r['label'] not in action_index:
                raise ValueError(
                    f'{self.ann_file} ({r["source"]}): action label '
                    f'{r["label"]!r} is not in {mapping_name} '
                    f'({len(classes)} classes)')
            if r['region'] not in region_index:
                raise ValueError(
                    f'{self.ann_file} ({r["source"]}): temporal region '
                    f'{r["region"]!r} is not in {region_name} {regions}')

        self._fps_values = {r['fps'] for r in records}
        kept, stats = filter_segments(records, self.clip_len,
                                      self.frame_interval, self.min_background,
                                      self.sample_fps)
        if self.regions is not None:
            unknown = set(self.regions) - set(regions)
            if unknown:
                raise ValueError(f'regions {sorted(unknown)} are not in '
                                 f'{region_name} {regions}')
            before = len(kept)
            kept = [r for r in kept if r['region'] in self.regions]
            for name in ('foreground', 'background'):
                stats[name] = sum(
                    bool(r['label']) == (name == 'foreground')
                    for r in kept)
            _log(f'{ann_name}: kept the {len(kept)} of {before} segments in '
                 f'regions {list(self.regions)}')
        prefix = self.data_prefix['video']
        data_list, video_names, paths = [], {}, {}
        for r in kept:
            label = r['label']
            video_names.setdefault(r['video_name'], r['filename'])
            path = paths.get(r['filename'])
            if path is None:
                path = paths[r['filename']] = osp.join(prefix, r['filename'])
            data_list.append(
                dict(
                    filename=path,
                    video_name=r['video_name'],
                    segment=[r['t_start'], r['t_end']],
                    action_label=action_index[label] if label else -1,
                    region_label=region_index[r['region']],
                    fps=r['fps'],
                    total_frames=r['total_frames'],
                    duration=r['duration']))

        self._metainfo.update(
            classes=tuple(classes), region_classes=tuple(regions))
        if self.gvf_file is not None:
            self.load_gvf(self.gvf_file, video_names)

        if not data_list:
            raise ValueError(f'{self.ann_file}: no segment is left (all '
                             f'{len(records)} dropped)')
        self._log_stats(ann_name, len(records), stats)
        return data_list

    def _log_stats(self, ann_name: str, n_records: int, stats: dict) -> None:
        n_segments = stats['foreground'] + stats['background']
        rates = sorted(self._fps_values)
        if self.sample_fps is not None:
            clip = f'{self.clip_len / self.sample_fps:.4g} s at ' \
                f'{self.sample_fps:g} fps'
        elif len(rates) == 1:
            clip = clip_duration(self.clip_len, self.frame_interval, rates[0])
            clip = f'{clip:.4g} s at {rates[0]:g} fps'
        else:
            clip = "at each video's fps"
        frames = str(self.clip_len) if self.sample_fps is not None else \
            f'{self.clip_len}x{self.frame_interval}'
        min_bg = ('one clip' if self.min_background is None else
                  f'{self.min_background:g} s')
        _log(f'{ann_name}: {stats["videos"]} videos, {stats["foreground"]} '
             f'fg segments, {stats["background"]} bg segments, {n_segments} '
             f'segments x {self.clips_per_segment} clips = '
             f'{n_segments * self.clips_per_segment} samples '
             f'({"test" if self.test_mode else "train"} mode)')
        _log(f'{ann_name}: dropped {n_records - n_segments} of {n_records} '
             f'segments: {stats["short_foreground"]} fg + '
             f'{stats["short_background"]} bg shorter than one clip '
             f'({frames} frames, {clip}), '
             f'{stats["outside_foreground"]} fg + '
             f'{stats["outside_background"]} bg outside the video, '
             f'{stats["min_background"]} bg shorter than min_background '
             f'({min_bg}); {stats["clipped"]} kept segments clipped to the '
             f'video; {stats["videos_total"] - stats["videos"]} videos left '
             'without segments')

    def video_files(self) -> Dict[str, str]:
        """``{video_name: filename}`` of the videos of the dataset."""
        videos = {}
        for i in range(self._num_segments()):
            info = BaseDataset.get_data_info(self, i)
            videos.setdefault(info['video_name'], info['filename'])
        return videos

    def load_gvf(self,
                 gvf_file: str,
                 videos: Optional[Dict[str, str]] = None) -> None:
        """(Re)load the global video features of ``gvf_file``.

        Args:
            gvf_file: ``.h5``/``.hdf5`` (one dataset per video) or ``.npz``
                (one array per video); each value has shape ``(D,)`` or
                ``(1, D)``. A video is looked up by its name, then by its
                file stem (``v_xxx`` for ``v_xxx.mp4``); read by
                :func:`~tsptools.datasets.gvf_file.read_gvf`, whose errors
                name the file and the video.
            videos: ``{video_name: filename}`` to load; default: the videos
                of the dataset.
        """
        if videos is None:
            videos = self.video_files()
        features = read_gvf(gvf_file, videos)
        shapes = {v.shape for v in features.values()}
        self._gvf = features
        _log(f'Loaded {len(features)} global video features of shape '
             f'{shapes.pop() if shapes else None} from {gvf_file}')

    # ------------------------------------------------------------------
    # Indexing
    # ------------------------------------------------------------------

    def _num_segments(self) -> int:
        return BaseDataset.__len__(self)

    def segment_is_foreground(self) -> np.ndarray:
        """Whether each segment is an action (``action_label >= 0``), in
        segment order: what :class:`BalancedSegmentSampler` balances."""
        return np.array([
            BaseDataset.get_data_info(self, i)['action_label'] >= 0
            for i in range(self._num_segments())
        ], dtype=bool)

    def set_epoch(self, epoch: int) -> None:
        """Set the epoch used in the clip positions.

        Called before each training epoch (e.g. by a hook). DataLoader
        workers hold a copy of the dataset made when the epoch's iterator
        starts; with ``persistent_workers=True`` that copy is made once, and
        the workers keep the first epoch's value.
        """
        self.epoch = int(epoch)

    @force_full_init
    def __len__(self) -> int:
        return self._num_segments() * self.clips_per_segment

    @force_full_init
    def get_data_info(self, idx: int) -> dict:
        n = len(self)
        if not -n <= idx < n:
            raise IndexError(f'index {idx} out of range for a dataset of '
                             f'{n} samples')
        idx = int(idx) % n
        segment_index, k = divmod(idx, self.clips_per_segment)
        info = BaseDataset.get_data_info(self, segment_index)
        t_start, t_end = info['segment']
        span = t_end - t_start - clip_duration(
            self.clip_len, self.frame_interval, info['fps'], self.sample_fps)
        if self.test_mode:
            u = float(np.linspace(0, 1, self.clips_per_segment)[k])
        else:
            u = float(
                np.random.default_rng([self.seed, self.epoch, idx]).random())
        info.update(
            clip_start=t_start + u * max(span, 0.0),
            clip_index=k,
            segment_index=segment_index,
            sample_idx=idx)
        if self._gvf is not None:
            info['gvf'] = self._gvf[info['video_name']].copy()
        return info
