from typing import Optional, Sequence, Tuple, Union

import cv2
import numpy as np
from mmcv.transforms import BaseTransform

from tsptools.registry import SYNTHESIZERS, TRANSFORMS
from .decord_open import open_video
from .pyav_open import BACKENDS, PyAVReader, get_frames


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
        frames = get_frames(reader, unique)
    except Exception as err:
        raise RuntimeError(f'Failed to decode frames {unique.min()}..'
                           f'{unique.max()} of {filename}: {err}') from err
    if size is not None and tuple(frames.shape[1:3]) != tuple(size):
        frames = np.stack([
            cv2.resize(f, (size[1], size[0]), interpolation=cv2.INTER_LINEAR)
            for f in frames
        ])
    return frames, rows.reshape(-1)


@TRANSFORMS.register_module()
class PastePseudoActions(BaseTransform):
    """Decode a source video and its background videos and synthesize PAL's
    two videos with a pseudo-action synthesizer.

    Each video is opened once and decoded once, with one ``get_batch`` of
    exactly the frames the synthesizer's plan needs
    (:meth:`PseudoActionPaste.sample_plan`); the frames are then resized
    (bilinear, OpenCV) to ``frame_size`` so that source and backgrounds can
    be blended (decord's own resizing fails on some small widths).

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
        frame_size (tuple[int, int] | None): ``(height, width)`` every video
            is resized to; ``None`` keeps the source's size and resizes
            backgrounds of another size to it. Defaults to
            ``(128, 171)``, the 112-crop convention of Kinetics pipelines.
        augment (bool): apply the synthesizer's spatial augmentation.
            Defaults to True.
        num_threads (int): decord threads. Defaults to 1.
        backend (str): ``'decord'`` (default) or ``'pyav'`` (opt-in,
            :class:`PyAVReader`: faster random access to the
            constant-frame-rate videos of ``tools/data/prepare_videos.py``,
            the same frames).
    """

    def __init__(self,
                 synthesizer: Union[dict, object],
                 frame_size: Optional[Sequence[int]] = (128, 171),
                 augment: bool = True,
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
        self.augment = augment
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
                frames = frames[rows]
                for v in views:
                    backgrounds[v] = frames

        out = synth.synthesize(plan, regions, backgrounds, rng, self.augment)
        imgs = np.concatenate(out['videos'], axis=0)
        results['imgs'] = imgs
        results['num_clips'] = 2 * synth.num_clips
        results['clip_len'] = synth.clip_len
        results['region_a'] = np.asarray(out['regions'][0], dtype=np.int64)
        results['region_b'] = np.asarray(out['regions'][1], dtype=np.int64)
        results['pal_betas'] = [float(b) for b in out['betas']]
        results['pal_strides'] = [int(r) for r in out['strides']]
        results['pal_backgrounds'] = [
            bg_files[i] for i in out['background_ids']
        ]
        results['original_shape'] = tuple(size)
        results['img_shape'] = imgs.shape[1:3]
        results['modality'] = 'RGB'
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(synthesizer={self.synthesizer!r}, '
                f'frame_size={self.frame_size}, augment={self.augment}, '
                f'backend={self.backend!r})')
