"""Where the clips of a video are, and the settings that decide it.

Pure numpy, no decoding: these functions define the clip grid of
:mod:`tools/extract_features.py` (documented in
``docs/en/user_guides/feature_extraction.md``).

With ``N`` source frames at ``fps``, ``clip_len`` frames per clip taken every
``frame_interval`` (``fi``) source frames and clip starts every ``stride``
sampled frames:

* sampled frame ``i`` is source frame ``i * fi``; a sampled frame stands for
  the ``fi`` source frames ``[i * fi, (i + 1) * fi)``, so a video has
  ``N_s = floor(N / fi)`` complete sampled frames (for 30 fps videos and
  ``fi = 2`` this is the official TSP code's 15 fps frame count);
* clip ``k`` starts at sampled frame ``s_k = k * stride`` and holds the source
  frames ``(s_k + j) * fi``, ``j < clip_len``;
* ``tail='drop'`` (official): only complete clips,
  ``T = floor((N_s - clip_len) / stride) + 1``;
* ``tail='pad'``: one more clip at the next start ``s = T * stride`` when
  sampled frames remain after the last complete clip
  (``(T - 1) * stride + clip_len < N_s``) and ``s < N_s``; its missing
  frames repeat the last frame of the grid (source frame
  ``floor((N - 1) / fi) * fi``);
* a video shorter than one clip (``N_s < clip_len``) gives exactly one clip
  (``T = 1``), padded the same way, with status ``'short'``;
* the time of a clip is the centre of the source frames it covers, frame
  ``i`` covering ``[i / fps, (i + 1) / fps)``: with
  ``first = s * fi`` and ``end = min((s + clip_len) * fi, N)``, the centre is
  ``(first + end) / 2 / fps`` seconds. For complete clips this is
  ``(s + clip_len / 2) * fi / fps`` (OpenTAD's ``offset_frames =
  clip_len / 2``); for padded clips it is the centre of their real frames.
"""
from typing import Optional, Tuple

import numpy as np

#: Default extraction settings (the official TSP ones); a config may
#: override them with a top-level ``extract_cfg`` dict and the tools with
#: command-line flags.
DEFAULT_EXTRACT_CFG = dict(
    clip_len=16,
    frame_interval=2,
    stride=16,
    short_side=128,
    crop_size=112,
    batch_size=8,
    num_workers=1,
    tail='drop',
    resize_to=None)

#: Settings that change the features (the others only change the speed).
OUTPUT_KEYS = ('clip_len', 'frame_interval', 'stride', 'short_side',
               'crop_size', 'tail', 'resize_to')

TAIL_MODES = ('drop', 'pad')


def make_extract_cfg(extract_cfg: Optional[dict] = None,
                     **overrides) -> dict:
    """Settings from :data:`DEFAULT_EXTRACT_CFG`, then ``extract_cfg`` (a
    config's ``extract_cfg``), then ``overrides`` whose value is not None.

    Raises:
        KeyError: an unknown key (typos are not silently ignored).
        ValueError: an invalid value.
    """
    cfg = dict(DEFAULT_EXTRACT_CFG)
    for source, values in (('extract_cfg', extract_cfg or {}),
                           ('override', overrides)):
        for key, value in dict(values).items():
            if key not in DEFAULT_EXTRACT_CFG:
                raise KeyError(f'unknown {source} key {key!r}; known keys: '
                               f'{sorted(DEFAULT_EXTRACT_CFG)}')
            if value is not None or source == 'extract_cfg':
                cfg[key] = value
    for key in ('clip_len', 'frame_interval', 'stride', 'short_side',
                'crop_size', 'batch_size'):
        value = cfg[key]
        if isinstance(value, bool) or int(value) != value or value < 1:
            raise ValueError(f'{key} must be a positive integer, got '
                             f'{value!r}')
        cfg[key] = int(value)
    num_workers = cfg['num_workers']
    if isinstance(num_workers, bool) or int(num_workers) != num_workers \
            or num_workers < 0:
        raise ValueError('num_workers must be a non-negative integer, got '
                         f'{num_workers!r}')
    cfg['num_workers'] = int(num_workers)
    if cfg['tail'] not in TAIL_MODES:
        raise ValueError(f"tail must be one of {TAIL_MODES}, got "
                         f"{cfg['tail']!r}")
    if cfg['crop_size'] > cfg['short_side']:
        raise ValueError(f"crop_size ({cfg['crop_size']}) must not exceed "
                         f"short_side ({cfg['short_side']})")
    if cfg['resize_to'] is not None:
        value = cfg['resize_to']
        if isinstance(value, bool) or int(value) != value or value < 2:
            raise ValueError('resize_to must be None or an integer >= 2, '
                             f'got {value!r}')
        cfg['resize_to'] = int(value)
    return cfg


