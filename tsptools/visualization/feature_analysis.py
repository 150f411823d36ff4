"""Numbers behind the feature analysis tools (``tools/analysis_tools/``).

Pure numpy (``h5py`` only to read ``features.h5``): cosine-similarity
matrices of a video's clip features (TSP Fig. 2, PAL Fig. 3), absolute
differences of consecutive features at ground-truth boundaries and elsewhere
(BSP Fig. 4), and mean cosine similarities within foreground, within
background and across (foreground/background separability); plus reading
features (through :class:`tsptools.core.feature_format.FeatureStore`), their
clip times and ActivityNet-style annotations.

Conventions (``docs/en/user_guides/analysis.md``):

- A feature ``k`` of a video has a time ``t_k`` in seconds (the centre of its
  clip). A feature is **foreground** when ``t_k`` lies in a ground-truth
  segment ``[start, end]`` (ends included), **background** otherwise.
- The consecutive pair ``(k, k + 1)`` is a **boundary pair** when a segment
  start or end ``b`` lies in ``[t_k - tolerance, t_{k+1} + tolerance)``, i.e.
  between the two clip centres (widened by ``tolerance`` seconds). Starts
  at or before 0 and ends at or after the video's duration are not
  boundaries.
"""
import os.path as osp
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

from tsptools.core.annotations import (csv_videos, read_activitynet_json,
                                       read_tsp_csv)
from tsptools.core.feature_format import (FeatureStore, grid_feature_times,
                                          spread_times)

__all__ = [
    'l2_normalize', 'cosine_similarity_matrix', 'foreground_mask',
    'boundary_times', 'boundary_pair_mask', 'consecutive_abs_differences',
    'split_boundary_differences', 'fg_bg_similarities',
    'aggregate_fg_bg', 'manifest_clip_times', 'regular_times',
    'spread_times', 'resolve_times', 'FeatureStore', 'load_video_features',
    'select_videos', 'load_annotations', 'find_annotation',
    'parse_named_paths', 'load_encoder_features'
]

FG_BG_KEYS = ('fg_fg', 'bg_bg', 'fg_bg')


# ----------------------------------------------------------------------------
# Similarities and differences
# ----------------------------------------------------------------------------


def l2_normalize(features: np.ndarray, eps: float = 1e-12) -> np.ndarray:
    """Rows of ``features`` (``T x C``) divided by their L2 norm (all-zero
    rows stay zero)."""
    features = np.asarray(features, dtype=np.float64)
    norms = np.linalg.norm(features, axis=-1, keepdims=True)
    return features / np.maximum(norms, eps)


def cosine_similarity_matrix(features: np.ndarray) -> np.ndarray:
    """``T x T`` cosine similarities between the rows of ``features``
    (``T x C``). An all-zero row has similarity 0 with everything."""
    features = np.asarray(features)
    if features.ndim != 2:
        raise ValueError(f'features must be T x C, got shape '
                         f'{features.shape}')
    unit = l2_normalize(features)
    return np.clip(unit @ unit.T, -1.0, 1.0)


def _segments(segments) -> np.ndarray:
    segments = np.asarray(segments, dtype=np.float64).reshape(-1, 2)
    if (segments[:, 1] < segments[:, 0]).any():
        raise ValueError(f'segments must be [start, end] with start <= end, '
                         f'got {segments.tolist()}')
    return segments


def foreground_mask(times: np.ndarray, segments) -> np.ndarray:
    """``T`` booleans: feature ``k`` is foreground when its time lies in some
    segment ``[start, end]`` (``segments``: ``K x 2`` seconds)."""
    times = np.asarray(times, dtype=np.float64).reshape(-1)
    segments = _segments(segments)
    if len(segments) == 0:
        return np.zeros(len(times), dtype=bool)
    inside = (times[:, None] >= segments[None, :, 0]) & \
        (times[:, None] <= segments[None, :, 1])
    return inside.any(axis=1)


