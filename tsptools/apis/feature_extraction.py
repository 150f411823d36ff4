"""Clip features of whole videos with a pretrained encoder.

The pieces of :mod:`tools/extract_features.py` and
:mod:`tools/precompute_gvf.py` (see
``docs/en/user_guides/feature_extraction.md``), one module each:

* :mod:`.encoder`: :func:`init_encoder` builds the model of a config and
  loads the encoder weights of a checkpoint (the pretext head is dropped);
  :func:`normalise_inputs`, :func:`file_sha256`;
* :mod:`.video_clips`: :func:`iter_video_clips` decodes one video *once*,
  sequentially, resizes and crops its frames as
  :mod:`tsptools.core.clip_preprocess` defines, and slides the clip windows
  of :mod:`tsptools.core.clip_plan` over them (no seek per clip);
  :class:`SequentialClipDataset` runs that in DataLoader workers, each
  worker taking whole videos and packing clips of consecutive videos into
  batches (items: :class:`ClipItem`);
* :mod:`.video_list`: :func:`list_videos`, :func:`videos_from_paths`;
* :mod:`.cli`: the clip-setting flags of the tools;
* :class:`tsptools.utils.Progress`: the tools' progress line.

This module runs the model: :func:`iter_video_features` feeds the batches
to the model and yields the ``T x C`` features of each video as soon as its
last clip is done (redoing the videos of a decoding worker that died);
:func:`extract_video_features` does it for a single video in-process. It
also re-exports the names above, its public interface before the split.
"""
import logging
import os.path as osp
from dataclasses import dataclass, field
from typing import Callable, Dict, Iterator, Optional, Sequence, Union

import numpy as np
import torch
from mmengine.logging import print_log
from torch.utils.data import DataLoader

from tsptools.core.clip_plan import make_extract_cfg
from tsptools.utils.progress import Progress
from .cli import add_extract_arguments, extract_cfg_from_args
from .encoder import file_sha256, init_encoder, normalise_inputs
from .video_clips import (DECODE_CHUNK, ClipItem, SequentialClipDataset,
                          _no_collate, iter_video_clips, open_for_extraction,
                          video_clip_plan)
from .video_list import (VIDEO_EXTENSIONS, VideoEntry, list_videos,
                         videos_from_paths)

__all__ = [
    'init_encoder', 'normalise_inputs', 'file_sha256', 'DECODE_CHUNK',
    'open_for_extraction', 'video_clip_plan', 'iter_video_clips',
    'ClipItem', 'SequentialClipDataset', 'VideoFeatures',
    'iter_video_features', 'extract_video_features', 'VIDEO_EXTENSIONS',
    'VideoEntry', 'list_videos', 'videos_from_paths', 'add_extract_arguments',
    'extract_cfg_from_args', 'Progress'
]

#: The former private name of :func:`normalise_inputs`.
_normalise = normalise_inputs


def _log(msg: str, level=logging.INFO) -> None:
    print_log(msg, logger='current', level=level)


@dataclass
class VideoFeatures:
    """The result for one video of :func:`iter_video_features`.

    ``status`` is ``'ok'``, ``'short'`` (shorter than one clip: one padded
    clip) or ``'failed'`` (``error`` says why; ``features`` is None).
    ``features`` is ``T x C`` float32, ``clip_times`` the ``T`` clip centres
    in seconds (float64).
    """
    index: int
    name: str
    filename: str
    status: str
    features: Optional[np.ndarray] = None
    clip_times: Optional[np.ndarray] = None
    num_frames: Optional[int] = None
    fps: Optional[float] = None
    duration: Optional[float] = None
    num_clips: Optional[int] = None
    feature_frame: Optional[int] = None
    error: Optional[str] = None
    extra: dict = field(default_factory=dict)

    def info(self) -> dict:
        """JSON-able record (everything but the arrays)."""
        return dict(
            name=self.name,
            filename=self.filename,
            status=self.status,
            T=None if self.features is None else int(len(self.features)),
            num_clips=self.num_clips,
            fps=self.fps,
            num_frames=self.num_frames,
            duration=self.duration,
            feature_frame=self.feature_frame,
            error=self.error,
            **self.extra)


class _Accumulator:

    def __init__(self, plan: dict) -> None:
        self.plan = plan
        self.features: Optional[np.ndarray] = None
        self.done = 0


def _result(videos, i, status, plan=None, features=None, error=None):
    name, filename = videos[i]
    result = VideoFeatures(
        index=i, name=name, filename=filename, status=status, error=error)
    if plan is not None:
        result.num_frames = plan['num_frames']
        result.fps = plan['fps']
        result.duration = plan['duration']
        result.num_clips = plan['num_clips']
        result.feature_frame = plan['feature_frame']
        if plan.get('variable_rate'):  # recorded in the manifest
            result.extra['variable_rate'] = True
        if features is not None:
            result.features = features
            result.clip_times = plan['clip_times']
    return result


def _make_loader(dataset: SequentialClipDataset, num_workers: int,
                 pin_memory: bool = False) -> DataLoader:
    kwargs = dict(batch_size=None, num_workers=num_workers,
                  collate_fn=_no_collate, pin_memory=pin_memory)
    if num_workers > 0:
        kwargs['prefetch_factor'] = 2
    return DataLoader(dataset, **kwargs)


