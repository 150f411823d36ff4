"""Which source frames make each clip, and the clip grid of extraction.

Pure numpy, no decoding: these functions define how training samples clips
(:class:`~tsptools.datasets.transforms.SampleClip`) and the clip grid of
:mod:`tools/extract_features.py` (documented in
``docs/en/user_guides/feature_extraction.md``).

**Sampling.** A video of ``N`` source frames at ``fps`` is sampled with a
step of ``q`` source frames per sampled frame:

* time-based at a target rate (``target_fps``, the official TSP rule, 15 fps
  in the paper configs): ``q = fps / target_fps``; sampled frame ``i`` is
  source frame ``floor(i * q)``, computed as the official code does, in
  float32 (``torch.arange(n, dtype=float32) * q``, floored) when ``q`` is
  not an integer and as ``i * q`` when it is;
* by frame interval (``target_fps=None``): ``q = frame_interval``, whatever
  the source rate.

The sampled frames of a whole video (:func:`sampled_frames`) are
``arange(N)[::q]`` for an integer ``q`` (``ceil(N / q)`` frames, the official
``arange(N)[::2]`` at 30 fps) and otherwise ``floor(i * q)`` for
``i < int(N * target_fps / fps)``.

**Clips.** A clip starting at source frame ``f`` holds the frames
``f + offsets`` with ``offsets = floor(j * q)``, ``j < clip_len``
(:func:`clip_offsets`): the official code reads the frames of
``[t, t + clip_len / target_fps]`` seconds and resamples *them*, which for a
non-integer ``q`` is not the same as taking ``clip_len`` consecutive frames
of the global grid. A clip lasts ``clip_len * q / fps`` seconds
(:func:`clip_duration`; 16/15 s for TSP). A clip placed at ``t`` seconds
starts at the frame shown at ``t``, ``floor(t * fps + 1e-6)``
(:func:`frame_at_time`; the official reader returns the last frame whose
timestamp is not after ``t``).

**Variable frame rate.** These frame-index rules assume a constant rate,
as the official code does (it re-encodes every video to 30 fps first). For a
video whose frame timestamps stray from ``i / fps`` by more than half a
frame (:func:`is_constant_rate`), time-based sampling takes the frame shown
at each sampling instant instead (:func:`frames_shown_at`,
:func:`timed_clip_plan`).

**Extraction grid.** With ``N_s`` sampled frames and clip starts every
``stride`` sampled frames:

* clip ``k`` starts at sampled frame ``s_k = k * stride``, i.e. at source
  frame ``sampled[s_k]``;
* ``tail='drop'`` (official): only complete clips,
  ``T = floor((N_s - clip_len) / stride) + 1``;
* ``tail='pad'``: one more clip at the next start ``s = T * stride`` when
  sampled frames remain after the last complete clip
  (``(T - 1) * stride + clip_len < N_s``) and ``s < N_s``; frames past the
  last sampled frame repeat it;
* a video shorter than one clip (``N_s < clip_len``) gives exactly one clip
  (``T = 1``), padded the same way, with status ``'short'``;
* the time of a clip is the centre of the source frames it covers, frame
  ``i`` covering ``[i / fps, (i + 1) / fps)``: with ``first = sampled[s]``
  and ``end = min(first + clip_len * q, N)``, the centre is
  ``(first + end) / 2 / fps`` seconds. For complete clips of an integer
  step this is ``(s + clip_len / 2) * q / fps`` (OpenTAD's
  ``offset_frames = clip_len / 2``); for padded clips it is the centre of
  their real frames.
"""
from typing import Optional, Sequence, Tuple, Union

import numpy as np

#: Default extraction settings: the official TSP extractor (16 frames at
#: 15 fps resampled by time, a clip every 16 sampled frames, the fixed
#: 128x171 float bilinear resize and the official centre crop 112). A
#: config may override them with a top-level ``extract_cfg`` dict and the
#: tools with command-line flags.
DEFAULT_EXTRACT_CFG = dict(
    clip_len=16,
    fps=15,
    frame_interval=2,
    stride=16,
    resize=(128, 171),
    short_side=None,
    resize_backend='official',
    crop_size=112,
    batch_size=8,
    num_workers=1,
    tail='drop',
    resize_to=None)

