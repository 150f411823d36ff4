import numpy as np
from mmcv.transforms import BaseTransform

from tsptools.core.clip_plan import (clip_offsets, frame_at_time,
                                     frames_shown_at, is_constant_rate)
from tsptools.registry import TRANSFORMS


@TRANSFORMS.register_module()
class SampleClip(BaseTransform):
    """Choose the frames of one clip: ``clip_len`` frames, sampled by time at
    ``fps`` frames per second (the official TSP rule) or one every
    ``frame_interval`` source frames.

    With ``fps`` set, a clip starting at source frame ``f`` of a video at
    ``F`` frames per second holds the frames ``f + floor(j * F / fps)``,
    ``j < clip_len``, computed as the official code does
    (:func:`tsptools.core.clip_plan.clip_offsets`): at 30 fps and ``fps=15``
    every second frame, at 25 fps frames ``f + 0, 1, 3, 5, 6, ...``, at 60
    fps every fourth. A clip lasts ``clip_len / fps`` seconds whatever the
    source rate. With ``fps=None`` the clip holds ``f + j * frame_interval``.

    A video whose frame timestamps stray from ``i / F`` by more than half
    a frame (variable frame rate; checked once per video with decord's
    timestamps when ``fps`` is set) is sampled by time instead: the frames
    shown at ``clip_len`` instants ``1 / fps`` apart, starting at the frame
    shown at ``clip_start`` (or at a random / centred time).

    Its first frame ``f`` is:

    - the frame shown at ``clip_start`` seconds when the sample carries it
      (set by :class:`UntrimmedVideoDataset`),
      ``floor(clip_start * F + 1e-6)`` (the official reader starts at the
      last frame whose timestamp is not after the start), moved back if
      needed so that the clip ends inside the video;
    - otherwise uniformly random over the valid starts in training, or the
      centred start in test mode.

    Required keys: ``total_frames``, ``filename`` (for errors); ``fps``
    (the video's rate) when ``fps`` is set or ``clip_start`` is given;
    optional ``clip_start``.

    Added keys: ``frame_inds`` (``clip_len`` int64 indices), ``clip_len``,
    ``frame_interval`` (the step in source frames, rounded), ``num_clips``
    (1).

    Args:
        clip_len (int): frames per clip. Defaults to 16.
        frame_interval (int): source frames between sampled frames when
            ``fps`` is None. Defaults to 2.
        fps (float, optional): sample by time at this rate (the paper
            configs: 15). Defaults to None.
        test_mode (bool): centred instead of random start. Defaults to False.
        pad_short (bool): a video shorter than one clip raises a
            ``ValueError`` naming the file unless this is True, in which case
            the last frame is repeated. Defaults to False.
    """

    def __init__(self,
                 clip_len: int = 16,
                 frame_interval: int = 2,
                 fps=None,
                 test_mode: bool = False,
                 pad_short: bool = False) -> None:
        if clip_len < 1 or frame_interval < 1:
            raise ValueError('clip_len and frame_interval must be >= 1')
        if fps is not None and not float(fps) > 0:
            raise ValueError(f'fps must be None or positive, got {fps!r}')
        self.clip_len = clip_len
        self.frame_interval = frame_interval
        self.fps = None if fps is None else float(fps)
        self.test_mode = test_mode
        self.pad_short = pad_short
        self._rate_cache = {}

    def offsets(self, video_fps=None) -> np.ndarray:
        """Frames of a clip relative to its first frame."""
        if self.fps is not None and not video_fps:
            raise ValueError(f'SampleClip(fps={self.fps:g}) needs the '
                             "video's frame rate ('fps' of the sample)")
        return clip_offsets(self.clip_len, video_fps, self.fps,
                            self.frame_interval)

    def _variable_rate_timestamps(self, results: dict):
        """Start times of the frames of a variable-frame-rate video (None
        for a constant rate or without an opened decord reader)."""
        reader = results.get('video_reader')
        if self.fps is None or reader is None or \
                not hasattr(reader, 'get_frame_timestamp'):
            return None
        key = (results.get('filename'), int(results['total_frames']))
        if key not in self._rate_cache:
            stamps = reader.get_frame_timestamp(
                np.arange(int(results['total_frames'])))[:, 0]
            vfr = not is_constant_rate(stamps, float(results['fps']))
            if len(self._rate_cache) >= 256:  # bounded, per worker
                self._rate_cache.clear()
            self._rate_cache[key] = stamps if vfr else None
        return self._rate_cache[key]

    def transform(self, results: dict) -> dict:
        total = int(results['total_frames'])
        stamps = self._variable_rate_timestamps(results)
        if stamps is not None:
            return self._timed(results, stamps)
        offsets = self.offsets(results.get('fps'))
        span = int(offsets[-1]) + 1
        last_start = total - span
        if last_start < 0 and not self.pad_short:
            raise ValueError(
                f'Video shorter than one clip: {results.get("filename")} has '
                f'{total} frames, a clip of {self.clip_len} frames '
                f'{self._rate_text(results.get("fps"))} needs {span}')
        last_start = max(last_start, 0)
        if results.get('clip_start') is not None:
            start = frame_at_time(results['clip_start'], results['fps'])
            start = min(max(start, 0), last_start)
        elif self.test_mode:
            start = last_start // 2
        else:
            start = int(np.random.randint(0, last_start + 1))
        inds = start + offsets
        results['frame_inds'] = np.minimum(inds, total - 1).astype(np.int64)
        results['clip_len'] = self.clip_len
        results['frame_interval'] = self.frame_interval if self.fps is None \
            else max(1, int(round(float(results['fps']) / self.fps)))
        results['num_clips'] = 1
        return results

    def _timed(self, results: dict, stamps: np.ndarray) -> dict:
        """Variable frame rate: the frames shown at ``clip_len`` instants
        ``1 / fps`` apart from the start."""
        span = (self.clip_len - 1) / self.fps
        last = float(stamps[-1])
        if last - float(stamps[0]) < span - 1e-6 and not self.pad_short:
            raise ValueError(
                f'Video shorter than one clip: {results.get("filename")} '
                f'lasts {last - stamps[0]:.3f} s to its last frame, a clip of '
                f'{self.clip_len} frames at {self.fps:g} fps needs '
                f'{span:.3f} s')
        latest = max(float(stamps[0]), last - span)
        if results.get('clip_start') is not None:
            start = float(stamps[frames_shown_at(stamps,
                                                 results['clip_start'])])
        elif self.test_mode:
            start = (float(stamps[0]) + latest) / 2
        else:
            start = float(np.random.uniform(float(stamps[0]), latest))
        start = min(start, latest)
        times = start + np.arange(self.clip_len) / self.fps
        results['frame_inds'] = frames_shown_at(stamps, times)
        results['clip_len'] = self.clip_len
        results['frame_interval'] = max(
            1, int(round(float(results['fps']) / self.fps)))
        results['num_clips'] = 1
        return results

    def _rate_text(self, video_fps) -> str:
        if self.fps is None:
            return f'every {self.frame_interval} frames'
        return f'at {self.fps:g} fps from {float(video_fps):g} fps'

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(clip_len={self.clip_len}, '
                f'frame_interval={self.frame_interval}, fps={self.fps}, '
                f'test_mode={self.test_mode}, pad_short={self.pad_short})')
