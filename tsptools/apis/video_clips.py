"""Decoding whole videos into clips, and the DataLoader dataset over them.

* :func:`open_for_extraction` opens a video with decord for the resize of
  the settings;
* :func:`video_clip_plan` is the clip grid of a video
  (:mod:`tsptools.core.clip_plan`);
* :func:`iter_video_clips` decodes a video *once*, sequentially, resizes and
  crops its frames as :mod:`tsptools.core.clip_preprocess` defines, and
  slides the clip windows over them (no seek per clip);
* :class:`SequentialClipDataset` runs that in DataLoader workers, each worker
  taking whole videos and packing clips of consecutive videos into batches
  whose ``items`` are :class:`ClipItem` records.
"""
from typing import Dict, Iterator, List, NamedTuple, Optional, Sequence

import numpy as np
import torch
from torch.utils.data import IterableDataset, get_worker_info

from tsptools.core.clip_plan import (clip_centre_times, clip_frame_indices,
                                     clip_starts, covered_frames,
                                     is_constant_rate, timed_clip_plan)
from tsptools.core.clip_preprocess import (centre_crop_box, decode_size,
                                           resize_frames)
from tsptools.datasets.transforms.decord_open import open_video

from .video_list import VideoEntry

#: Source frames decoded per ``get_batch`` call.
DECODE_CHUNK = 64


def open_for_extraction(filename: str, cfg: dict):
    """Open ``filename`` with decord for the preprocessing of ``cfg``.

    * ``resize_backend='official'``: frames are decoded at full size (the
      resize is :func:`~tsptools.core.clip_preprocess.resize_frames`);
    * ``'decoder'``: decord scales while decoding, to ``cfg['resize']`` or,
      with ``short_side``, to that short side with the aspect ratio kept.

    Returns:
        ``(reader, num_frames, fps, (height, width), (src_height,
        src_width))``: the size the frames have after the resize, and their
        size in the file.
    """
    reader = open_video(filename)
    num_frames = len(reader)
    fps = float(reader.get_avg_fps())
    if not fps > 0:
        raise ValueError(f'Video has no valid frame rate ({fps}): '
                         f'{filename}')
    source = tuple(reader[0].shape[:2])
    height, width = source
    if cfg['resize'] is not None:
        size = tuple(cfg['resize'])
    else:
        size = decode_size(height, width, cfg['short_side'])
    if cfg['resize_backend'] == 'decoder' and size != (height, width):
        del reader
        reader = open_video(filename, width=size[1], height=size[0])
        if len(reader) != num_frames:
            raise RuntimeError(f'Video reports {num_frames} frames at full '
                               f'size and {len(reader)} resized: {filename}')
    else:
        reader.seek(0)
    return reader, num_frames, fps, size, source


def video_clip_plan(num_frames: int, fps: float, cfg: dict,
                    timestamps: Optional[np.ndarray] = None) -> dict:
    """Clip starts, frames, times and flags of a video under ``cfg``.

    ``timestamps`` (``N x 2`` start and end seconds of every frame, as
    decord's ``get_frame_timestamp``): with time-based sampling, a video
    whose frames stray from ``i / fps`` (variable frame rate) is sampled
    by time (:func:`tsptools.core.clip_plan.timed_clip_plan`) and its plan
    has ``variable_rate=True``.
    """
    common = dict(num_frames=int(num_frames), fps=float(fps),
                  duration=num_frames / fps, variable_rate=False)
    if cfg['fps'] is not None and timestamps is not None and \
            not is_constant_rate(timestamps[:, 0], fps):
        duration = float(timestamps[-1, 1] - timestamps[0, 0])
        plan = timed_clip_plan(timestamps[:, 0], duration, cfg['clip_len'],
                               cfg['fps'], cfg['stride'], cfg['tail'])
        common.update(duration=duration, variable_rate=True)
        return dict(plan, num_clips=len(plan['starts']), **common)
    grid = dict(clip_len=cfg['clip_len'], frame_interval=cfg['frame_interval'],
                fps=fps, target_fps=cfg['fps'])
    starts, short = clip_starts(num_frames, stride=cfg['stride'],
                                tail=cfg['tail'], **grid)
    return dict(
        starts=starts,
        short=short,
        num_clips=len(starts),
        frames=clip_frame_indices(starts, num_frames, **grid),
        clip_times=clip_centre_times(starts, num_frames, **grid),
        feature_frame=covered_frames(starts, num_frames, **grid),
        **common)


