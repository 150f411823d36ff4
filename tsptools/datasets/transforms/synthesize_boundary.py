from typing import List, Sequence, Tuple

import numpy as np
from mmcv.image import imresize
from mmcv.transforms import BaseTransform

from tsptools.registry import SYNTHESIZERS, TRANSFORMS
from .decord_open import open_video
from .pyav_open import BACKENDS, PyAVReader, get_frame_list
from .synthesizers import compose_frames


def window_start(total_frames: int, length: int, offset: float) -> int:
    """First source frame of a window of ``length`` frames in a video of
    ``total_frames``: ``floor(offset * (total_frames - length + 1))``, i.e.
    uniform over the valid starts for ``offset`` uniform in ``[0, 1)``; 0
    when the video is shorter than the window."""
    valid = total_frames - length + 1
    if valid <= 0:
        return 0
    return min(int(np.floor(float(offset) * valid)), valid - 1)


def match_size(frames: np.ndarray, height: int, width: int) -> np.ndarray:
    """Centre-crop ``frames`` (``N x h x w x 3``) to the aspect ratio
    ``height / width``, then resize them (bilinear) to ``height x width``."""
    h, w = frames.shape[1:3]
    if (h, w) == (height, width):
        return frames
    if h * width > w * height:  # too tall: crop rows
        new_h = max(1, int(round(w * height / width)))
        top = (h - new_h) // 2
        frames = frames[:, top:top + new_h]
    elif h * width < w * height:  # too wide: crop columns
        new_w = max(1, int(round(h * width / height)))
        left = (w - new_w) // 2
        frames = frames[:, :, left:left + new_w]
    return np.stack([imresize(f, (width, height)) for f in frames])


@TRANSFORMS.register_module()
class SynthesizeBoundary(BaseTransform):
    """Decode the source frames of a BSP sample and synthesize its clip.

    Works on the samples of :class:`BoundarySynthesisDataset`, which chose
    the synthesizer, its parameters and the source videos. For each source
    video the transform opens it (:func:`open_video`, errors name the file),
    places the source window (:meth:`source_lengths` frames) at
    ``floor(offset * (total_frames - length + 1))``, decodes *only* the
    frames the synthesizer's index map uses, with one read per video (a
    video that two sources use is opened and read once), and composes the
    clip (:func:`compose_frames`: the frames taken whole are the decoded
    arrays, not copies). A video shorter than its window repeats its last
    frame (``short_sources`` counts them). Sources of different sizes are
    brought to the first source's size (centre crop to its aspect ratio,
    then bilinear resize).

    Required keys: ``synthesizer`` (a synthesizer object or config),
    ``synth_params`` (dict), ``sources`` (list of ``dict(filename,
    offset)``).

    Added keys:
        - ``imgs``: list of ``2 tau`` RGB ``H x W x 3`` uint8 frames, no two
          sharing memory;
        - ``boundary_type`` (str), ``change_point`` (int, 0-based index of
          the last frame before the boundary, -1 for none) and
          ``change_point_label`` (the same value, for
          ``ClipAccuracy(tasks=('change_point', ))``);
        - ``source_frame_inds``: list of the decoded frame indices of each
          source; ``short_sources`` (int);
        - ``clip_len`` (``2 tau``), ``num_clips`` (1), ``frame_interval``,
          ``original_shape``, ``img_shape``, ``modality`` (``'RGB'``), as
          mmaction2's ``FormatShape`` and ``Flip`` expect.

    Removed keys: ``synthesizer``.

    Args:
        num_threads (int): decoding threads of decord. Defaults to 1.
        backend (str): ``'decord'`` (default) or ``'pyav'`` (opt-in,
            :class:`PyAVReader`: faster random access to the
            constant-frame-rate videos of ``tools/data/prepare_videos.py``,
            the same frames).
    """

    def __init__(self, num_threads: int = 1, backend: str = 'decord') -> None:
        if backend not in BACKENDS:
            raise ValueError(f'backend must be one of {BACKENDS}, got '
                             f'{backend!r}')
        self.num_threads = num_threads
        self.backend = backend

    def _read(self, reader, filename: str,
              inds: np.ndarray) -> List[np.ndarray]:
        try:
            return get_frame_list(reader, inds)
        except Exception as err:
            raise RuntimeError(f'Failed to decode frames {inds.min()}..'
                               f'{inds.max()} of {filename}: {err}') from err

    def _open(self, filename: str):
        if self.backend == 'pyav':
            return PyAVReader(filename, self.num_threads)
        return open_video(filename, self.num_threads)

    def _decode(self, sources: Sequence[dict], lengths: Sequence[int],
                used: Sequence[np.ndarray]
                ) -> Tuple[List[List[np.ndarray]], List[np.ndarray], int]:
        """Frames and frame indices of each source's ``used`` window frames,
        and the number of sources shorter than their window. Each file is
        opened, read in one call and released before the next one (decord's
        reader decodes ahead in a thread until it is released); a file that
        several sources use (the two windows of a same-class boundary in a
        class with one video) is opened and read once."""
        frames, inds = [None] * len(sources), [None] * len(sources)
        short = 0
        for filename in dict.fromkeys(s['filename'] for s in sources):
            members = [k for k, source in enumerate(sources)
                       if source['filename'] == filename]
            reader = self._open(filename)
            total = len(reader)
            for k in members:
                start = window_start(total, lengths[k],
                                     sources[k].get('offset', 0.0))
                inds[k] = np.minimum(start + used[k], total - 1).astype(
                    np.int64)
                short += int(total < lengths[k])
            batch = self._read(reader, filename,
                               np.concatenate([inds[k] for k in members]))
            del reader
            for k in members:
                frames[k], batch = batch[:len(inds[k])], batch[len(inds[k]):]
        return frames, inds, short

    def transform(self, results: dict) -> dict:
        synth = results.pop('synthesizer')
        if isinstance(synth, dict):
            synth = SYNTHESIZERS.build(synth)
        params = dict(results.get('synth_params') or {})
        sources: Sequence[dict] = results['sources']
        if len(sources) != synth.num_sources:
            raise ValueError(f'{type(synth).__name__} needs '
                             f'{synth.num_sources} source(s), the sample of '
                             f'{results.get("filename")} has {len(sources)}')
        index, weight = synth.index_map(**params)
        lengths = synth.source_lengths(**params)
        used, compact = [], np.full_like(index, -1)
        for s in range(len(sources)):
            column = index[:, s]
            used.append(np.unique(column[column >= 0]))
            valid = column >= 0
            compact[valid, s] = np.searchsorted(used[s], column[valid])
        frames, source_inds, short = self._decode(sources, lengths, used)
        height, width = frames[0][0].shape[:2]
        frames = [frames[0]] + [
            f if f[0].shape[:2] == (height, width) else match_size(
                np.stack(f), height, width) for f in frames[1:]
        ]
        imgs = compose_frames(frames, compact, weight)
        change_point = int(synth.change_point(**params))
        results.update(
            imgs=imgs,
            boundary_type=synth.boundary_type,
            change_point=change_point,
            change_point_label=change_point,
            source_frame_inds=source_inds,
            short_sources=short,
            clip_len=synth.clip_len,
            num_clips=1,
            frame_interval=synth.frame_interval,
            original_shape=(height, width),
            img_shape=(height, width),
            modality='RGB')
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(num_threads={self.num_threads}, '
                f'backend={self.backend!r})')
