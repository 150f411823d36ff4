import math
from typing import Iterator, Optional

import numpy as np
import torch
from mmengine.dataset import DefaultSampler

from tsptools.registry import DATA_SAMPLERS

BALANCE_MODES = ('undersample', 'oversample')


@DATA_SAMPLERS.register_module()
class BalancedSegmentSampler(DefaultSampler):
    """Each epoch, as many background as action segments of an
    :class:`UntrimmedVideoDataset`, with all the clips of each.

    The official TSP data relies on the roughly equal numbers of action and
    background segments and samples every segment once (mmengine's
    ``DefaultSampler``). Where they differ, this sampler balances them:

    - ``'undersample'``: all segments of the rarer group and as many of the
      other, drawn without replacement;
    - ``'oversample'``: all segments of the larger group and as many of the
      rarer one, each repeated, the remainder drawn without replacement.

    A segment is an action when its ``action_label`` is not -1
    (``dataset.segment_is_foreground()``). The draw uses
    ``numpy.random.default_rng([seed, epoch])``; the selected segments, in
    segment order, give their ``clips_per_segment`` samples (the dataset's
    indices ``segment * C + k``), which are then shuffled, padded and split
    between the ranks as by ``DefaultSampler`` (``torch.randperm`` seeded
    with ``seed + epoch``, rank ``r`` of ``n`` takes every ``n``-th from
    ``r``). Every rank draws the same segments; an epoch has the same length
    every time. The runner passes its seed and calls :meth:`set_epoch`.

    These are the draws of the former ``UntrimmedVideoDataset(balance=...)``
    with a ``DefaultSampler`` of the same seed, except the clip positions
    in the segments: the dataset draws those from the sample's index, so
    the repeats of an oversampled segment in one epoch are the same clips
    (random transforms such as crops and flips still differ).

    Args:
        dataset: an :class:`UntrimmedVideoDataset` (a dataset with
            ``clips_per_segment`` and ``segment_is_foreground()``).
        mode (str): ``'undersample'`` or ``'oversample'``. Defaults to
            ``'undersample'``.
        shuffle (bool): shuffle the samples. Defaults to True.
        seed (int, optional): non-negative seed of the draws and the
            shuffle, the same on every rank; ``None``: a random one shared
            by the ranks.
        round_up (bool): pad the epoch to a multiple of the world size, as
            ``DefaultSampler``. Defaults to True.
    """

    def __init__(self,
                 dataset,
                 mode: str = 'undersample',
                 shuffle: bool = True,
                 seed: Optional[int] = None,
                 round_up: bool = True) -> None:
        if mode not in BALANCE_MODES:
            raise ValueError(f'mode must be one of {BALANCE_MODES}, got '
                             f'{mode!r}')
        if not (hasattr(dataset, 'segment_is_foreground')
                and hasattr(dataset, 'clips_per_segment')):
            raise TypeError(
                f'{type(self).__name__} needs a dataset of segments '
                '(UntrimmedVideoDataset, with segment_is_foreground() and '
                f'clips_per_segment), got {type(dataset).__name__}')
        super().__init__(
            dataset, shuffle=shuffle, seed=seed, round_up=round_up)
        if int(self.seed) != self.seed or self.seed < 0:
            raise ValueError(
                f'seed must be a non-negative integer, got {self.seed}')
        self.mode = mode
        self.clips_per_segment = int(dataset.clips_per_segment)
        foreground = np.asarray(dataset.segment_is_foreground(), dtype=bool)
        self._fg = np.flatnonzero(foreground)
        self._bg = np.flatnonzero(~foreground)
        if len(self._fg) == 0 or len(self._bg) == 0:
            name = getattr(dataset, 'ann_file', type(dataset).__name__)
            raise ValueError(f'{name}: {type(self).__name__}(mode={mode!r}) '
                             f'needs both action ({len(self._fg)}) and '
                             f'background ({len(self._bg)}) segments')
        group = min if mode == 'undersample' else max
        size = 2 * group(len(self._fg), len(self._bg)) * \
            self.clips_per_segment
        if self.round_up:
            self.num_samples = math.ceil(size / self.world_size)
            self.total_size = self.num_samples * self.world_size
        else:
            self.num_samples = math.ceil(
                (size - self.rank) / self.world_size)
            self.total_size = size

    def segment_order(self) -> np.ndarray:
        """The segments of this epoch, in segment order (an oversampled
        segment once per repeat)."""
        rng = np.random.default_rng([self.seed, self.epoch])
        small, large = (self._fg, self._bg) \
            if len(self._fg) <= len(self._bg) else (self._bg, self._fg)
        if self.mode == 'undersample':
            large = np.sort(rng.choice(large, len(small), replace=False))
        else:
            repeats, rest = divmod(len(large), len(small))
            extra = np.sort(rng.choice(small, rest, replace=False))
            small = np.concatenate([np.tile(small, repeats), extra])
        return np.sort(np.concatenate([small, large]), kind='stable')

    def __iter__(self) -> Iterator[int]:
        clips = self.clips_per_segment
        samples = (self.segment_order()[:, None] * clips +
                   np.arange(clips)).reshape(-1)
        if self.shuffle:
            g = torch.Generator()
            g.manual_seed(self.seed + self.epoch)
            positions = torch.randperm(len(samples), generator=g).tolist()
        else:
            positions = list(range(len(samples)))
        if self.round_up:
            positions = (positions * int(self.total_size / len(positions) +
                                         1))[:self.total_size]
        positions = positions[self.rank:self.total_size:self.world_size]
        return iter(samples[positions].tolist())