def boundary_times(segments, duration: Optional[float] = None) -> np.ndarray:
    """Sorted unique start and end times of ``segments``, without starts
    ``<= 0`` and ends ``>= duration`` (the video's own edges)."""
    segments = _segments(segments)
    starts, ends = segments[:, 0], segments[:, 1]
    starts = starts[starts > 0]
    if duration is not None:
        ends = ends[ends < duration]
    return np.unique(np.concatenate([starts, ends]))


def boundary_pair_mask(times: np.ndarray,
                       segments,
                       tolerance: float = 0.0,
                       duration: Optional[float] = None) -> np.ndarray:
    """``T - 1`` booleans: the pair of features ``(k, k + 1)`` is a boundary
    pair when a boundary (see :func:`boundary_times`) lies in
    ``[t_k - tolerance, t_{k+1} + tolerance)``."""
    times = np.asarray(times, dtype=np.float64).reshape(-1)
    if len(times) < 2:
        return np.zeros(0, dtype=bool)
    bounds = boundary_times(segments, duration)
    if len(bounds) == 0:
        return np.zeros(len(times) - 1, dtype=bool)
    lo = times[:-1, None] - tolerance
    hi = times[1:, None] + tolerance
    return ((bounds[None] >= lo) & (bounds[None] < hi)).any(axis=1)


def consecutive_abs_differences(features: np.ndarray,
                                normalize: bool = True) -> np.ndarray:
    """``(T - 1) x C`` element-wise ``|f_{k+1} - f_k|``, of L2-normalised
    features when ``normalize`` (as in BSP Fig. 4)."""
    features = np.asarray(features, dtype=np.float64)
    if normalize:
        features = l2_normalize(features)
    return np.abs(np.diff(features, axis=0))


def split_boundary_differences(
        features: np.ndarray,
        times: np.ndarray,
        segments,
        tolerance: float = 0.0,
        duration: Optional[float] = None,
        normalize: bool = True) -> Tuple[np.ndarray, np.ndarray]:
    """The rows of :func:`consecutive_abs_differences` at boundary pairs and
    at the other pairs: ``(boundary N_b x C, non_boundary N_n x C)``."""
    features = np.asarray(features)
    times = np.asarray(times, dtype=np.float64).reshape(-1)
    if len(times) != len(features):
        raise ValueError(f'{len(features)} features but {len(times)} times')
    diffs = consecutive_abs_differences(features, normalize)
    mask = boundary_pair_mask(times, segments, tolerance, duration)
    return diffs[mask], diffs[~mask]


def _mean_offdiag(block: np.ndarray, square: bool) -> float:
    if square:
        count = block.shape[0] * (block.shape[0] - 1)
        total = block.sum() - np.trace(block)
    else:
        count, total = block.size, block.sum()
    return float(total / count) if count else float('nan')


def fg_bg_similarities(features: np.ndarray, fg_mask: np.ndarray) -> dict:
    """Mean cosine similarity of the pairs of distinct features of one video
    within the foreground (``fg_fg``), within the background (``bg_bg``) and
    across (``fg_bg``); NaN where there is no pair. Also returns ``n_fg`` and
    ``n_bg``, the numbers of features."""
    fg_mask = np.asarray(fg_mask, dtype=bool).reshape(-1)
    sim = cosine_similarity_matrix(features)
    if len(fg_mask) != len(sim):
        raise ValueError(f'{len(sim)} features but {len(fg_mask)} mask '
                         'values')
    fg, bg = fg_mask, ~fg_mask
    out = {}
    out['fg_fg'] = _mean_offdiag(sim[np.ix_(fg, fg)], square=True)
    out['bg_bg'] = _mean_offdiag(sim[np.ix_(bg, bg)], square=True)
    out['fg_bg'] = _mean_offdiag(sim[np.ix_(fg, bg)], square=False)
    out['n_fg'], out['n_bg'] = int(fg.sum()), int(bg.sum())
    return out


