"""Random access to constant-frame-rate videos with PyAV, for the prepared
videos of ``tools/data/prepare_videos.py``.

decord indexes every packet of a file when it opens it and restarts its
decoding thread at every seek: on a prepared 172 x 128 video that costs
more than decoding the clip (``benchmarks/train_input.py``). PyAV opens
from the mp4 header alone and seeks straight to the keyframe before a clip,
so a clip costs little more than decoding its frames. The frames are the
same as decord's (both convert with FFmpeg's swscale to RGB24).
"""
import os
import os.path as osp
from fractions import Fraction
from typing import List, Optional, Sequence

import numpy as np

from tsptools.registry import TRANSFORMS
from .decord_open import DecordOpen


class PyAVReader:
    """Frames of a constant-frame-rate video by index, read with PyAV.

    Frame ``i`` is the one whose timestamp is ``start + i / fps``; a
    decoded frame whose timestamp is not on that grid (variable frame rate,
    missing frames) raises a ``RuntimeError`` naming the file, as does a
    file that cannot be opened.

    Args:
        filename: the video.
        num_threads: FFmpeg decoding threads.
        size: ``(height, width)`` to scale the frames to while converting
            them to RGB (FFmpeg's bilinear scaler); None keeps the file's
            size.
    """

    def __init__(self, filename: str, num_threads: int = 1,
                 size: Optional[Sequence[int]] = None) -> None:
        import av
        if not osp.isfile(filename):
            raise FileNotFoundError(f'Video not found: {filename}')
        if os.path.getsize(filename) == 0:
            raise ValueError(f'Video file is empty (0 bytes): {filename}')
        self.filename = filename
        try:
            self._container = av.open(filename)
            self._stream = self._container.streams.video[0]
        except Exception as err:
            raise RuntimeError(
                f'Video cannot be decoded (corrupt or unsupported): '
                f'{filename}: {err}') from err
        stream = self._stream
        stream.codec_context.thread_count = int(num_threads)
        rate = stream.average_rate or stream.guessed_rate
        if not rate or not stream.time_base:
            raise RuntimeError(f'Video has no frame rate: {filename}')
        self._rate = Fraction(rate)
        # time-base ticks per frame
        self._ticks = float(1 / (self._rate * Fraction(stream.time_base)))
        self._start = int(stream.start_time or 0)
        frames = int(stream.frames or 0)
        if frames <= 0 and stream.duration:
            frames = int(round(float(stream.duration) / self._ticks))
        if frames <= 0:
            raise ValueError(f'Video has no frames: {filename}')
        self._frames = frames
        self.size = None if size is None else (int(size[0]), int(size[1]))
        # one scaler for every frame, one thread (a new frame.to_ndarray()
        # sets up a multi-threaded scaler each time: 10x slower)
        from av.video.reformatter import VideoReformatter
        self._reformatter = VideoReformatter()

    def __len__(self) -> int:
        return self._frames

    def get_avg_fps(self) -> float:
        return float(self._rate)

    def _index(self, pts) -> int:
        if pts is None:
            raise RuntimeError(f'{self.filename}: a frame has no timestamp')
        exact = (pts - self._start) / self._ticks
        index = int(round(exact))
        if abs(exact - index) > 0.25:
            raise RuntimeError(
                f'{self.filename}: frame timestamp {pts} is not on the '
                f'{float(self._rate):g} fps grid (variable frame rate?): '
                'use DecordOpen, or re-encode with '
                'tools/data/prepare_videos.py')
        return index

    def _convert(self, frame) -> np.ndarray:
        if self.size is None:
            rgb = self._reformatter.reformat(frame, format='rgb24',
                                             threads=1)
        else:
            rgb = self._reformatter.reformat(
                frame, width=self.size[1], height=self.size[0],
                format='rgb24', interpolation='BILINEAR', threads=1)
        return rgb.to_ndarray()

    def get_batch(self, indices: Sequence[int]) -> np.ndarray:
        """``len(indices) x H x W x 3`` uint8 RGB frames. The sorted
        distinct indices are read in runs (cut where two are more than
        :attr:`seek_gap` frames apart): per run, one seek to the keyframe
        before its first frame, then decoding forward to its last."""
        return np.stack(self.get_list(indices))

    def get_list(self, indices: Sequence[int]) -> List[np.ndarray]:
        """The frames of :meth:`get_batch` as a list of ``H x W x 3``
        arrays, without stacking them (a repeated index repeats the same
        array)."""
        indices = np.asarray(indices, dtype=np.int64).reshape(-1)
        if len(indices) == 0:
            raise ValueError('get_batch needs at least one index')
        if indices.min() < 0 or indices.max() >= self._frames:
            raise IndexError(
                f'{self.filename}: frames {indices.min()}..{indices.max()} '
                f'out of range ({self._frames} frames)')
        wanted = np.unique(indices)
        cuts = np.flatnonzero(np.diff(wanted) > self.seek_gap) + 1
        out = {}
        for run in np.split(wanted, cuts):
            self._read_run({int(i) for i in run}, out)
        missing = sorted(set(int(i) for i in wanted) - set(out))
        if missing:
            raise RuntimeError(
                f'{self.filename}: frames {missing[:5]} could not be decoded '
                f'({self._frames} frames in the header)')
        return [out[i] for i in indices.tolist()]

    #: a jump of more frames than this seeks instead of decoding through
    seek_gap = 32

    def _read_run(self, wanted: set, out: dict) -> None:
        """Decode the frames ``wanted`` (a run) into ``out``. Packets of
        frames that are not wanted are decoded with ``skip_frame='NONREF'``:
        FFmpeg drops them if no other frame refers to them."""
        first, last = min(wanted), max(wanted)
        codec = self._stream.codec_context
        for back in (0, 64, None):  # seek again earlier if it overshot
            target = 0 if back is None else max(first - back, 0)
            try:
                self._container.seek(
                    self._start + int(target * self._ticks), backward=True,
                    any_frame=False, stream=self._stream)
                overshot, done, got = False, False, set()
                for n, packet in enumerate(self._container.demux(
                        self._stream)):
                    index = None if packet.pts is None else \
                        self._index(packet.pts)
                    if n == 0 and back is not None and index is not None \
                            and index > first:
                        overshot = True
                        break
                    codec.skip_frame = 'NONREF' if index is not None and \
                        index not in wanted else 'DEFAULT'
                    for frame in packet.decode():
                        shown = self._index(frame.pts)
                        if shown in wanted:
                            out[shown] = self._convert(frame)
                            got.add(shown)
                        done = done or shown >= last
                    if done or len(got) == len(wanted):
                        break
            except RuntimeError:
                raise
            except Exception as err:
                raise RuntimeError(f'Failed to decode frames {first}..{last} '
                                   f'of {self.filename}: {err}') from err
            finally:
                codec.skip_frame = 'DEFAULT'
            if not overshot:
                return

    def close(self) -> None:
        if self._container is not None:
            self._container.close()
            self._container = None

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:
            pass


