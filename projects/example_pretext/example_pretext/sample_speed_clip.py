import zlib
from typing import Sequence

import numpy as np
from mmcv.transforms import BaseTransform

from tsptools.registry import TRANSFORMS


@TRANSFORMS.register_module()
class SampleSpeedClip(BaseTransform):
    """Choose the frames of one clip played at a random speed, and label the
    speed.

    A clip of speed ``s`` takes ``clip_len`` frames, one every
    ``frame_interval * s`` source frames, so it spans
    ``(clip_len - 1) * frame_interval * s + 1`` source frames. Only the
    speeds whose span fits in the video are drawn (uniformly); a video too
    short for the slowest speed is an error naming the file.

    - Training: random speed, random start.
    - ``test_mode``: the speed is drawn from a generator seeded by the file
      name and ``seed`` (the same for a video in every epoch and process),
      centred start.

    Required keys: ``total_frames``, ``filename``.

    Added keys: ``frame_inds`` (``clip_len`` int64 indices), ``clip_len``,
    ``frame_interval`` (``frame_interval * s``), ``num_clips`` (1),
    ``speed`` (``s``) and ``speed_label`` (index of ``s`` in ``speeds``).

    Args:
        clip_len (int): frames per clip. Defaults to 16.
        frame_interval (int): source frames between sampled frames at speed
            1. Defaults to 2.
        speeds (Sequence[int]): playback speeds, the classes in this order.
            Defaults to ``(1, 2, 4, 8)``.
        test_mode (bool): deterministic speed and centred start. Defaults to
            False.
        seed (int): seed of the test-mode speeds. Defaults to 0.
    """

    def __init__(self,
                 clip_len: int = 16,
                 frame_interval: int = 2,
                 speeds: Sequence[int] = (1, 2, 4, 8),
                 test_mode: bool = False,
                 seed: int = 0) -> None:
        if clip_len < 1 or frame_interval < 1:
            raise ValueError('clip_len and frame_interval must be >= 1')
        if not speeds or any(int(s) < 1 for s in speeds):
            raise ValueError(f'speeds must be positive integers, got '
                             f'{speeds}')
        self.clip_len = clip_len
        self.frame_interval = frame_interval
        self.speeds = tuple(int(s) for s in speeds)
        self.test_mode = test_mode
        self.seed = seed

    def span(self, speed: int) -> int:
        """Source frames a clip of ``speed`` covers."""
        return (self.clip_len - 1) * self.frame_interval * speed + 1

    def transform(self, results: dict) -> dict:
        total = int(results['total_frames'])
        fitting = [i for i, s in enumerate(self.speeds)
                   if self.span(s) <= total]
        if not fitting:
            raise ValueError(
                f'Video shorter than one clip: {results.get("filename")} has '
                f'{total} frames, a {self.clip_len}x{self.frame_interval} '
                f'clip at speed {min(self.speeds)} needs '
                f'{self.span(min(self.speeds))}')
        if self.test_mode:
            key = zlib.crc32(str(results.get('filename')).encode())
            rng = np.random.default_rng([self.seed, key])
            label = fitting[int(rng.integers(len(fitting)))]
        else:
            label = fitting[np.random.randint(len(fitting))]
        speed = self.speeds[label]
        last_start = total - self.span(speed)
        start = last_start // 2 if self.test_mode else \
            int(np.random.randint(0, last_start + 1))
        step = self.frame_interval * speed
        results['frame_inds'] = (start + np.arange(self.clip_len) *
                                 step).astype(np.int64)
        results['clip_len'] = self.clip_len
        results['frame_interval'] = step
        results['num_clips'] = 1
        results['speed'] = speed
        results['speed_label'] = label
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(clip_len={self.clip_len}, '
                f'frame_interval={self.frame_interval}, '
                f'speeds={self.speeds}, test_mode={self.test_mode}, '
                f'seed={self.seed})')