#: Settings that change the features (the others only change the speed).
OUTPUT_KEYS = ('clip_len', 'fps', 'frame_interval', 'stride', 'resize',
               'short_side', 'resize_backend', 'crop_size', 'tail',
               'resize_to')

TAIL_MODES = ('drop', 'pad')

#: ``'official'``: decode at full size, then the official float bilinear
#: resize (:func:`~tsptools.core.clip_preprocess.resize_frames`);
#: ``'decoder'``: let decord scale while decoding (faster, antialiased: not
#: the official pixels, see the feature extraction guide).
RESIZE_BACKENDS = ('official', 'decoder')

# ``(key, other, value)``: a layer that sets ``key`` but not ``other`` sets
# ``other`` to ``value``: ``short_side`` (decoded by decord, aspect ratio
# kept) turns the fixed ``resize`` off and vice versa; ``frame_interval``
# alone turns the time-based ``fps`` off.
_EXCLUSIVE = (('short_side', 'resize', None),
              ('short_side', 'resize_backend', 'decoder'),
              ('resize', 'short_side', None), ('frame_interval', 'fps', None))


def _positive_int(key: str, value) -> int:
    if isinstance(value, bool) or int(value) != value or value < 1:
        raise ValueError(f'{key} must be a positive integer, got {value!r}')
    return int(value)


def _positive_number(key: str, value) -> float:
    if isinstance(value, bool) or not float(value) > 0:
        raise ValueError(f'{key} must be a positive number, got {value!r}')
    return float(value)


def make_extract_cfg(extract_cfg: Optional[dict] = None,
                     **overrides) -> dict:
    """Settings from :data:`DEFAULT_EXTRACT_CFG`, then ``extract_cfg`` (a
    config's ``extract_cfg``), then ``overrides`` whose value is not None.

    A layer that sets ``short_side`` (keep the aspect ratio) without
    ``resize`` turns the fixed ``resize`` of the layers below off (and, without
    ``resize_backend``, selects ``'decoder'``), and the other way round; a
    layer that sets ``frame_interval`` without ``fps`` turns the time-based
    ``fps`` off.

    Raises:
        KeyError: an unknown key (typos are not silently ignored).
        ValueError: an invalid value.
    """
    cfg = dict(DEFAULT_EXTRACT_CFG)
    for source, values in (('extract_cfg', extract_cfg or {}),
                           ('override', overrides)):
        values = {k: v for k, v in dict(values).items()
                  if v is not None or source == 'extract_cfg'}
        for key in values:
            if key not in DEFAULT_EXTRACT_CFG:
                raise KeyError(f'unknown {source} key {key!r}; known keys: '
                               f'{sorted(DEFAULT_EXTRACT_CFG)}')
        for key, other, value in _EXCLUSIVE:
            if values.get(key) is not None and other not in values:
                cfg[other] = value
        cfg.update(values)
    for key in ('clip_len', 'frame_interval', 'stride', 'crop_size',
                'batch_size'):
        cfg[key] = _positive_int(key, cfg[key])
    if cfg['fps'] is not None:
        cfg['fps'] = _positive_number('fps', cfg['fps'])
    num_workers = cfg['num_workers']
    if isinstance(num_workers, bool) or int(num_workers) != num_workers \
            or num_workers < 0:
        raise ValueError('num_workers must be a non-negative integer, got '
                         f'{num_workers!r}')
    cfg['num_workers'] = int(num_workers)
    if cfg['tail'] not in TAIL_MODES:
        raise ValueError(f"tail must be one of {TAIL_MODES}, got "
                         f"{cfg['tail']!r}")
    if cfg['resize_backend'] not in RESIZE_BACKENDS:
        raise ValueError(f'resize_backend must be one of {RESIZE_BACKENDS}, '
                         f"got {cfg['resize_backend']!r}")
    if (cfg['resize'] is None) == (cfg['short_side'] is None):
        raise ValueError('give exactly one of resize (a fixed (height, '
                         'width)) and short_side (aspect ratio kept), got '
                         f"resize={cfg['resize']!r}, "
                         f"short_side={cfg['short_side']!r}")
    if cfg['resize'] is not None:
        size = tuple(cfg['resize'])
        if len(size) != 2:
            raise ValueError('resize must be (height, width), got '
                             f"{cfg['resize']!r}")
        cfg['resize'] = tuple(_positive_int('resize', v) for v in size)
        smallest = min(cfg['resize'])
    else:
        cfg['short_side'] = _positive_int('short_side', cfg['short_side'])
        if cfg['resize_backend'] != 'decoder':
            raise ValueError("short_side (aspect ratio kept) is decoded by "
                             "decord: it needs resize_backend='decoder'")
        smallest = cfg['short_side']
    if cfg['crop_size'] > smallest:
        raise ValueError(f"crop_size ({cfg['crop_size']}) must not exceed "
                         f'the resized frame ({smallest})')
    if cfg['resize_to'] is not None:
        value = cfg['resize_to']
        if isinstance(value, bool) or int(value) != value or value < 2:
            raise ValueError('resize_to must be None or an integer >= 2, '
                             f'got {value!r}')
        cfg['resize_to'] = int(value)
    return cfg