#: the readers of :func:`open_reader`
BACKENDS = ('decord', 'pyav')


def get_frames(reader, indices) -> np.ndarray:
    """``reader.get_batch(indices)`` as a numpy array, for decord and
    :class:`PyAVReader` readers."""
    frames = reader.get_batch(indices)
    return frames.asnumpy() if hasattr(frames, 'asnumpy') else frames


def get_frame_list(reader, indices) -> Sequence[np.ndarray]:
    """The frames of :func:`get_frames` as a sequence of ``H x W x 3``
    arrays: :meth:`PyAVReader.get_list` (no stacking, for a caller that
    copies the frames anyway), else the array of :func:`get_frames`."""
    if isinstance(reader, PyAVReader):
        return reader.get_list(indices)
    return get_frames(reader, indices)


@TRANSFORMS.register_module()
class PyAVOpen(DecordOpen):
    """Open a constant-frame-rate video with PyAV; a faster random-access
    replacement of :class:`DecordOpen` for videos re-encoded by
    ``tools/data/prepare_videos.py`` (opt-in; the configs use decord).

    ``DecordReadClip`` then reads the clip with one seek to the keyframe
    before it. The frame indices are those of decord for constant-rate
    files (frame ``i`` at ``i / fps`` from the first); a frame off that grid
    raises an error naming the file. ``SampleClip``'s variable-frame-rate
    check needs decord's timestamps and is skipped.

    Required keys: ``filename``.

    Added keys: ``video_reader`` (a :class:`PyAVReader`), ``total_frames``
    (from the file header), ``fps`` (kept if the sample has it),
    ``duration`` (``total_frames / fps`` when not given), as
    :class:`DecordOpen`.

    Args (those of :class:`DecordOpen`):
        num_threads (int): FFmpeg decoding threads. Defaults to 1.
        decode_size (tuple[int, int], optional): ``(height, width)`` the
            frames are scaled to while converted to RGB (FFmpeg's bilinear
            scaler), as ``DecordOpen(decode_size=...)``; not the official
            pixels. Defaults to None (the file's size).
    """

    def open_reader(self, filename: str) -> 'PyAVReader':
        return PyAVReader(filename, self.num_threads, self.decode_size)