def _run_loader(model, videos, cfg, indices, num_workers, device,
                state: dict) -> Iterator[VideoFeatures]:
    """Run one DataLoader over ``indices``; ``state['open']`` holds the
    videos started and not finished."""
    loader = _make_loader(
        SequentialClipDataset(videos, cfg, indices), num_workers,
        state['pin_memory'])
    accs: Dict[int, _Accumulator] = state['open']
    for batch in loader:
        feats = None
        if batch['inputs'] is not None:
            with torch.inference_mode():
                # non_blocking: overlaps with the host only from pinned
                # memory (pin_memory); a plain copy otherwise
                inputs = normalise_inputs(
                    model, batch['inputs'].to(device, non_blocking=True))
                if state['channels_last'] and inputs.dim() == 5:
                    inputs = inputs.contiguous(
                        memory_format=torch.channels_last_3d)
                feats = model.extract_feat(inputs).float().cpu().numpy()
            state['clips'] += len(feats)
            if state['on_clips'] is not None:
                state['on_clips'](len(feats))
        for item in batch['items']:
            i = item.index
            if item.kind == 'video':
                accs[i] = _Accumulator(item.plan)
            elif item.kind == 'error':
                acc = accs.pop(i, None)
                yield _result(videos, i, 'failed',
                              acc.plan if acc else None, error=item.error)
            else:
                acc = accs.get(i)
                if acc is None:  # after an error of this video
                    continue
                row = feats[item.row]
                if acc.features is None:
                    acc.features = np.empty(
                        (acc.plan['num_clips'], row.shape[-1]), np.float32)
                acc.features[item.clip] = row
                acc.done += 1
                if acc.done == acc.plan['num_clips']:
                    del accs[i]
                    status = 'ok'
                    if acc.plan['short']:
                        status = 'short'
                        _log(f'{videos[i][1]}: {acc.plan["num_frames"]} '
                             'frames is shorter than one clip '
                             f"({cfg['clip_len']} frames at "
                             + (f"{cfg['fps']:g} fps" if cfg['fps'] else
                                f"every {cfg['frame_interval']} frames")
                             + '): one clip padded with its last frame '
                             '(T=1)', logging.WARNING)
                    yield _result(videos, i, status, acc.plan, acc.features)


def iter_video_features(model: torch.nn.Module,
                        videos: Sequence[VideoEntry],
                        cfg: Optional[dict] = None,
                        device: Union[str, torch.device, None] = None,
                        on_clips: Optional[Callable[[int], None]] = None,
                        channels_last: bool = False,
                        pin_memory: bool = False
                        ) -> Iterator[VideoFeatures]:
    """Clip features of every video, in completion order.

    Decoding runs in ``cfg['num_workers']`` DataLoader workers (0: in this
    process) while the model runs here on batches of ``cfg['batch_size']``
    clips, in ``torch.inference_mode``. Normalisation is the model's
    ``data_preprocessor``.

    A video that cannot be read gives a ``'failed'`` result and the others
    go on. If a decoding worker dies (a crash inside the decoder), the
    videos not finished yet are redone one per worker process, so that only
    the video that crashes its worker fails.

    Args:
        model: from :func:`init_encoder`.
        videos: ``(name, filename)`` pairs.
        cfg: settings (:func:`~.clip_plan.make_extract_cfg`).
        device: default: the model's device.
        on_clips: called with the number of clips of each model batch.
        channels_last: give the model its 5-D inputs in
            ``torch.channels_last_3d`` memory format (after normalisation);
            the model's weights are converted by the caller
            (:func:`tsptools.utils.to_channels_last_3d`). Meant for CUDA;
            the tools ignore it elsewhere
            (:func:`tsptools.utils.extraction_speedups`).
        pin_memory: the DataLoader puts the batches in page-locked memory
            (CUDA only), so the ``non_blocking`` copies to ``device``
            overlap with the host.

    Yields:
        One :class:`VideoFeatures` per video.
    """
    cfg = make_extract_cfg(cfg)
    if device is None:
        device = next(model.parameters()).device
    videos = list(videos)
    pending = set(range(len(videos)))
    state = dict(open={}, clips=0, on_clips=on_clips,
                 channels_last=channels_last, pin_memory=pin_memory)

    def run(indices, num_workers):
        for result in _run_loader(model, videos, cfg, indices, num_workers,
                                  device, state):
            pending.discard(result.index)
            yield result

    try:
        yield from run(sorted(pending), cfg['num_workers'])
    except RuntimeError as err:
        if cfg['num_workers'] == 0 or 'DataLoader worker' not in str(err):
            raise
        _log(f'A decoding worker died ({str(err).splitlines()[0]}); '
             f'redoing the {len(pending)} unfinished videos one per '
             'worker', logging.WARNING)
        for i in sorted(pending):
            state['open'] = {}
            try:
                yield from run([i], 1)
            except RuntimeError as crash:
                if 'DataLoader worker' not in str(crash):
                    raise
                pending.discard(i)
                yield _result(
                    videos, i, 'failed',
                    error=f'{videos[i][1]}: the decoder crashed its worker '
                    f'process ({str(crash).splitlines()[0]})')
    for i in sorted(pending):  # a worker stopped without a word
        yield _result(videos, i, 'failed',
                      error=f'{videos[i][1]}: decoding ended before all '
                      'clips were read')


def extract_video_features(model: torch.nn.Module, filename: str,
                           cfg: Optional[dict] = None,
                           name: Optional[str] = None) -> VideoFeatures:
    """Features of one video, decoded in this process (``num_workers=0``).

    Returns the :class:`VideoFeatures` (``status == 'failed'`` with
    ``error`` when the video cannot be read).
    """
    cfg = dict(make_extract_cfg(cfg), num_workers=0)
    name = name or osp.splitext(osp.basename(filename))[0]
    return next(iter_video_features(model, [(name, filename)], cfg))