def aggregate_fg_bg(per_video: Sequence[dict]) -> dict:
    """Average of :func:`fg_bg_similarities` over videos, each video counting
    once (NaNs skipped), with ``gap = (fg_fg + bg_bg) / 2 - fg_bg`` (higher:
    foreground and background are more separable) and ``videos``, the number
    of videos with both foreground and background features."""
    out = {}
    for key in FG_BG_KEYS:
        values = np.array([v[key] for v in per_video], dtype=np.float64)
        values = values[~np.isnan(values)]
        out[key] = float(values.mean()) if len(values) else float('nan')
    out['gap'] = (out['fg_fg'] + out['bg_bg']) / 2 - out['fg_bg']
    out['videos'] = int(sum(1 for v in per_video
                            if not np.isnan(v['fg_bg'])))
    return out


# ----------------------------------------------------------------------------
# Feature times
# ----------------------------------------------------------------------------


def manifest_clip_times(entry: dict, settings: dict, num: int) -> np.ndarray:
    """Clip-centre times of a video from ``manifest.json`` (its ``videos``
    entry and ``settings``), following the clip grid of
    ``tools/extract_features.py``
    (:func:`tsptools.core.feature_format.grid_feature_times`); rescaled
    linearly to ``num`` steps when the features were (``resize_to``)."""
    frames = entry.get('num_frames')
    return grid_feature_times(settings, float(entry['fps']), num,
                              entry.get('num_clips'),
                              None if frames is None else int(frames))


def regular_times(num: int, stride: float, fps: float,
                  offset: Optional[float] = None) -> np.ndarray:
    """``t_k = (k * stride + offset) / fps``: features every ``stride``
    frames of a ``fps`` frame grid, the first at ``offset`` frames (default
    ``stride / 2``); OpenTAD's ``feature_stride``, ``offset_frames``,
    ``fps``."""
    if offset is None:
        offset = stride / 2.0
    return (np.arange(num) * float(stride) + float(offset)) / float(fps)


# ----------------------------------------------------------------------------
# Reading features and annotations
# ----------------------------------------------------------------------------


def load_video_features(store: FeatureStore, name: str
                        ) -> Tuple[np.ndarray, Optional[np.ndarray]]:
    """``(features T x C float32, times)`` of video ``name`` in ``store``
    (a :class:`~tsptools.core.feature_format.FeatureStore`): the clip times
    the extraction wrote (``clip_times``), else computed from the
    ``manifest.json`` of the features, else None."""
    feats, times = store.load(name)
    if feats.ndim != 2:
        raise ValueError(f'{store.path}: features of {name} must be T x C, '
                         f'got shape {feats.shape}')
    if times is None:
        times = store.clip_times(name, len(feats))
    return feats, times


def resolve_times(num: int,
                  stored: Optional[np.ndarray] = None,
                  duration: Optional[float] = None,
                  stride: Optional[float] = None,
                  fps: Optional[float] = None,
                  offset: Optional[float] = None) -> np.ndarray:
    """Times of ``num`` features: the times stored with the features or
    computed from their manifest (``stored``), else :func:`regular_times`
    from ``stride`` and ``fps``, else :func:`spread_times` over
    ``duration``."""
    if stored is not None:
        return np.asarray(stored, dtype=np.float64)
    if stride is not None and fps is not None:
        return regular_times(num, stride, fps, offset)
    if duration is not None:
        return spread_times(num, duration)
    raise ValueError('no clip times: the features have no clip_times or '
                     'manifest, no --stride/--fps were given and the '
                     'annotations give no duration')


def select_videos(stores: Dict[str, 'FeatureStore'],
                  annotations: Optional[Dict[str, dict]] = None,
                  videos: Optional[Sequence[str]] = None) -> List[str]:
    """``videos`` (each must be in every store, and annotated when
    ``annotations`` are given), or else every video that all stores have and
    that is annotated, sorted."""
    if videos:
        for name in videos:
            for enc, store in stores.items():
                if name not in store.names():
                    raise KeyError(f'video {name!r} is not in the features '
                                   f'of {enc} ({store.path})')
            if annotations is not None and \
                    find_annotation(name, annotations) is None:
                raise KeyError(f'video {name!r} has no annotation')
        return list(videos)
    common = set.intersection(*(s.names() for s in stores.values()))
    if annotations is not None:
        common = {n for n in common
                  if find_annotation(n, annotations) is not None}
    if not common:
        raise ValueError('no video is in every features folder' +
                         (' and in the annotations'
                          if annotations is not None else ''))
    return sorted(common)


