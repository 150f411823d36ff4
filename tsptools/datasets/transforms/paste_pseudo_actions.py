from typing import Callable, List, Optional, Sequence, Tuple, Union

import cv2
import numpy as np
from mmcv.transforms import BaseTransform
from mmengine.registry import DefaultScope

from tsptools.registry import SYNTHESIZERS, TRANSFORMS
from tsptools.utils import seeded_global_rng
from .decord_open import open_video
from .pyav_open import BACKENDS, PyAVReader, get_frame_list


def _read_frames(reader, filename: str, inds: np.ndarray,
                 size: Optional[Tuple[int, int]]
                 ) -> Tuple[np.ndarray, np.ndarray]:
    """Decode the distinct frames of ``inds`` with one ``get_batch`` and
    resize them to ``size`` (``(height, width)``; None keeps them).

    Returns the ``len(unique) x H x W x 3`` uint8 frames and, for every
    entry of ``inds``, its row in them.
    """
    unique, rows = np.unique(np.asarray(inds, dtype=np.int64),
                             return_inverse=True)
    try:
        frames = get_frame_list(reader, unique)
    except Exception as err:
        raise RuntimeError(f'Failed to decode frames {unique.min()}..'
                           f'{unique.max()} of {filename}: {err}') from err
    shape = frames[0].shape
    if size is not None and tuple(shape[:2]) != tuple(size):
        # resized straight into one array, without stacking the frames
        resized = np.empty((len(frames), size[0], size[1]) + shape[2:],
                           frames[0].dtype)
        for frame, out in zip(frames, resized):
            cv2.resize(frame, (size[1], size[0]), dst=out,
                       interpolation=cv2.INTER_LINEAR)
        frames = resized
    return np.asarray(frames), rows.reshape(-1)


def build_view_pipeline(steps: Optional[Sequence[Union[dict, Callable]]]
                        ) -> List[Callable]:
    """Transforms of ``steps`` (configs or callables), built in the
    ``tsptools`` scope so that unscoped names inside wrappers such as
    ``mmcv.RandomApply`` resolve to tsptools' transforms."""
    built = []
    with DefaultScope.overwrite_default_scope('tsptools'):
        for step in steps or []:
            if isinstance(step, dict):
                step = TRANSFORMS.build(step)
            if not callable(step):
                raise TypeError('view_pipeline steps must be transform '
                                f'configs or callables, got {step!r}')
            built.append(step)
    return built


