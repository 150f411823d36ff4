import math
from typing import Iterator, Optional

import torch
from mmengine.dataset import DefaultSampler

from tsptools.registry import DATA_SAMPLERS


@DATA_SAMPLERS.register_module()
class EpochLengthSampler(DefaultSampler):
    """Epochs of exactly ``num_samples`` samples, whatever the dataset's
    length: the way to give methods whose datasets differ in size the same
    training budget per epoch (the SynthActions papers' table trains every
    row on 1,130 clips an epoch).

    Each epoch draws ``num_samples`` indices: whole random permutations of
    the dataset (``torch.randperm`` seeded with ``seed + epoch``, one
    generator for the epoch) concatenated as often as needed and cut to
    ``num_samples``. So with ``num_samples <= len(dataset)`` an epoch is a
    random subset without repeats; with more, every sample appears
    ``floor`` or ``ceil`` of ``num_samples / len(dataset)`` times. With
    ``shuffle=False`` the indices are ``0, 1, ..., len - 1`` repeated and
    cut. The indices are then padded and split between the ranks as by
    mmengine's ``DefaultSampler`` (``round_up``; rank ``r`` of ``n`` takes
    every ``n``-th from ``r``). Every rank draws the same indices; the
    runner passes its seed and calls :meth:`set_epoch`.

    Datasets that draw a sample's randomness from ``(seed, epoch, index)``
    (:class:`UntrimmedVideoDataset`, :class:`BoundarySynthesisDataset`,
    :class:`PseudoActionDataset`) give a repeated index the same sample
    within an epoch: to draw more samples than there are, make the dataset
    longer (``clips_per_segment``, ``samples_per_video``) rather than
    ``num_samples`` larger than it.

    Args:
        dataset: any sized dataset.
        num_samples (int): samples per epoch, over all ranks (before the
            padding of ``round_up``); at least 1.
        shuffle (bool): random draws (default) or the dataset's order.
        seed (int, optional): seed of the draws, the same on every rank;
            ``None``: a random one shared by the ranks.
        round_up (bool): pad the epoch to a multiple of the world size, as
            ``DefaultSampler``. Defaults to True.
    """

    def __init__(self,
                 dataset,
                 num_samples: int,
                 shuffle: bool = True,
                 seed: Optional[int] = None,
                 round_up: bool = True) -> None:
        if int(num_samples) != num_samples or num_samples < 1:
            raise ValueError(f'{type(self).__name__}: num_samples must be a '
                             f'positive integer, got {num_samples!r}')
        if len(dataset) == 0:
            raise ValueError(f'{type(self).__name__}: the dataset '
                             f'{type(dataset).__name__} is empty')
        super().__init__(
            dataset, shuffle=shuffle, seed=seed, round_up=round_up)
        self.epoch_length = int(num_samples)
        if self.round_up:
            self.num_samples = math.ceil(self.epoch_length / self.world_size)
            self.total_size = self.num_samples * self.world_size
        else:
            self.num_samples = math.ceil(
                (self.epoch_length - self.rank) / self.world_size)
            self.total_size = self.epoch_length

    def epoch_indices(self) -> list:
        """The ``num_samples`` indices of this epoch, before padding and
        the split between ranks."""
        size = len(self.dataset)
        passes = math.ceil(self.epoch_length / size)
        if self.shuffle:
            g = torch.Generator()
            g.manual_seed(self.seed + self.epoch)
            indices = torch.cat(
                [torch.randperm(size, generator=g) for _ in range(passes)])
        else:
            indices = torch.arange(size).repeat(passes)
        return indices[:self.epoch_length].tolist()

    def __iter__(self) -> Iterator[int]:
        indices = self.epoch_indices()
        if self.round_up:
            indices = (indices * int(self.total_size / len(indices) +
                                     1))[:self.total_size]
        return iter(indices[self.rank:self.total_size:self.world_size])