# ----------------------------------------------------------------------------
# Sampling
# ----------------------------------------------------------------------------


def sampling_step(fps: Optional[float] = None,
                  target_fps: Optional[float] = None,
                  frame_interval: int = 2) -> float:
    """Source frames per sampled frame: ``fps / target_fps``, or
    ``frame_interval`` when ``target_fps`` is None."""
    if target_fps is None:
        return float(frame_interval)
    if fps is None or not float(fps) > 0:
        raise ValueError(f'time-based sampling at {target_fps} fps needs the '
                         f'source frame rate, got {fps!r}')
    return float(fps) / float(target_fps)


def resampled_indices(count: int, step: float) -> np.ndarray:
    """The official ``_resample_video_idx``: ``i * step`` for ``i < count``,
    floored; in float32 (as ``torch.arange(count, dtype=float32) * step``)
    unless ``step`` is an integer."""
    if float(step).is_integer():
        return np.arange(int(count), dtype=np.int64) * int(step)
    products = np.arange(int(count), dtype=np.float32) * np.float32(step)
    return np.floor(products).astype(np.int64)


def sampled_frames(num_frames: int, fps: Optional[float] = None,
                   target_fps: Optional[float] = None,
                   frame_interval: int = 2) -> np.ndarray:
    """Source frame of every sampled frame of a video (see the module
    docstring): ``arange(N)[::q]`` for an integer step ``q``, else
    ``floor(i * q)`` for ``i < int(N * target_fps / fps)``."""
    step = sampling_step(fps, target_fps, frame_interval)
    if step.is_integer():
        return np.arange(0, int(num_frames), int(step), dtype=np.int64)
    count = int(num_frames * (float(target_fps) / float(fps)))
    return resampled_indices(count, step)


def clip_offsets(clip_len: int = 16, fps: Optional[float] = None,
                 target_fps: Optional[float] = None,
                 frame_interval: int = 2) -> np.ndarray:
    """Frames of a clip relative to its first frame: ``floor(j * q)``."""
    return resampled_indices(
        clip_len, sampling_step(fps, target_fps, frame_interval))


def clip_duration(clip_len: int = 16, frame_interval: int = 2,
                  fps: Optional[float] = None,
                  target_fps: Optional[float] = None) -> float:
    """Seconds a clip lasts: ``clip_len * q / fps`` (``clip_len /
    target_fps`` for time-based sampling; 16/15 s for TSP)."""
    if target_fps is not None:
        return clip_len / float(target_fps)
    return clip_len * frame_interval / float(fps)


def frame_at_time(seconds: float, fps: float) -> int:
    """Index of the frame shown at ``seconds``: ``floor(t * fps + 1e-6)``
    (a start exactly on a frame's timestamp is that frame)."""
    return int(np.floor(float(seconds) * float(fps) + 1e-6))


# ----------------------------------------------------------------------------
# Extraction grid
# ----------------------------------------------------------------------------


