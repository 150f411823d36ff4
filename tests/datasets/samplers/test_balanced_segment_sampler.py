"""BalancedSegmentSampler: the action/background balancing that
UntrimmedVideoDataset(balance=...) did, as a distributed sampler.

Expected orders (``EXPECTED``) were recorded from the former dataset option
with mmengine's DefaultSampler of the same seed, before the move."""
from unittest import mock

import numpy as np
import pytest
import torch
from mmengine.dataset import DefaultSampler
from mmengine.registry import init_default_scope
from mmengine.runner import Runner

from tsptools.datasets.samplers import BalancedSegmentSampler
from tsptools.datasets.untrimmed_video_dataset import UntrimmedVideoDataset
from tsptools.registry import DATA_SAMPLERS
from tests.conftest import segment_row, write_segment_csv


def _dataset(ann, **kwargs):
    return UntrimmedVideoDataset(
        ann_file=ann, data_prefix=dict(video='/data/videos'), **kwargs)


def _sampler(dataset, rank=0, world_size=1, **kwargs):
    with mock.patch('mmengine.dataset.sampler.get_dist_info',
                    return_value=(rank, world_size)):
        return BalancedSegmentSampler(dataset, **kwargs)


def _pairs(dataset, indices):
    infos = [dataset.get_data_info(i) for i in indices]
    return [(info['segment_index'], info['clip_index']) for info in infos]


def _counts(dataset, indices):
    labels = [dataset.get_data_info(i)['action_label'] for i in indices]
    return sum(label >= 0 for label in labels), sum(label < 0
                                                    for label in labels)


# 3 action segments [0, 2], [2, 4], [4, 6] and 1 background [6, 10]
ROWS = [
    segment_row('v', 0.0, 2.0, 'A'),
    segment_row('v', 2.0, 4.0, 'A'),
    segment_row('v', 4.0, 6.0, 'A'),
    segment_row('v', 6.0, 10.0, '')
]


def test_registered_and_built_by_the_runner(tmp_path):
    assert DATA_SAMPLERS.get('BalancedSegmentSampler') is \
        BalancedSegmentSampler
    init_default_scope('tsptools')
    loader = Runner.build_dataloader(
        dict(batch_size=2, num_workers=0,
             sampler=dict(type='BalancedSegmentSampler', mode='oversample'),
             dataset=dict(type='UntrimmedVideoDataset',
                          ann_file=write_segment_csv(tmp_path, ROWS),
                          data_prefix=dict(video='/data/videos')),
             collate_fn=dict(type='pseudo_collate')),
        seed=3)
    assert isinstance(loader.sampler, BalancedSegmentSampler)
    assert loader.sampler.seed == 3 and len(loader.sampler) == 30
    assert len(loader) == 15


def test_undersample_and_oversample(tmp_path):
    ds = _dataset(write_segment_csv(tmp_path, ROWS))
    assert _counts(ds, range(len(ds))) == (15, 5)  # the dataset: all
    under = _sampler(ds, mode='undersample', seed=0)
    picked = []
    for epoch in range(6):
        under.set_epoch(epoch)
        indices = list(under)
        assert len(under) == len(indices) == 10
        assert _counts(ds, indices) == (5, 5)
        order = under.segment_order()
        assert 3 in order
        picked.append(int(order[order != 3][0]))
        expected = np.sort(
            np.random.default_rng([0, epoch]).choice([0, 1, 2],
                                                     1,
                                                     replace=False))
        assert picked[-1] == expected[0]
        # every clip of a selected segment, each once
        assert sorted(_pairs(ds, indices)) == sorted(
            (s, k) for s in order for k in range(5))
    assert len(set(picked)) > 1  # the draw changes with the epoch
    over = _sampler(ds, mode='oversample', seed=0, shuffle=False)
    indices = list(over)
    assert len(over) == 30 and _counts(ds, indices) == (15, 15)
    assert list(over.segment_order()) == [0, 1, 2, 3, 3, 3]
    # samples of a balanced epoch: clip k of the group's segment
    assert _pairs(ds, indices)[22] == (3, 2)


def test_errors(tmp_path):
    ds = _dataset(write_segment_csv(tmp_path, ROWS))
    with pytest.raises(ValueError, match='mode must be one of'):
        _sampler(ds, mode='yes')
    with pytest.raises(ValueError, match='non-negative'):
        _sampler(ds, seed=-1)
    only_fg = _dataset(write_segment_csv(tmp_path, ROWS[:3], 'fg.csv'))
    with pytest.raises(ValueError, match=r'fg\.csv: .*needs both action'):
        _sampler(only_fg, mode='undersample')
    with pytest.raises(TypeError, match='dataset of segments'):
        _sampler(list(range(10)))