def _chunk_size(height: int, width: int, chunk: int) -> int:
    """At most ``chunk`` frames, and about 64 MiB of decoded frames."""
    return int(max(4, min(chunk, (64 << 20) // max(1, height * width * 3))))


def iter_video_clips(filename: str, cfg: dict,
                     chunk: int = DECODE_CHUNK) -> Iterator:
    """Decode ``filename`` once and yield its clips.

    Yields first the plan dict of :func:`video_clip_plan` (without its
    ``frames``), then, in order, each clip as a ``clip_len x crop x crop x
    3`` array (RGB, values in ``[0, 255]``): uint8 with
    ``resize_backend='decoder'``, float32 with ``'official'``, resized and
    centre-cropped as :mod:`tsptools.core.clip_preprocess` defines.

    Frames are decoded in increasing order in chunks of up to ``chunk``
    frames (only the frames some clip uses) and kept until the last clip
    that needs them is out, so no frame is decoded twice and nothing seeks
    backwards.
    """
    reader, num_frames, fps, (height, width), source = open_for_extraction(
        filename, cfg)
    timestamps = None
    if cfg['fps'] is not None:
        timestamps = reader.get_frame_timestamp(np.arange(num_frames))
    plan = video_clip_plan(num_frames, fps, cfg, timestamps)
    clips = plan.pop('frames')
    yield plan
    crop = cfg['crop_size']
    top, left = centre_crop_box(height, width, crop)
    official = cfg['resize_backend'] == 'official'
    decoded = source if official else (height, width)
    chunk = _chunk_size(decoded[0], decoded[1], chunk)
    needed = np.unique(clips)
    buffer: Dict[int, np.ndarray] = {}
    pos = 0
    for k, indices in enumerate(clips):
        while int(indices[-1]) not in buffer:
            batch = needed[pos:pos + chunk]
            pos += len(batch)
            frames = reader.get_batch(batch.tolist()).asnumpy()
            if official:
                frames = resize_frames(frames, (height, width))
            frames = frames[:, top:top + crop, left:left + crop]
            buffer.update(zip(batch.tolist(), frames))
        yield np.stack([buffer[i] for i in indices.tolist()])
        if k + 1 < len(clips):
            first_next = int(clips[k + 1][0])
            for i in [i for i in buffer if i < first_next]:
                del buffer[i]


class ClipItem(NamedTuple):
    """One entry of the ``items`` of a :class:`SequentialClipDataset`
    batch: the start of a video, one of its clips, or its failure."""

    #: ``'video'``, ``'clip'`` or ``'error'``.
    kind: str
    #: Position of the video in the dataset's ``videos``.
    index: int
    #: ``'video'``: the plan of :func:`video_clip_plan` (without ``frames``).
    plan: Optional[dict] = None
    #: ``'clip'``: number of the clip in its video.
    clip: Optional[int] = None
    #: ``'clip'``: row of the clip in the batch's ``inputs``.
    row: Optional[int] = None
    #: ``'error'``: why the video cannot be read (names the file).
    error: Optional[str] = None


class SequentialClipDataset(IterableDataset):
    """Batches of clips of whole videos, for a DataLoader with
    ``batch_size=None``.

    Worker ``w`` of ``n`` takes videos ``w, w + n, ...`` and decodes each with
    :func:`iter_video_clips`; clips of consecutive videos share batches of
    ``batch_size`` clips. Each yielded batch is a dict:

    - ``inputs``: uint8 or float32 tensor ``N x 3 x clip_len x crop x crop``
      (values in ``[0, 255]``; ``None``
      when the batch holds only events);
    - ``items``: :class:`ClipItem` records in stream order: ``kind='video'``
      (with the ``plan``) before the clips of video ``index``,
      ``kind='clip'`` for its clip ``clip`` at row ``row`` of ``inputs``,
      and ``kind='error'`` (with the ``error`` message) when video
      ``index`` cannot be read (its clips already sent are to be
      discarded).

    Args:
        videos: ``(name, filename)`` pairs.
        cfg: settings of :func:`~.clip_plan.make_extract_cfg`.
        indices: positions in ``videos`` to read (default all); the
            ``index`` of the items is the position in ``videos``.
    """

    def __init__(self, videos: Sequence[VideoEntry], cfg: dict,
                 indices: Optional[Sequence[int]] = None) -> None:
        self.videos = list(videos)
        self.cfg = dict(cfg)
        self.indices = list(range(len(self.videos))) if indices is None \
            else list(indices)

    def __iter__(self):
        info = get_worker_info()
        worker, num_workers = (info.id, info.num_workers) if info else (0, 1)
        batch_size = self.cfg['batch_size']
        clips: List[np.ndarray] = []
        items: List[ClipItem] = []
        for i in self.indices[worker::num_workers]:
            filename = self.videos[i][1]
            try:
                stream = iter_video_clips(filename, self.cfg)
                items.append(ClipItem('video', i, plan=next(stream)))
                for k, clip in enumerate(stream):
                    items.append(
                        ClipItem('clip', i, clip=k, row=len(clips)))
                    clips.append(clip)
                    if len(clips) == batch_size:
                        yield _pack(clips, items)
                        clips, items = [], []
            except Exception as err:  # noqa: BLE001 (report, go on)
                message = f'{type(err).__name__}: {err}'
                if filename not in message:
                    message = f'{filename}: {message}'
                items.append(ClipItem('error', i, error=message))
        if clips or items:
            yield _pack(clips, items)


def _pack(clips: List[np.ndarray], items: List[ClipItem]) -> dict:
    inputs = None
    if clips:
        # N x T x H x W x C -> N x C x T x H x W, contiguous
        inputs = torch.from_numpy(np.stack(clips)).permute(0, 4, 1, 2,
                                                           3).contiguous()
    return dict(inputs=inputs, items=items)


def _no_collate(batch):
    return batch