def num_sampled_frames(num_frames: int, frame_interval: int = 2,
                       fps: Optional[float] = None,
                       target_fps: Optional[float] = None) -> int:
    """``N_s``, the number of sampled frames (:func:`sampled_frames`)."""
    return len(sampled_frames(num_frames, fps, target_fps, frame_interval))


def clip_starts(num_frames: int,
                clip_len: int = 16,
                frame_interval: int = 2,
                stride: int = 16,
                tail: str = 'drop',
                fps: Optional[float] = None,
                target_fps: Optional[float] = None
                ) -> Tuple[np.ndarray, bool]:
    """Start (in sampled frames) of every clip of a video.

    Returns:
        ``(starts, short)``: int64 array of the ``T`` clip starts, and
        whether the video is shorter than one clip (then ``starts == [0]``).
    """
    if tail not in TAIL_MODES:
        raise ValueError(f'tail must be one of {TAIL_MODES}, got {tail!r}')
    if num_frames < 1:
        raise ValueError(f'a video needs at least one frame, got '
                         f'{num_frames}')
    return _starts(num_sampled_frames(num_frames, frame_interval, fps,
                                      target_fps), clip_len, stride, tail)


def _starts(n_sampled: int, clip_len: int, stride: int,
            tail: str) -> Tuple[np.ndarray, bool]:
    """Clip starts over ``n_sampled`` sampled frames (:func:`clip_starts`)."""
    if n_sampled < clip_len:
        return np.zeros(1, dtype=np.int64), True
    num_full = (n_sampled - clip_len) // stride + 1
    starts = np.arange(num_full, dtype=np.int64) * stride
    # 'pad': sampled frames remain after the last complete clip, and the
    # next start on the grid is inside the video
    last_end = (num_full - 1) * stride + clip_len
    if tail == 'pad' and last_end < n_sampled and \
            num_full * stride < n_sampled:
        starts = np.append(starts, num_full * stride)
    return starts, False


def num_clips(num_frames: int,
              clip_len: int = 16,
              frame_interval: int = 2,
              stride: int = 16,
              tail: str = 'drop',
              fps: Optional[float] = None,
              target_fps: Optional[float] = None) -> int:
    """``T``, the number of clips (see :func:`clip_starts`)."""
    return len(clip_starts(num_frames, clip_len, frame_interval, stride, tail,
                           fps, target_fps)[0])


def clip_frame_indices(starts: Union[int, Sequence[int], np.ndarray],
                       num_frames: int, clip_len: int = 16,
                       frame_interval: int = 2,
                       fps: Optional[float] = None,
                       target_fps: Optional[float] = None) -> np.ndarray:
    """Source frame indices of the clips that start at the sampled frames
    ``starts``: ``sampled[s] + offsets``; frames past the last sampled frame
    repeat it.

    Returns ``clip_len`` indices for a scalar start, ``T x clip_len`` for an
    array of starts.
    """
    grid = sampled_frames(num_frames, fps, target_fps, frame_interval)
    scalar = np.ndim(starts) == 0
    starts = np.atleast_1d(np.asarray(starts, dtype=np.int64))
    offsets = clip_offsets(clip_len, fps, target_fps, frame_interval)
    # a padded clip may start past the grid: its frames all repeat the last
    first = grid[np.minimum(starts, len(grid) - 1)]
    indices = np.minimum(first[:, None] + offsets[None, :], grid[-1])
    return indices[0] if scalar else indices


def clip_centre_times(starts: np.ndarray, num_frames: int, fps: float,
                      clip_len: int = 16,
                      frame_interval: int = 2,
                      target_fps: Optional[float] = None) -> np.ndarray:
    """Centre (seconds) of the source frames each clip covers:
    ``(first + min(first + clip_len * q, N)) / 2 / fps``."""
    grid = sampled_frames(num_frames, fps, target_fps, frame_interval)
    step = sampling_step(fps, target_fps, frame_interval)
    first = grid[np.asarray(starts, dtype=np.int64)].astype(np.float64)
    end = np.minimum(first + clip_len * step, float(num_frames))
    return (first + end) / 2.0 / float(fps)