@TRANSFORMS.register_module()
class PastePseudoActions(BaseTransform):
    """Decode a source video and its background videos, synthesize PAL's
    two videos with a pseudo-action synthesizer and augment each of them
    with the ``view_pipeline``.

    Each video is opened once and decoded once, with one ``get_batch`` of
    exactly the frames the synthesizer's plan needs
    (:meth:`PseudoActionPaste.sample_plan`); the frames are then resized
    (bilinear, OpenCV) to ``frame_size`` so that source and backgrounds can
    be blended (decord's own resizing fails on some small widths).

    **View pipeline.** Each of the two synthesized videos goes through the
    transforms of ``view_pipeline`` on its own results dict: ``imgs`` (the
    float32 ``J t x H x W x 3`` video, 0-255 RGB), ``img_shape``,
    ``original_shape`` (``(H, W)``) and ``modality='RGB'``, the keys that
    mmaction2's image transforms read. Transforms of mmaction2 and mmcv draw
    from numpy's and Python's global generators: the pipeline of each video
    runs under :func:`tsptools.utils.seeded_global_rng` with its own seed
    drawn from the sample's generator, so that a sample stays a function of
    ``synth_seed`` (not of the worker or of what ran before) and the global
    generators are left as they were. One draw per transform per video:
    every frame of a video gets the same parameters, the two videos
    independent ones. Both videos must come out with the same frame size
    (end the pipeline with a fixed-size resize). MoCo v2's augmentation as
    the paper uses it, at 112 pixels::

        view_pipeline = [
            dict(type='mmaction.RandomResizedCrop', area_range=(0.2, 1.0),
                 aspect_ratio_range=(3 / 4, 4 / 3)),
            dict(type='mmaction.Resize', scale=(112, 112),
                 keep_ratio=False),
            dict(type='mmaction.Flip', flip_ratio=0.5),
            dict(type='RandomApply', prob=0.8, transforms=[
                dict(type='VideoColorJitter', brightness=0.4,
                     contrast=0.4, saturation=0.4, hue=0.1)]),
            dict(type='RandomApply', prob=0.5, transforms=[
                dict(type='VideoGaussianBlur', sigma_range=(0.1, 2.0))]),
        ]

    Required keys: ``filename``; ``background_filenames`` (a list, at least
    ``synthesizer.num_backgrounds`` long; :class:`PseudoActionDataset` adds
    it); optional ``synth_seed`` (seed of this sample's draws, added by the
    dataset; without it the draws come from numpy's global generator).

    Added keys:
        - ``imgs``: float32 ``2 J t x h x w x 3`` array, the ``J`` clips of
          the first synthesized video then those of the second (0-255 RGB);
          ``mmaction.FormatShape(input_format='NCTHW')`` turns it into
          ``2 J x 3 x t x h x w``.
        - ``num_clips`` (``2 J``), ``clip_len`` (``t``).
        - ``region_a``, ``region_b``: int64 ``[s, e]``, inclusive clip
          indices of the pasted region in the first / second video.
        - ``pal_betas``, ``pal_strides``: blending ratio and frame stride of
          each view; ``pal_backgrounds``: the background file of each view.
        - ``img_shape``, ``original_shape``, ``modality`` (``'RGB'``).

    Args:
        synthesizer (dict | PseudoActionPaste): a ``SYNTHESIZERS`` config,
            e.g. ``dict(type='PseudoActionPaste', num_clips=8, clip_len=8)``.
        view_pipeline (list[dict | callable] | None): transforms (configs
            or objects) applied to each synthesized video. ``None`` or
            ``[]``: the videos as synthesized, at ``frame_size``. Defaults
            to None.
        frame_size (tuple[int, int] | None): ``(height, width)`` every video
            is resized to; ``None`` keeps the source's size and resizes
            backgrounds of another size to it. Defaults to
            ``(128, 171)``, the 112-crop convention of Kinetics pipelines.
        num_threads (int): decord threads. Defaults to 1.
        backend (str): ``'decord'`` (default) or ``'pyav'`` (opt-in,
            :class:`PyAVReader`: faster random access to the
            constant-frame-rate videos of ``tools/data/prepare_videos.py``,
            the same frames).
    """

    def __init__(self,
                 synthesizer: Union[dict, object],
                 view_pipeline: Optional[Sequence[Union[dict,
                                                        Callable]]] = None,
                 frame_size: Optional[Sequence[int]] = (128, 171),
                 num_threads: int = 1,
                 backend: str = 'decord') -> None:
        if backend not in BACKENDS:
            raise ValueError(f'backend must be one of {BACKENDS}, got '
                             f'{backend!r}')
        self.backend = backend
        self.synthesizer = SYNTHESIZERS.build(synthesizer) if isinstance(
            synthesizer, dict) else synthesizer
        self.frame_size = None if frame_size is None else tuple(
            int(x) for x in frame_size)
        self.view_pipeline = build_view_pipeline(view_pipeline)
        self.num_threads = num_threads

    def _open(self, filename: str):
        if self.backend == 'pyav':
            return PyAVReader(filename, self.num_threads)
        return open_video(filename, self.num_threads)

    def transform(self, results: dict) -> dict:
        synth = self.synthesizer
        seed = results.get('synth_seed')
        rng = np.random.default_rng(
            seed if seed is not None else np.random.randint(2**31))
        filename = results['filename']
        bg_files = list(results.get('background_filenames', ()))
        if len(bg_files) < synth.num_backgrounds:
            raise KeyError(
                f'PastePseudoActions: sample of {filename} has '
                f'{len(bg_files)} background videos, the synthesizer needs '
                f'{synth.num_backgrounds} (use PseudoActionDataset)')
        bg_files = bg_files[:synth.num_backgrounds]
        reader = self._open(filename)
        bg_readers = [self._open(f) for f in bg_files]
        plan = synth.sample_plan(len(reader), [len(r) for r in bg_readers],
                                 rng)

        src, rows = _read_frames(reader, filename,
                                 np.concatenate(plan['source_inds']),
                                 self.frame_size)
        split = np.cumsum([len(i) for i in plan['source_inds']])[:-1]
        regions = [src[r] for r in np.split(rows, split)]
        size = src.shape[1:3]

        backgrounds = [None, None]
        if synth.num_backgrounds:
            for b, bg_file in enumerate(bg_files):
                views = [v for v, i in enumerate(plan['background_ids'])
                         if i == b]
                frames, rows = _read_frames(bg_readers[b], bg_file,
                                            plan['background_inds'][views[0]],
                                            size)
                if not np.array_equal(rows, np.arange(len(frames))):
                    frames = frames[rows]  # repeated frames (short video)
                for v in views:
                    backgrounds[v] = frames

        videos = synth.render(plan, regions, backgrounds)
        if self.view_pipeline:
            seeds = rng.integers(0, 2**32, size=2)
            videos = [self.augment(v, int(s)) for v, s in zip(videos, seeds)]
            if videos[0].shape != videos[1].shape:
                raise ValueError(
                    f'PastePseudoActions: the view pipeline made videos of '
                    f'{videos[0].shape[1:3]} and {videos[1].shape[1:3]} '
                    'pixels; end it with a resize to a fixed size')
        imgs = np.concatenate(videos, axis=0)
        results['imgs'] = imgs
        results['num_clips'] = 2 * synth.num_clips
        results['clip_len'] = synth.clip_len
        results['region_a'] = np.asarray(plan['regions'][0], dtype=np.int64)
        results['region_b'] = np.asarray(plan['regions'][1], dtype=np.int64)
        results['pal_betas'] = [float(b) for b in plan['betas']]
        results['pal_strides'] = [int(r) for r in plan['strides']]
        results['pal_backgrounds'] = [
            bg_files[i] for i in plan['background_ids']
        ]
        results['original_shape'] = tuple(size)
        results['img_shape'] = imgs.shape[1:3]
        results['modality'] = 'RGB'
        return results

    def augment(self, video: np.ndarray, seed: int) -> np.ndarray:
        """One synthesized video through the view pipeline, the global
        generators seeded with ``seed``; a float32 ``T x h x w x 3``
        array."""
        view = dict(imgs=video, img_shape=tuple(video.shape[1:3]),
                    original_shape=tuple(video.shape[1:3]), modality='RGB')
        with seeded_global_rng(seed):
            for step in self.view_pipeline:
                view = step(view)
                if view is None:
                    raise RuntimeError(f'PastePseudoActions: view pipeline '
                                       f'step {step!r} returned None')
        return np.ascontiguousarray(np.asarray(view['imgs']),
                                    dtype=np.float32)

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(synthesizer={self.synthesizer!r}, '
                f'view_pipeline={self.view_pipeline!r}, '
                f'frame_size={self.frame_size}, backend={self.backend!r})')
