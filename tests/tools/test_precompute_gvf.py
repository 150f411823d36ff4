"""tools/precompute_gvf.py: the videos of a config's train and val datasets,
pooled clip features, and a file the untrimmed dataset loads."""
import os
import subprocess
import sys

import h5py
import numpy as np
import pytest
import torch
from mmengine.config import Config

from tests.conftest import REPO_ROOT, TAC_CONFIG, moving_square_frames
from tsptools.apis import extract_video_features, init_encoder
from tsptools.apis.gvf import (pool_features, precompute_gvf, read_gvf,
                               videos_of_config)
from tsptools.datasets.synthactions.writer import write_video

LENGTHS = dict(a=70, b=45, c=20, d=100)  # 30 fps, 64x86
# TSP ground truth of the training videos a and b (official CSV format).
TRAIN_CSV = """video-name,t-start,t-end,action-label,video-duration,\
filename,fps,video-frames,temporal-region-label
a,0.0,1.2,Jump,2.3333,a.mp4,30.0,70,Action
a,1.2,2.3333,,2.3333,a.mp4,30.0,70,No action
b,0.0,1.5,Jump,1.5,b.mp4,30.0,45,Action
"""
CONFIG = """
_base_ = ['{base}']
model = dict(backbone=dict(base_channels=4),
             head=dict(in_channels=32, num_classes=2))
extract_cfg = dict(short_side=40, crop_size=32, batch_size=4, num_workers=0)
train_dataloader = dict(dataset=dict(
    _delete_=True, type='UntrimmedVideoDataset', ann_file='{root}/train.csv',
    data_prefix=dict(video='{root}/videos'), action_label_mapping=['Jump'],
    gvf_file='{root}/gvf.h5', pipeline=[]))
# val videos b (again) and d, trimmed-list style
val_dataloader = dict(dataset=dict(
    ann_file='{root}/val_list.txt', data_prefix=dict(video='{root}/videos'),
    num_classes=2))
"""


@pytest.fixture(scope='module')
def setup(tmp_path_factory):
    root = tmp_path_factory.mktemp('gvf')
    (root / 'videos').mkdir()
    for i, (name, n) in enumerate(LENGTHS.items()):
        write_video(str(root / 'videos' / f'{name}.mp4'),
                    moving_square_frames(n, i % 2, 64, 86, seed=i))
    (root / 'train.csv').write_text(TRAIN_CSV)
    (root / 'val_list.txt').write_text('b.mp4 0\nd.mp4 1\n')
    config = root / 'tsp_tiny.py'
    config.write_text(CONFIG.format(base=TAC_CONFIG, root=root))
    from tsptools.registry import MODELS
    from tsptools.utils import register_all_modules
    register_all_modules()
    torch.manual_seed(0)
    model = MODELS.build(Config.fromfile(str(config)).model)
    ckpt = root / 'tac.pth'
    torch.save({'state_dict': model.state_dict(), 'meta': {}}, ckpt)
    return dict(root=root, config=str(config), checkpoint=str(ckpt),
                model=init_encoder(str(config), str(ckpt)),
                extract_cfg=Config.fromfile(str(config)).extract_cfg)


def clip_features(setup, name):
    return extract_video_features(
        setup['model'], str(setup['root'] / 'videos' / f'{name}.mp4'),
        setup['extract_cfg']).features


def test_videos_are_the_union_of_train_and_val(setup):
    # gvf.h5 does not exist yet: the datasets are built without it
    videos = videos_of_config(Config.fromfile(setup['config']))
    root = setup['root']
    assert videos == [(n, os.path.join(f'{root}/videos', f'{n}.mp4'))
                      for n in ('a', 'b', 'd')]


def test_pooling():
    feats = np.array([[1.0, -2.0], [3.0, 0.0], [2.0, -1.0]], np.float32)
    np.testing.assert_array_equal(pool_features(feats, 'max'), [3.0, 0.0])
    np.testing.assert_allclose(pool_features(feats, 'avg'), [2.0, -1.0])
    with pytest.raises(ValueError, match='pool'):
        pool_features(feats, 'median')


def test_cli_max_pools_and_the_dataset_loads_the_file(setup):
    out = setup['root'] / 'gvf.h5'
    proc = subprocess.run(
        [sys.executable, 'tools/precompute_gvf.py', setup['config'],
         setup['checkpoint'], '--out', str(out), '--no-progress'],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-4000:]
    assert '3 of 3 videos' in proc.stdout
    with h5py.File(out, 'r') as f:
        assert sorted(f) == ['a', 'b', 'd']
        assert f.attrs['pool'] == 'max'
        for name in ('a', 'b', 'd'):
            assert f[name].shape == (32, ) and f[name].dtype == np.float32
            np.testing.assert_allclose(f[name][()],
                                       clip_features(setup, name).max(0),
                                       rtol=1e-4, atol=1e-5)
    from tsptools.registry import DATASETS
    cfg = Config.fromfile(setup['config']).train_dataloader.dataset
    dataset = DATASETS.build(cfg)  # gvf_file=gvf.h5 now exists
    info = dataset.get_data_info(0)
    np.testing.assert_array_equal(info['gvf'], read_gvf(str(out))['a'])


def test_avg_pool_npz_and_failed_videos(setup, tmp_path):
    videos = [(n, str(setup['root'] / 'videos' / f'{n}.mp4'))
              for n in ('b', 'c')] + [('gone', str(tmp_path / 'gone.mp4'))]
    out = str(tmp_path / 'gvf.npz')
    gvfs, failed = precompute_gvf(setup['model'], videos, out,
                                  setup['extract_cfg'], pool='avg',
                                  progress=False)
    assert len(failed) == 1 and 'gone.mp4' in failed[0]
    stored = read_gvf(out)
    assert sorted(stored) == ['b', 'c']  # c: shorter than one clip
    for name in ('b', 'c'):
        np.testing.assert_allclose(stored[name],
                                   clip_features(setup, name).mean(0),
                                   rtol=1e-4, atol=1e-5)


def test_cli_from_features_matches_extraction(setup, tmp_path):
    """Pooling the features of tools/extract_features.py gives the GVF of
    the encoder (the config's train and val videos a, b, d only)."""
    feats = tmp_path / 'feats'
    proc = subprocess.run(
        [sys.executable, 'tools/extract_features.py', setup['config'],
         setup['checkpoint'], '--video-dir', str(setup['root'] / 'videos'),
         '--out-dir', str(feats), '--no-progress'],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-4000:]
    out = tmp_path / 'gvf.npz'
    cmd = [sys.executable, 'tools/precompute_gvf.py', setup['config'],
           '--from-features', str(feats), '--out', str(out)]
    proc = subprocess.run(cmd, cwd=REPO_ROOT, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-4000:]
    stored = read_gvf(str(out))
    assert sorted(stored) == ['a', 'b', 'd']  # c is not in the config
    for name in ('a', 'b', 'd'):
        np.testing.assert_allclose(stored[name],
                                   clip_features(setup, name).max(0),
                                   rtol=1e-4, atol=1e-5)
    # a video of the config without features is an error naming it
    os.remove(feats / 'd.npy')
    proc = subprocess.run(cmd, cwd=REPO_ROOT, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode != 0 and "'d'" not in proc.stdout
    assert 'no features for 1 videos: d' in proc.stderr