def load_annotations(path: str) -> Dict[str, dict]:
    """``{video: dict(duration, fps, segments K x 2, labels)}`` from an
    ActivityNet-style JSON (``database`` -> video -> ``duration`` or
    ``duration_second``, ``fps``, ``annotations[{segment, label}]``; the
    SynthActions JSON) or a TSP ground-truth CSV (``video-name,t-start,
    t-end,action-label,video-duration,...``; rows without an action label
    are background), both read by :mod:`tsptools.core.annotations`: the
    segments are kept as they are, a label may be absent (None)."""
    if not osp.isfile(path):
        raise FileNotFoundError(f'Annotations not found: {path}')
    if path.endswith('.csv'):
        records = list(csv_videos(read_tsp_csv(path)).values())
    else:
        records = read_activitynet_json(
            path,
            allow_bare=True,
            labels='raw',
            positive_duration=False,
            duration_keys=('duration', 'duration_second'))
    return {
        r.name: dict(duration=r.duration, fps=r.fps, segments=r.segments,
                     labels=list(r.labels))
        for r in records
    }


def find_annotation(name: str, annotations: Dict[str, dict]
                    ) -> Optional[dict]:
    """The annotation of video ``name``, also trying with and without the
    ``v_`` prefix of ActivityNet file names."""
    for key in (name, name[2:] if name.startswith('v_') else f'v_{name}'):
        if key in annotations:
            return annotations[key]
    return None


def parse_named_paths(items: Sequence[str]) -> List[Tuple[str, str]]:
    """``['TAC=feats/tac', 'feats/tsp']`` -> ``[('TAC', 'feats/tac'),
    ('tsp', 'feats/tsp')]`` (a path without a name is named after its
    folder)."""
    out = []
    for item in items:
        name, sep, path = item.partition('=')
        if not sep:
            name, path = osp.basename(osp.normpath(item)), item
        if not name or not path:
            raise ValueError(f'expected NAME=PATH, got {item!r}')
        out.append((name, path))
    names = [n for n, _ in out]
    if len(set(names)) != len(names):
        raise ValueError(f'encoder names must be unique, got {names}')
    return out


def load_encoder_features(
        named_paths: Sequence[Tuple[str, str]],
        annotations: Optional[Dict[str, dict]] = None,
        videos: Optional[Sequence[str]] = None,
        stride: Optional[float] = None,
        fps: Optional[float] = None,
        offset: Optional[float] = None,
        max_videos: Optional[int] = None
) -> Tuple[List[str], Dict[str, Dict[str, Tuple[np.ndarray, np.ndarray]]]]:
    """Features and times of every encoder on the same videos.

    Args:
        named_paths: ``[(encoder, features path), ...]``.
        annotations: from :func:`load_annotations`; the videos' durations
            are the last resort for the times.
        videos: videos to load (default: every video that all encoders
            have and that is annotated, see :func:`select_videos`).
        stride, fps, offset: see :func:`regular_times`.
        max_videos: without ``videos``, keep the first ``max_videos`` of
            the common videos (all by default).

    Returns:
        ``(videos, data)`` with ``data[video][encoder] = (features T x C,
        times T)``; the times follow :func:`resolve_times`.
    """
    stores = {name: FeatureStore(path) for name, path in named_paths}
    chosen = select_videos(stores, annotations, videos)
    videos = chosen if videos or not max_videos else chosen[:max_videos]
    data = {}
    for video in videos:
        ann = find_annotation(video, annotations) if annotations else None
        duration = ann.get('duration') if ann else None
        data[video] = {}
        for enc, store in stores.items():
            feats, stored = load_video_features(store, video)
            try:
                times = resolve_times(len(feats), stored, duration, stride,
                                      fps, offset)
            except ValueError as err:
                raise ValueError(f'{enc} ({store.path}), video {video}: '
                                 f'{err}') from None
            data[video][enc] = (feats, times)
    return videos, data