def covered_frames(starts: np.ndarray, num_frames: int, clip_len: int = 16,
                   frame_interval: int = 2,
                   fps: Optional[float] = None,
                   target_fps: Optional[float] = None) -> int:
    """Source frames from the start of the video to the end of the last
    clip (mmaction2's ``feature_frame`` of BMN annotations)."""
    grid = sampled_frames(num_frames, fps, target_fps, frame_interval)
    step = sampling_step(fps, target_fps, frame_interval)
    end = grid[int(np.max(starts))] + clip_len * step
    return int(min(int(np.ceil(end - 1e-9)), int(num_frames)))


# ----------------------------------------------------------------------------
# Variable frame rate
# ----------------------------------------------------------------------------


def is_constant_rate(timestamps: np.ndarray, fps: float,
                     tolerance: float = 0.5) -> bool:
    """Whether frame ``i`` starts at ``timestamps[0] + i / fps`` within
    ``tolerance`` frames for every frame (a constant-rate video)."""
    timestamps = np.asarray(timestamps, dtype=np.float64)
    expected = timestamps[0] + np.arange(len(timestamps)) / float(fps)
    return bool(np.all(np.abs(timestamps - expected) <= tolerance / fps))


def frames_shown_at(timestamps: np.ndarray,
                    times: Union[float, np.ndarray]) -> np.ndarray:
    """Index of the frame shown at each of ``times`` (seconds): the last
    frame whose start timestamp is not after it (1e-6 s of tolerance)."""
    timestamps = np.asarray(timestamps, dtype=np.float64)
    index = np.searchsorted(timestamps, np.asarray(times, np.float64) + 1e-6,
                            side='right') - 1
    return np.clip(index, 0, len(timestamps) - 1).astype(np.int64)


def timed_clip_plan(timestamps: np.ndarray, duration: float,
                    clip_len: int = 16, target_fps: float = 15,
                    stride: int = 16, tail: str = 'drop') -> dict:
    """The extraction grid of a variable-frame-rate video, by time: sampled
    frame ``i`` is the frame shown at ``timestamps[0] + i / target_fps``
    (``i < int(duration * target_fps)``); clip ``k`` starts at sampled frame
    ``s_k`` (the tail rules of :func:`clip_starts`) and, as the official
    reader does from a clip's start, holds the frames shown at the
    timestamp of that first frame plus ``j / target_fps``. On a
    constant-rate video these are the official frames up to float
    rounding; :func:`clip_frame_indices` is the exact official rule
    there.

    Returns:
        dict of ``starts``, ``short``, ``frames`` (``T x clip_len``),
        ``clip_times`` (centres, s) and ``feature_frame``.
    """
    timestamps = np.asarray(timestamps, dtype=np.float64)
    count = max(1, int(float(duration) * float(target_fps) + 1e-6))
    times = timestamps[0] + np.arange(count) / float(target_fps)
    grid = frames_shown_at(timestamps, times)
    starts, short = _starts(count, clip_len, stride, tail)
    # as the official reader: from the clip's first frame, at its timestamp
    start_times = timestamps[grid[np.minimum(starts, count - 1)]]
    frames = frames_shown_at(
        timestamps,
        start_times[:, None] + np.arange(clip_len) / float(target_fps))
    end_times = np.minimum(start_times + clip_len / float(target_fps),
                           timestamps[0] + float(duration))
    last = frames_shown_at(timestamps, end_times[-1] - 1e-6)
    return dict(starts=starts, short=short, frames=frames,
                clip_times=(start_times + end_times) / 2.0,
                feature_frame=int(last) + 1)


def resize_features(features: np.ndarray, length: int) -> np.ndarray:
    """Rescale ``T x C`` features (or a length-``T`` vector) to ``length``
    steps along time by linear interpolation.

    Output step ``i`` samples the input at position
    ``x_i = i * (T - 1) / (length - 1)`` (the first and last steps fall on
    the first and last inputs; ``align_corners=True`` in PyTorch terms,
    ``scipy.interpolate.interp1d`` on ``linspace(0, T - 1, length)``):
    ``(1 - w) * F[floor(x)] + w * F[floor(x) + 1]`` with
    ``w = x - floor(x)``. A single input step is repeated.
    """
    features = np.asarray(features)
    vector = features.ndim == 1
    values = features[:, None] if vector else features
    num = values.shape[0]
    if num < 1:
        raise ValueError('cannot resize an empty feature sequence')
    if length < 1:
        raise ValueError(f'length must be positive, got {length}')
    if num == 1 or length == 1:
        out = np.repeat(values[:1], length, axis=0)
    else:
        positions = np.linspace(0.0, num - 1.0, length)
        left = np.minimum(np.floor(positions).astype(np.int64), num - 2)
        weight = (positions - left)[:, None]
        out = (1.0 - weight) * values[left] + weight * values[left + 1]
    out = out.astype(features.dtype if np.issubdtype(
        features.dtype, np.floating) else np.float64, copy=False)
    return out[:, 0] if vector else out