# segments 0..6: fg, bg, fg, fg, bg, fg, fg (5 actions, 2 backgrounds)
MIXED = [
    segment_row('v', 0.0, 2.0, 'A'),
    segment_row('v', 2.0, 4.0, ''),
    segment_row('v', 4.0, 6.0, 'B'),
    segment_row('v', 6.0, 8.0, 'A'),
    segment_row('v', 8.0, 10.0, ''),
    segment_row('w', 0.0, 3.0, 'B'),
    segment_row('w', 3.0, 6.0, 'A')
]
# (mode, seed, world size, rank, epoch): (segment, clip) of every sample,
# from UntrimmedVideoDataset(clips_per_segment=2, balance=mode, seed=seed)
# iterated by DefaultSampler(seed=seed) before the balancing moved here.
EXPECTED = {
    ('undersample', 0, 1, 0, 0): [(5, 0), (1, 0), (6, 1), (4, 1), (4, 0),
                                  (5, 1), (1, 1), (6, 0)],
    ('undersample', 0, 1, 0, 1): [(4, 1), (4, 0), (3, 0), (6, 0), (6, 1),
                                  (3, 1), (1, 1), (1, 0)],
    ('oversample', 7, 2, 0, 1): [(1, 1), (4, 1), (3, 1), (3, 0), (5, 0),
                                 (0, 0), (0, 1), (1, 0), (4, 0), (4, 0)],
    ('oversample', 7, 2, 1, 1): [(5, 1), (6, 0), (2, 0), (4, 1), (2, 1),
                                 (1, 0), (6, 1), (4, 0), (1, 1), (4, 1)],
    # 8 samples on 3 ranks: padded to 9 as DefaultSampler pads
    ('undersample', 7, 3, 0, 2): [(6, 0), (4, 1), (2, 1)],
    ('undersample', 7, 3, 1, 2): [(1, 0), (1, 1), (4, 0)],
    ('undersample', 7, 3, 2, 2): [(2, 0), (6, 1), (6, 0)],
}


@pytest.mark.parametrize('key', sorted(EXPECTED))
def test_same_draws_as_the_former_dataset_option(tmp_path, key):
    mode, seed, world_size, rank, epoch = key
    ds = _dataset(write_segment_csv(tmp_path, MIXED), clips_per_segment=2, seed=seed)
    sampler = _sampler(ds, rank, world_size, mode=mode, seed=seed)
    sampler.set_epoch(epoch)
    indices = list(sampler)
    assert len(sampler) == len(indices)
    assert _pairs(ds, indices) == EXPECTED[key]


def test_ranks_share_the_draw_and_split_the_epoch(tmp_path):
    ds = _dataset(write_segment_csv(tmp_path, MIXED), clips_per_segment=2)
    shards = [list(_sampler(ds, r, 2, mode='oversample', seed=5))
              for r in range(2)]
    whole = list(_sampler(ds, mode='oversample', seed=5))
    assert len(shards[0]) == len(shards[1]) == 10
    assert sorted(shards[0] + shards[1]) == sorted(whole)
    assert [i for pair in zip(*shards) for i in pair] == whole


@pytest.mark.parametrize('world_size', [1, 2, 3])
def test_balanced_data_is_the_default_sampler(tmp_path, world_size):
    """Equal groups: every segment is kept, in segment order, so the
    samples are DefaultSampler's, rank by rank."""
    rows = MIXED[:5] + [segment_row('w', 0.0, 3.0, '')]  # 3 actions, 3 backgrounds
    ds = _dataset(write_segment_csv(tmp_path, rows), clips_per_segment=3)
    for rank in range(world_size):
        with mock.patch('mmengine.dataset.sampler.get_dist_info',
                        return_value=(rank, world_size)):
            default = DefaultSampler(ds, seed=11)
            ours = BalancedSegmentSampler(ds, seed=11)
        for epoch in (0, 4):
            default.set_epoch(epoch)
            ours.set_epoch(epoch)
            assert list(ours) == list(default)
            assert len(ours) == len(default)


def test_indices_are_python_ints(tmp_path):
    ds = _dataset(write_segment_csv(tmp_path, ROWS))
    indices = list(_sampler(ds, seed=0))
    assert all(type(i) is int for i in indices)
    assert torch.utils.data.Sampler in type(_sampler(ds)).__mro__
