"""Clip features of whole videos with a pretrained encoder.

The pieces of :mod:`tools/extract_features.py` and
:mod:`tools/precompute_gvf.py` (see
``docs/en/user_guides/feature_extraction.md``):

* :func:`init_encoder` builds the model of a config and loads the encoder
  weights of a checkpoint (the pretext head is dropped);
* :func:`iter_video_clips` decodes one video *once*, sequentially, resizes
  and crops its frames as :mod:`tsptools.core.clip_preprocess` defines, and
  slides the clip windows of :mod:`tsptools.core.clip_plan` over them (no
  seek per clip);
* :class:`SequentialClipDataset` runs that in DataLoader workers, each worker
  taking whole videos and packing clips of consecutive videos into batches;
* :func:`iter_video_features` feeds those batches to the model and yields the
  ``T x C`` features of each video as soon as its last clip is done;
* :func:`extract_video_features` does it for a single video in-process.
"""
import hashlib
import logging
import os.path as osp
import time
import warnings
from dataclasses import dataclass, field
from typing import (Callable, Dict, Iterator, List, Optional, Sequence,
                    Tuple, Union)

import numpy as np
import torch
from mmengine.logging import print_log
from torch.utils.data import DataLoader, IterableDataset, get_worker_info

from tsptools.datasets.transforms.decord_open import open_video
from tsptools.core.clip_plan import (clip_centre_times, clip_frame_indices,
                                     clip_starts, covered_frames,
                                     is_constant_rate, make_extract_cfg,
                                     timed_clip_plan)
from tsptools.core.clip_preprocess import (centre_crop_box, decode_size,
                                           resize_frames)

#: Source frames decoded per ``get_batch`` call.
DECODE_CHUNK = 64

VideoEntry = Tuple[str, str]  # (video name, file path)


def _log(msg: str, level=logging.INFO) -> None:
    print_log(msg, logger='current', level=level)


# ----------------------------------------------------------------------------
# Model
# ----------------------------------------------------------------------------


def file_sha256(path: str, length: Optional[int] = 16) -> str:
    """SHA-256 of a file in hex (the first ``length`` characters)."""
    digest = hashlib.sha256()
    with open(path, 'rb') as f:
        for block in iter(lambda: f.read(1 << 20), b''):
            digest.update(block)
    return digest.hexdigest()[:length]


def init_encoder(config, checkpoint: Optional[str] = None,
                 device: Union[str, torch.device] = 'cpu',
                 cfg_options: Optional[dict] = None) -> torch.nn.Module:
    """Build the model of ``config`` and load its encoder from
    ``checkpoint``.

    Every weight of the model outside its pretext head (``head.*``) must be
    in the checkpoint, so the encoder of any tsptools checkpoint (TSP, TAC,
    BSP, PAL ...) loads into any config with the same backbone; the head's
    weights are ignored and the head is removed. The official TSP
    checkpoints (the released models) and torchvision VideoResNet
    state_dicts load too, recognised by their keys
    (:func:`tsptools.models.utils.encoder_checkpoint.load_encoder_weights`,
    the one encoder loader). Checkpoints are loaded with
    ``weights_only=True`` (:mod:`tsptools.utils.safe_checkpoint`).

    Args:
        config: config path or :class:`mmengine.Config`.
        checkpoint: a tsptools/mmengine checkpoint (``state_dict`` key,
            DDP's ``module.`` prefix allowed), an official TSP checkpoint or
            a torchvision state_dict; ``None``: the weights a model
            loads itself (``own_checkpoints``, e.g.
            :class:`TwoStreamEncoder`'s streams), otherwise the random
            initialisation (with a warning).
        device: where the model runs.
        cfg_options: merged into the config first.

    Returns:
        The model in eval mode, with ``extract_feat`` and
        ``data_preprocessor``.
    """
    from mmengine.config import Config

    from tsptools.models.utils.encoder_checkpoint import (
        describe_layout, load_encoder_weights)
    from tsptools.registry import MODELS
    from mmengine.registry import init_default_scope

    init_default_scope('tsptools')  # the registries import what they build
    if isinstance(config, str):
        config = Config.fromfile(config)
    if cfg_options:
        config.merge_from_dict(cfg_options)
    model = MODELS.build(config.model)
    if not hasattr(model, 'extract_feat'):
        raise TypeError(f'{type(model).__name__} has no extract_feat(); '
                        'feature extraction needs a tsptools Pretrainer')
    own = getattr(model, 'own_checkpoints', None)
    if checkpoint is None and own is not None:
        # a model that loads its own weights (TwoStreamEncoder's streams)
        model.load_own_checkpoints()
        unset = [k for k, c in enumerate(own) if c is None]
        if unset:
            warnings.warn(f'{type(model).__name__}: no checkpoint for the '
                          f'encoders {unset}: extracting with randomly '
                          'initialised weights there')
    elif checkpoint is None:
        warnings.warn('No checkpoint: extracting with randomly initialised '
                      'weights')
    else:
        layout = load_encoder_weights(model, checkpoint, skip=('head.', ))
        _log(describe_layout(layout, checkpoint))
    if hasattr(model, 'head'):
        del model.head
    return model.to(device).eval()