def grid_clip_times(settings: dict, fps: float, num_clips: int,
                    num_frames: Optional[int] = None) -> np.ndarray:
    """Clip-centre times (s) of the first ``num_clips`` clips of the
    extraction grid that ``settings`` (a features manifest's ``settings``:
    ``clip_len``, ``fps`` (the target rate, absent in manifests written
    before time-based sampling), ``frame_interval``, ``stride``) defines, for
    a video at ``fps`` with ``num_frames`` frames (unknown: no end cap)."""
    clip_len = int(settings.get('clip_len', 16))
    stride = int(settings.get('stride', 16))
    grid = dict(clip_len=clip_len,
                frame_interval=int(settings.get('frame_interval', 2)),
                target_fps=settings.get('fps'))
    starts = np.arange(int(num_clips), dtype=np.int64) * stride
    step = sampling_step(fps, grid['target_fps'], grid['frame_interval'])
    if num_frames is None:  # long enough for every clip, no cap
        num_frames = int(np.ceil((starts[-1] + clip_len + 1) * step)) + 1 \
            if len(starts) else 1
    return clip_centre_times(starts, int(num_frames), fps, **grid)



def time_grid(settings: dict) -> dict:
    """Where the features of the extraction grid of ``settings`` (an
    ``extract_cfg`` or a manifest's ``settings``) sit in time, in the terms
    of the localization toolboxes' loaders: feature ``i`` is centred at
    ``(i * feat_stride + offset_frames) / default_fps`` seconds
    (ActionFormer: ``offset_frames = num_frames / 2``; OpenTAD:
    ``feature_stride``, ``offset_frames``, ``fps``).

    With time-based sampling the grid is counted in sampled frames at the
    target rate (``default_fps=15``, ``feat_stride=stride``,
    ``num_frames=clip_len``) whatever the source rate (within one source
    frame of the clip times when the rate is not a multiple of the target);
    with ``frame_interval`` in source frames (``default_fps=None``: each
    video's own rate). Features rescaled to ``resize_to`` steps have no
    fixed stride (``fixed_length=resize_to``, ``feat_stride=None``).
    Complete clips only: a padded last clip (``tail='pad'``) and the single
    clip of a video shorter than one clip are centred on their real frames
    instead.
    """
    clip_len = int(settings.get('clip_len', 16))
    stride = int(settings.get('stride', 16))
    target = settings.get('fps')
    step = 1 if target is not None else int(settings.get('frame_interval',
                                                         2))
    grid = dict(
        default_fps=None if target is None else float(target),
        unit=('sampled frames at default_fps' if target is not None else
              "source frames at each video's fps"),
        feat_stride=stride * step, num_frames=clip_len * step,
        offset_frames=clip_len * step / 2.0, fixed_length=None)
    if settings.get('resize_to'):
        grid.update(feat_stride=None, fixed_length=int(settings['resize_to']))
    return grid

__all__ = [
    'DEFAULT_EXTRACT_CFG', 'OUTPUT_KEYS', 'TAIL_MODES', 'RESIZE_BACKENDS',
    'make_extract_cfg', 'sampling_step', 'resampled_indices',
    'sampled_frames', 'clip_offsets', 'clip_duration', 'frame_at_time',
    'num_sampled_frames', 'clip_starts', 'num_clips', 'clip_frame_indices',
    'clip_centre_times', 'covered_frames', 'is_constant_rate',
    'frames_shown_at', 'timed_clip_plan', 'resize_features',
    'grid_clip_times', 'time_grid'
]
