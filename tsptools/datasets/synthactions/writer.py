"""Writing H.264 ``.mp4`` files with PyAV.

The videos that tsptools makes (the SynthActions benchmark, test fixtures) are
written here so that every one of them is readable by decord:

* codec libx264, constant frame rate (default 30 fps), ``pix_fmt='yuv420p'``;
* libx264 refuses odd widths or heights in yuv420p, so sizes must be even
  (:class:`VideoWriter` raises a ``ValueError`` that names the file);
* ``yuv444p`` (any size) is accepted too; decord 0.6 decodes it, but fewer
  players and hardware decoders do, so it is not the default.

Example:
    >>> frames = np.zeros((60, 64, 86, 3), np.uint8)  # 2 s at 30 fps
    >>> write_video('clip.mp4', frames)
    60
"""
import os
import os.path as osp
from typing import Iterable, Optional, Union

import av
import numpy as np

DEFAULT_FPS = 30


class VideoWriter:
    """Stream RGB frames into an H.264 mp4 file.

    Args:
        path: output file. Its container is mp4 whatever its extension, so
            that a temporary name (``.x.mp4.part``) can be used.
        width, height: frame size in pixels (even for ``yuv420p``).
        fps: constant frame rate (an integer).
        crf: libx264 constant rate factor (0 = lossless, 18 = visually
            lossless, 23 = libx264's default).
        preset: libx264 speed preset.
        pix_fmt: ``'yuv420p'`` (default) or ``'yuv444p'``.
        threads: libx264 threads; 1 keeps one video per core when several
            processes encode at once.
        options: more libx264 options (strings), e.g. ``dict(g='16')`` for
            a keyframe every 16 frames; they override the ones above.

    Frames are ``H x W x 3`` uint8 RGB arrays. Use as a context manager; the
    file is complete only after :meth:`close`.
    """

    def __init__(self,
                 path: str,
                 width: int,
                 height: int,
                 fps: int = DEFAULT_FPS,
                 crf: int = 18,
                 preset: str = 'ultrafast',
                 pix_fmt: str = 'yuv420p',
                 threads: int = 1,
                 options: Optional[dict] = None) -> None:
        if pix_fmt not in ('yuv420p', 'yuv444p'):
            raise ValueError(f'{path}: pix_fmt must be yuv420p or yuv444p, '
                             f'got {pix_fmt!r}')
        if pix_fmt == 'yuv420p' and (width % 2 or height % 2):
            raise ValueError(
                f'{path}: libx264 needs an even width and height in yuv420p, '
                f'got {width}x{height} (use an even size or yuv444p)')
        if int(fps) != fps or fps <= 0:
            raise ValueError(f'{path}: fps must be a positive integer, '
                             f'got {fps}')
        self.path = path
        self.width, self.height = int(width), int(height)
        self.num_frames = 0
        self._container = av.open(path, mode='w', format='mp4')
        self._stream = self._container.add_stream('libx264', rate=int(fps))
        self._stream.width = self.width
        self._stream.height = self.height
        self._stream.pix_fmt = pix_fmt
        self._stream.options = {
            'crf': str(crf),
            'preset': preset,
            'threads': str(threads),
            **{str(k): str(v) for k, v in (options or {}).items()},
        }

    def write(self, frame: np.ndarray) -> None:
        """Append one ``H x W x 3`` uint8 RGB frame."""
        if frame.shape != (self.height, self.width, 3) or \
                frame.dtype != np.uint8:
            raise ValueError(
                f'{self.path}: expected a {self.height}x{self.width}x3 uint8 '
                f'frame, got {frame.shape} {frame.dtype}')
        video_frame = av.VideoFrame.from_ndarray(
            np.ascontiguousarray(frame), format='rgb24')
        for packet in self._stream.encode(video_frame):
            self._container.mux(packet)
        self.num_frames += 1

    def close(self) -> None:
        """Flush the encoder and close the file."""
        if self._container is None:
            return
        for packet in self._stream.encode():
            self._container.mux(packet)
        self._container.close()
        self._container = None

    def __enter__(self) -> 'VideoWriter':
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        self.close()


def write_video(path: str,
                frames: Union[np.ndarray, Iterable[np.ndarray]],
                fps: int = DEFAULT_FPS,
                crf: int = 18,
                pix_fmt: str = 'yuv420p',
                preset: str = 'ultrafast',
                options: Optional[dict] = None) -> int:
    """Write RGB uint8 frames (``T x H x W x 3`` or an iterable of
    ``H x W x 3``) to an H.264 mp4 at a constant ``fps``; ``options`` are
    more libx264 options, as in :class:`VideoWriter`.

    The file is written under a temporary name and moved into place once
    complete, so ``path`` never holds a partial video.

    Returns:
        The number of frames written.
    """
    frames = iter(frames)
    first = next(frames, None)
    if first is None:
        raise ValueError(f'{path}: no frames to write')
    tmp_path = partial_path(path)
    height, width = first.shape[:2]
    try:
        with VideoWriter(tmp_path, width, height, fps=fps, crf=crf,
                         pix_fmt=pix_fmt, preset=preset,
                         options=options) as writer:
            writer.write(first)
            for frame in frames:
                writer.write(frame)
        os.replace(tmp_path, path)
    finally:
        if osp.exists(tmp_path):
            os.remove(tmp_path)
    return writer.num_frames


def partial_path(path: str) -> str:
    """The temporary name a video is written under before ``os.replace``."""
    folder, name = osp.split(path)
    return osp.join(folder, f'.{name}.part')


def count_frames(path: str) -> Optional[int]:
    """Frame count from the mp4 header (no decoding), or ``None`` when the
    file cannot be opened or has no video stream."""
    try:
        with av.open(path) as container:
            if not container.streams.video:
                return None
            return int(container.streams.video[0].frames)
    except (av.error.FFmpegError, OSError):
        return None