def _normalise(model: torch.nn.Module, inputs: torch.Tensor) -> torch.Tensor:
    """``N x C x T x H x W`` in ``[0, 255]`` (uint8 or float) -> the model's
    normalised float input."""
    preprocessor = getattr(model, 'data_preprocessor', None)
    if preprocessor is None:
        return inputs.float()
    data = preprocessor(
        dict(inputs=list(inputs.unbind(0)), data_samples=None), False)
    return data['inputs']


# ----------------------------------------------------------------------------
# Decoding
# ----------------------------------------------------------------------------


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


class SequentialClipDataset(IterableDataset):
    """Batches of clips of whole videos, for a DataLoader with
    ``batch_size=None``.

    Worker ``w`` of ``n`` takes videos ``w, w + n, ...`` and decodes each with
    :func:`iter_video_clips`; clips of consecutive videos share batches of
    ``batch_size`` clips. Each yielded batch is a dict:

    - ``inputs``: uint8 or float32 tensor ``N x 3 x clip_len x crop x crop``
      (values in ``[0, 255]``; ``None``
      when the batch holds only events);
    - ``items``: in stream order, ``('video', i, plan)`` before the clips of
      video ``i``, ``('clip', i, k, row)`` for its clip ``k`` at row ``row``
      of ``inputs``, and ``('error', i, message)`` when video ``i`` cannot be
      read (its clips already sent are to be discarded).

    Args:
        videos: ``(name, filename)`` pairs.
        cfg: settings of :func:`~.clip_plan.make_extract_cfg`.
        indices: positions in ``videos`` to read (default all); ``i`` in
            the items is the position in ``videos``.
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
        items: List[tuple] = []
        for i in self.indices[worker::num_workers]:
            filename = self.videos[i][1]
            try:
                stream = iter_video_clips(filename, self.cfg)
                items.append(('video', i, next(stream)))
                for k, clip in enumerate(stream):
                    items.append(('clip', i, k, len(clips)))
                    clips.append(clip)
                    if len(clips) == batch_size:
                        yield _pack(clips, items)
                        clips, items = [], []
            except Exception as err:  # noqa: BLE001 (report, go on)
                message = f'{type(err).__name__}: {err}'
                if filename not in message:
                    message = f'{filename}: {message}'
                items.append(('error', i, message))
        if clips or items:
            yield _pack(clips, items)


def _pack(clips: List[np.ndarray], items: List[tuple]) -> dict:
    inputs = None
    if clips:
        # N x T x H x W x C -> N x C x T x H x W, contiguous
        inputs = torch.from_numpy(np.stack(clips)).permute(0, 4, 1, 2,
                                                           3).contiguous()
    return dict(inputs=inputs, items=items)


def _no_collate(batch):
    return batch


# ----------------------------------------------------------------------------
# Features
# ----------------------------------------------------------------------------


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
                inputs = _normalise(
                    model, batch['inputs'].to(device, non_blocking=True))
                if state['channels_last'] and inputs.dim() == 5:
                    inputs = inputs.contiguous(
                        memory_format=torch.channels_last_3d)
                feats = model.extract_feat(inputs).float().cpu().numpy()
            state['clips'] += len(feats)
            if state['on_clips'] is not None:
                state['on_clips'](len(feats))
        for item in batch['items']:
            kind, i = item[0], item[1]
            if kind == 'video':
                accs[i] = _Accumulator(item[2])
            elif kind == 'error':
                acc = accs.pop(i, None)
                yield _result(videos, i, 'failed',
                              acc.plan if acc else None, error=item[2])
            else:
                acc = accs.get(i)
                if acc is None:  # after an error of this video
                    continue
                row = feats[item[3]]
                if acc.features is None:
                    acc.features = np.empty(
                        (acc.plan['num_clips'], row.shape[-1]), np.float32)
                acc.features[item[2]] = row
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


# ----------------------------------------------------------------------------
# Video lists
# ----------------------------------------------------------------------------

VIDEO_EXTENSIONS = ('.mp4', '.mkv', '.avi', '.webm', '.mov', '.m4v', '.mpg',
                    '.mpeg', '.flv', '.wmv', '.3gp')


def list_videos(video_list: Optional[str] = None,
                video_dir: Optional[str] = None,
                video_root: Optional[str] = None) -> List[VideoEntry]:
    """``(name, path)`` of the videos to extract, sorted by name; the name
    is the file name without extension.

    Args:
        video_list: text file with one video path per line (blank lines and
            ``#`` comments skipped), relative to ``video_root`` if given.
        video_dir: folder searched recursively for files with an extension
            of :data:`VIDEO_EXTENSIONS` (hidden files skipped).
        video_root: prefix of the paths of ``video_list``.

    Raises:
        ValueError: neither or both sources, no video, or two videos with
            the same name.
    """
    import os
    if (video_list is None) == (video_dir is None):
        raise ValueError('give exactly one of video_list and video_dir')
    paths = []
    if video_list is not None:
        with open(video_list) as f:
            for line in f:
                line = line.strip()
                if line and not line.startswith('#'):
                    paths.append(osp.join(video_root, line)
                                 if video_root else line)
        source = video_list
    else:
        if not osp.isdir(video_dir):
            raise FileNotFoundError(f'Video folder not found: {video_dir}')
        for root, dirs, files in os.walk(video_dir):
            dirs[:] = sorted(d for d in dirs if not d.startswith('.'))
            for name in files:
                if not name.startswith('.') and \
                        osp.splitext(name)[1].lower() in VIDEO_EXTENSIONS:
                    paths.append(osp.join(root, name))
        source = video_dir
    return videos_from_paths(paths, source)


def videos_from_paths(paths: Sequence[str],
                      source: str = 'the video list') -> List[VideoEntry]:
    """Name each path by its file stem; sorted; duplicates are an error."""
    by_name: Dict[str, str] = {}
    for path in paths:
        name = osp.splitext(osp.basename(path))[0]
        if name in by_name and by_name[name] != path:
            raise ValueError(f'{source}: two videos named {name!r}: '
                             f'{by_name[name]} and {path}')
        by_name[name] = path
    if not by_name:
        raise ValueError(f'{source}: no video found')
    return sorted(by_name.items())


def add_extract_arguments(parser) -> None:
    """Add the preprocessing flags shared by the extraction tools; each
    defaults to None, meaning "the config's ``extract_cfg``, else the
    default" (:func:`extract_cfg_from_args`)."""
    group = parser.add_argument_group(
        'clip settings (default: the config\'s extract_cfg, else the '
        'official TSP ones)')
    for flag, kind, text in (
            ('--clip-len', int, 'frames per clip (16)'),
            ('--fps', float,
             'sample clips at this frame rate, resampled by time from the '
             "video's own rate as the official code does (15)"),
            ('--frame-interval', int,
             'instead of --fps: one frame every this many source frames'),
            ('--stride', int, 'sampled frames between clip starts (16)'),
            ('--short-side', int,
             'instead of --resize: decode with this short side, aspect '
             'ratio kept (needs --resize-backend decoder)'),
            ('--crop-size', int, 'centre crop size (112)'),
            ('--batch-size', int, 'clips per model batch (8)'),
            ('--num-workers', int,
             'decoding processes; 0 decodes in the main process (1)')):
        group.add_argument(flag, type=kind, default=None, help=text)
    group.add_argument(
        '--resize', type=int, nargs=2, default=None,
        metavar=('HEIGHT', 'WIDTH'),
        help='resize every frame to this size, aspect ratio not kept '
        '(128 171)')
    group.add_argument(
        '--resize-backend', choices=['official', 'decoder'], default=None,
        help="'official' (default): the official float bilinear resize of "
        "full-size frames; 'decoder': decord scales while decoding (faster, "
        'not the official pixels)')
    group.add_argument(
        '--tail', choices=['drop', 'pad'], default=None,
        help="'drop' (official): only complete clips; 'pad': one more "
        'clip padded with the last frame when frames remain')


def extract_cfg_from_args(config, args, **extra) -> dict:
    """Settings: defaults < ``config.extract_cfg`` < command-line flags."""
    overrides = {
        key: getattr(args, key, None)
        for key in ('clip_len', 'fps', 'frame_interval', 'stride',
                    'resize', 'short_side', 'resize_backend', 'crop_size',
                    'batch_size', 'num_workers', 'tail')
    }
    overrides.update(extra)
    return make_extract_cfg(config.get('extract_cfg', None), **overrides)


class Progress:
    """A one-line progress report with ETA (``unit`` done: videos, or clips
    for one long video; clips/s)."""

    def __init__(self, total: int, enabled: bool = True, stream=None,
                 interval: float = 0.5, unit: str = 'videos') -> None:
        import sys
        self.total = total
        self.unit = unit
        self.enabled = enabled and total > 0
        self.stream = stream or sys.stdout
        self.tty = getattr(self.stream, 'isatty', lambda: False)()
        self.interval = interval if self.tty else 10.0
        self.done = 0
        self.clips = 0
        self.start = time.time()
        self.last = 0.0

    def add_clips(self, n: int) -> None:
        self.clips += n
        self._show()

    def update(self, n: int = 1) -> None:
        self.done += n
        self._show(force=self.done >= self.total)

    def _show(self, force: bool = False) -> None:
        if not self.enabled:
            return
        now = time.time()
        if not force and now - self.last < self.interval:
            return
        self.last = now
        elapsed = now - self.start
        rate = self.clips / elapsed if elapsed > 0 else 0.0
        eta = elapsed * (self.total - self.done) / self.done \
            if self.done else float('nan')
        line = (f'[{self.done}/{self.total} {self.unit}] {self.clips} clips, '
                f'{rate:.1f} clips/s, elapsed {_hms(elapsed)}, '
                f'ETA {_hms(eta)}')
        if self.tty:
            self.stream.write('\r' + line + ('\n' if force else ''))
        else:
            self.stream.write(line + '\n')
        self.stream.flush()


def _hms(seconds: float) -> str:
    if seconds != seconds:  # NaN
        return '--:--'
    seconds = int(seconds + 0.5)
    h, rest = divmod(seconds, 3600)
    return (f'{h}:' if h else '') + '{:02d}:{:02d}'.format(*divmod(rest, 60))
