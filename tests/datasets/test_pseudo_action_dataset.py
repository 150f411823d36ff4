"""PseudoActionDataset: labels ignored, backgrounds drawn per sample from
(seed, epoch, index), and the SynthActions PAL pipeline end to end."""
import os.path as osp

import pytest
from mmengine.config import Config

from tests.conftest import REPO_ROOT
from tsptools.datasets import PseudoActionDataset
from tsptools.registry import DATASETS
from tsptools.utils import register_all_modules

PAL_CONFIG = osp.join(
    REPO_ROOT, 'configs', 'pal',
    'pal_r3d-18-w8_scratch-pre_1xb8-40e_synthactions-small.py')


def make(root, **kwargs):
    return PseudoActionDataset(
        ann_file=str(root / 'train_list.txt'),
        data_prefix=dict(video=str(root / 'videos')),
        **kwargs)


def test_labels_are_ignored_and_unlabeled_lists_load(trimmed_set, tmp_path):
    ds = make(trimmed_set)
    assert len(ds) == 6
    info = ds.get_data_info(0)
    assert 'action_label' not in info and 'label' not in info
    assert info['filename'].endswith('cls0_0.mp4')
    paths = tmp_path / 'paths.txt'
    paths.write_text('# unlabeled\ncls0_0.mp4\n\ncls1_1.mp4\n')
    ds = PseudoActionDataset(
        ann_file=str(paths), data_prefix=dict(video=str(
            trimmed_set / 'videos')))
    assert [ds.get_data_info(i)['video_name'] for i in range(len(ds))] == \
        ['cls0_0', 'cls1_1']


def test_backgrounds_are_other_distinct_videos(trimmed_set):
    ds = make(trimmed_set)
    for idx in range(len(ds)):
        info = ds.get_data_info(idx)
        assert len(info['background_filenames']) == 2
        assert len(set(info['background_filenames'])) == 2
        assert info['filename'] not in info['background_filenames']
        assert info['sample_idx'] == idx


def test_draws_depend_on_seed_epoch_and_index_only(trimmed_set):
    a, b = make(trimmed_set), make(trimmed_set)
    draws = [(a.get_data_info(i)['synth_seed'],
              a.get_data_info(i)['background_names']) for i in range(6)]
    assert draws == [(b.get_data_info(i)['synth_seed'],
                      b.get_data_info(i)['background_names'])
                     for i in range(6)]
    assert len({d[0] for d in draws}) == 6
    a.set_epoch(1)
    assert [a.get_data_info(i)['synth_seed'] for i in range(6)] != \
        [d[0] for d in draws]
    c = make(trimmed_set, seed=1)
    assert c.get_data_info(0)['synth_seed'] != draws[0][0]
    # validation samples are the same every epoch
    val = make(trimmed_set, test_mode=True)
    first = val.get_data_info(2)['synth_seed']
    val.set_epoch(5)
    assert val.get_data_info(2)['synth_seed'] == first


def test_short_lists(trimmed_set, tmp_path):
    one = tmp_path / 'one.txt'
    one.write_text('cls0_0.mp4 0\n')
    ds = PseudoActionDataset(
        ann_file=str(one),
        data_prefix=dict(video=str(trimmed_set / 'videos')))
    assert ds.get_data_info(0)['background_names'] == ['cls0_0', 'cls0_0']
    two = tmp_path / 'two.txt'
    two.write_text('cls0_0.mp4 0\ncls1_1.mp4 1\n')
    ds = PseudoActionDataset(
        ann_file=str(two),
        data_prefix=dict(video=str(trimmed_set / 'videos')))
    assert ds.get_data_info(0)['background_names'] == ['cls1_1', 'cls1_1']
    with pytest.raises(FileNotFoundError, match='missing.mp4'):
        (tmp_path / 'bad.txt').write_text('missing.mp4 0\n')
        PseudoActionDataset(ann_file=str(tmp_path / 'bad.txt'))


def test_synthactions_config_pipeline(trimmed_set):
    register_all_modules()
    cfg = Config.fromfile(PAL_CONFIG).train_dataloader.dataset
    cfg.ann_file = str(trimmed_set / 'train_list.txt')
    cfg.data_prefix = dict(video=str(trimmed_set / 'videos'))
    ds = DATASETS.build(cfg)
    sample = ds[1]
    # 2 videos x 4 clips, each 3 x 4 frames x 32 x 32
    assert sample['inputs'].shape == (8, 3, 4, 32, 32)
    data = sample['data_samples']
    assert data.metainfo['sample_idx'] == 1
    assert len(data.metainfo['background_names']) == 2
    for key in ('region_a', 'region_b'):
        s, e = data.get(key).tolist()
        assert 0 <= s <= e < 4 and e - s + 1 <= 3
