import numpy as np
from mmcv.transforms import BaseTransform

from tsptools.registry import TRANSFORMS


@TRANSFORMS.register_module()
class SampleClip(BaseTransform):
    """Choose the frames of one clip: ``clip_len`` frames, one every
    ``frame_interval`` source frames.

    The clip spans ``(clip_len - 1) * frame_interval + 1`` source frames. Its
    first frame is:

    - ``round(clip_start * fps)`` when the sample carries ``clip_start``
      (seconds; set by :class:`UntrimmedVideoDataset`), moved back if needed so
      that the clip ends inside the video;
    - otherwise uniformly random over the valid starts in training, or the
      centred start in test mode.

    Required keys: ``total_frames``, ``filename`` (for errors); optional
    ``clip_start`` and ``fps``.

    Added keys: ``frame_inds`` (``clip_len`` int64 indices), ``clip_len``,
    ``frame_interval``, ``num_clips`` (1).

    Args:
        clip_len (int): frames per clip. Defaults to 16.
        frame_interval (int): source frames between sampled frames.
            Defaults to 2.
        test_mode (bool): centred instead of random start. Defaults to False.
        pad_short (bool): a video shorter than one clip raises a
            ``ValueError`` naming the file unless this is True, in which case
            the last frame is repeated. Defaults to False.
    """

    def __init__(self,
                 clip_len: int = 16,
                 frame_interval: int = 2,
                 test_mode: bool = False,
                 pad_short: bool = False) -> None:
        if clip_len < 1 or frame_interval < 1:
            raise ValueError('clip_len and frame_interval must be >= 1')
        self.clip_len = clip_len
        self.frame_interval = frame_interval
        self.test_mode = test_mode
        self.pad_short = pad_short

    @property
    def span(self) -> int:
        """Number of source frames a clip covers."""
        return (self.clip_len - 1) * self.frame_interval + 1

    def transform(self, results: dict) -> dict:
        total = int(results['total_frames'])
        last_start = total - self.span
        if last_start < 0 and not self.pad_short:
            raise ValueError(
                f'Video shorter than one clip: {results.get("filename")} has '
                f'{total} frames, a clip of {self.clip_len}x'
                f'{self.frame_interval} needs {self.span}')
        last_start = max(last_start, 0)
        if results.get('clip_start') is not None:
            start = int(round(float(results['clip_start']) * results['fps']))
            start = min(max(start, 0), last_start)
        elif self.test_mode:
            start = last_start // 2
        else:
            start = int(np.random.randint(0, last_start + 1))
        inds = start + np.arange(self.clip_len) * self.frame_interval
        results['frame_inds'] = np.minimum(inds, total - 1).astype(np.int64)
        results['clip_len'] = self.clip_len
        results['frame_interval'] = self.frame_interval
        results['num_clips'] = 1
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(clip_len={self.clip_len}, '
                f'frame_interval={self.frame_interval}, '
                f'test_mode={self.test_mode}, pad_short={self.pad_short})')