def num_sampled_frames(num_frames: int, frame_interval: int) -> int:
    """``N_s = floor(N / frame_interval)``: complete sampled frames."""
    return int(num_frames) // int(frame_interval)


def clip_starts(num_frames: int,
                clip_len: int = 16,
                frame_interval: int = 2,
                stride: int = 16,
                tail: str = 'drop') -> Tuple[np.ndarray, bool]:
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
    n_sampled = num_sampled_frames(num_frames, frame_interval)
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
              tail: str = 'drop') -> int:
    """``T``, the number of clips (see :func:`clip_starts`)."""
    return len(
        clip_starts(num_frames, clip_len, frame_interval, stride, tail)[0])


def clip_frame_indices(start: int, num_frames: int, clip_len: int = 16,
                       frame_interval: int = 2) -> np.ndarray:
    """Source frame indices of the clip that starts at sampled frame
    ``start``; frames past the end repeat the last frame of the grid."""
    last = ((int(num_frames) - 1) // frame_interval) * frame_interval
    indices = (int(start) + np.arange(clip_len, dtype=np.int64)) * \
        frame_interval
    return np.minimum(indices, last)


def clip_centre_times(starts: np.ndarray, num_frames: int, fps: float,
                      clip_len: int = 16,
                      frame_interval: int = 2) -> np.ndarray:
    """Centre (seconds) of the source frames each clip covers:
    ``(s * fi + min((s + clip_len) * fi, N)) / 2 / fps``."""
    starts = np.asarray(starts, dtype=np.int64)
    first = starts * frame_interval
    end = np.minimum((starts + clip_len) * frame_interval, int(num_frames))
    return (first + end).astype(np.float64) / 2.0 / float(fps)


def covered_frames(starts: np.ndarray, num_frames: int, clip_len: int = 16,
                   frame_interval: int = 2) -> int:
    """Source frames from the start of the video to the end of the last
    clip (mmaction2's ``feature_frame`` of BMN annotations)."""
    end = (int(np.max(starts)) + clip_len) * frame_interval
    return int(min(end, int(num_frames)))


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


def decode_size(height: int, width: int, short_side: int) -> Tuple[int, int]:
    """``(new_height, new_width)`` with the short side ``short_side`` and the
    aspect ratio kept (rounded half up, as mmaction2's ``Resize``)."""
    if height <= width:
        return short_side, int(width * short_side / height + 0.5)
    return int(height * short_side / width + 0.5), short_side


def centre_crop_box(height: int, width: int,
                    crop_size: int) -> Tuple[int, int]:
    """``(top, left)`` of the centre ``crop_size`` crop (mmaction2's
    ``CenterCrop``)."""
    return (height - crop_size) // 2, (width - crop_size) // 2


__all__ = [
    'DEFAULT_EXTRACT_CFG', 'OUTPUT_KEYS', 'TAIL_MODES', 'make_extract_cfg',
    'num_sampled_frames', 'clip_starts', 'num_clips', 'clip_frame_indices',
    'clip_centre_times', 'covered_frames', 'resize_features', 'decode_size',
    'centre_crop_box'
]
