"""EpochLengthSampler: epochs of a fixed number of samples."""
from collections import Counter
from unittest import mock

import pytest
import torch
from mmengine.registry import init_default_scope
from mmengine.runner import Runner

from tsptools.datasets.samplers import EpochLengthSampler
from tsptools.registry import DATA_SAMPLERS


def _sampler(dataset, rank=0, world_size=1, **kwargs):
    with mock.patch('mmengine.dataset.sampler.get_dist_info',
                    return_value=(rank, world_size)):
        return EpochLengthSampler(dataset, **kwargs)


def test_registered_and_built_by_the_runner():
    assert DATA_SAMPLERS.get('EpochLengthSampler') is EpochLengthSampler
    init_default_scope('tsptools')
    loader = Runner.build_dataloader(
        dict(batch_size=2, num_workers=0,
             sampler=dict(type='EpochLengthSampler', num_samples=5),
             dataset=list(range(10))),
        seed=3)
    assert isinstance(loader.sampler, EpochLengthSampler)
    assert loader.sampler.seed == 3
    assert sum(len(batch) for batch in loader) == 5


def test_subset_without_repeats_is_the_head_of_a_seeded_permutation():
    sampler = _sampler(list(range(10)), num_samples=4, seed=7)
    sampler.set_epoch(2)
    g = torch.Generator()
    g.manual_seed(7 + 2)
    expected = torch.randperm(10, generator=g).tolist()[:4]
    assert list(sampler) == expected
    assert len(set(expected)) == 4
    assert len(sampler) == 4


def test_longer_epoch_concatenates_permutations():
    # 25 samples of a 10-sample dataset: two whole permutations and the
    # head of a third, every index 2 or 3 times
    sampler = _sampler(list(range(10)), num_samples=25, seed=0)
    indices = list(sampler)
    assert len(indices) == 25
    assert sorted(indices[:10]) == list(range(10))
    assert sorted(indices[10:20]) == list(range(10))
    assert set(Counter(indices).values()) <= {2, 3}
    assert sum(c == 3 for c in Counter(indices).values()) == 5


def test_epochs_differ_and_repeat_with_the_seed():
    sampler = _sampler(list(range(50)), num_samples=20, seed=1)
    first = list(sampler)
    sampler.set_epoch(1)
    second = list(sampler)
    assert first != second
    again = _sampler(list(range(50)), num_samples=20, seed=1)
    again.set_epoch(1)
    assert list(again) == second


def test_no_shuffle_cycles_in_order():
    sampler = _sampler(list(range(4)), num_samples=6, shuffle=False)
    assert list(sampler) == [0, 1, 2, 3, 0, 1]


@pytest.mark.parametrize('round_up', [True, False])
def test_ranks_split_one_draw(round_up):
    # 7 samples over 2 ranks: with round_up the first index is repeated
    # on rank 1 (DefaultSampler's padding), without it rank 0 takes 4
    dataset = list(range(20))
    ranks = [
        _sampler(dataset, rank=r, world_size=2, num_samples=7, seed=5,
                 round_up=round_up) for r in range(2)
    ]
    draw = ranks[0].epoch_indices()
    assert ranks[1].epoch_indices() == draw
    got = [list(s) for s in ranks]
    if round_up:
        assert got == [draw[0::2], draw[1::2] + [draw[0]]]
        assert [len(s) for s in ranks] == [4, 4]
    else:
        assert got == [draw[0::2], draw[1::2]]
        assert [len(s) for s in ranks] == [4, 3]


@pytest.mark.parametrize('num_samples', [0, -3, 2.5])
def test_bad_length_is_an_error(num_samples):
    with pytest.raises(ValueError, match='num_samples'):
        _sampler(list(range(3)), num_samples=num_samples, seed=0)


def test_empty_dataset_is_an_error():
    with pytest.raises(ValueError, match='empty'):
        _sampler([], num_samples=3, seed=0)
