"""The example plugin (projects/example_pretext): its transform and head,
its config (inherits the TSP config, swaps head and data, imports the plugin
with allow_failed_imports=False), and one training iteration through
tools/train.py from the repository root with PYTHONPATH set."""
import importlib.util
import json
import os
import os.path as osp
import subprocess
import sys

import numpy as np
import pytest

from tests.conftest import REPO_ROOT

PROJECT = osp.join(REPO_ROOT, 'projects', 'example_pretext')
CONFIG = ('projects/example_pretext/configs/speednet_r2plus1d-18-w16_'
          'synthtac-pre_2xb8-16x2-6e_synthactions-small.py')


@pytest.fixture
def plugin(monkeypatch):
    monkeypatch.syspath_prepend(PROJECT)
    import example_pretext
    return example_pretext


def test_sample_speed_clip_labels_and_spacing(plugin):
    sample = plugin.SampleSpeedClip(clip_len=4, frame_interval=2,
                                    speeds=(1, 2, 4, 8))
    np.random.seed(0)
    seen = set()
    for _ in range(60):
        out = sample.transform(dict(total_frames=40, filename='x.mp4'))
        speed = (1, 2, 4, 8)[out['speed_label']]
        assert out['speed'] == speed
        assert np.all(np.diff(out['frame_inds']) == 2 * speed)
        assert 0 <= out['frame_inds'][0] and out['frame_inds'][-1] < 40
        seen.add(speed)
    # speed 8 spans (4 - 1) * 2 * 8 + 1 = 49 > 40 frames: never drawn
    assert seen == {1, 2, 4}
    test = plugin.SampleSpeedClip(clip_len=4, frame_interval=2,
                                  test_mode=True)
    labels = [test.transform(dict(total_frames=40, filename=f'{i}.mp4'))
              ['speed_label'] for i in range(12)]
    again = [test.transform(dict(total_frames=40, filename=f'{i}.mp4'))
             ['speed_label'] for i in range(12)]
    assert labels == again and len(set(labels)) > 1
    with pytest.raises(ValueError, match='short.mp4'):
        sample.transform(dict(total_frames=5, filename='short.mp4'))


def test_speed_head_loss_and_predict(plugin):
    import torch
    from mmengine.structures import BaseDataElement
    head = plugin.SpeedClassificationHead(num_classes=4, in_channels=8)
    samples = [BaseDataElement(speed_label=torch.tensor(i % 4))
               for i in range(6)]
    losses = head.loss(torch.randn(6, 8), samples)
    assert set(losses) == {'loss_speed', 'acc_speed'}
    assert losses['loss_speed'].requires_grad
    out = head.predict(torch.randn(6, 8), samples)
    assert out[0].pred_speed.shape == (4, )


def test_config_inherits_tsp_and_swaps_head_and_data(plugin):
    from mmengine.config import Config
    cfg = Config.fromfile(osp.join(REPO_ROOT, CONFIG))
    assert cfg.custom_imports == dict(imports=['example_pretext'],
                                      allow_failed_imports=False)
    assert cfg.model.head == dict(type='SpeedClassificationHead',
                                  num_classes=4, in_channels=128,
                                  dropout_ratio=0.2)
    assert cfg.model.init_cfg.prefix == 'backbone.'  # from the TSP config
    dataset = cfg.train_dataloader.dataset
    assert dataset.type == 'TrimmedVideoDataset' and 'gvf_file' not in dataset
    assert cfg.optim_wrapper.paramwise_cfg.custom_keys['backbone.'] == \
        dict(lr_mult=0.5)


def test_config_fails_loudly_without_the_plugin(monkeypatch):
    from mmengine.config import Config
    monkeypatch.setattr(sys, 'path', [p for p in sys.path if p != PROJECT])
    monkeypatch.delitem(sys.modules, 'example_pretext', raising=False)
    if importlib.util.find_spec('example_pretext') is not None:
        pytest.skip('example_pretext is installed (pip install -e)')
    with pytest.raises(ImportError, match='example_pretext'):
        Config.fromfile(osp.join(REPO_ROOT, CONFIG))


def test_train_one_iteration_from_repo_root(tmp_path, trimmed_set):
    root = trimmed_set
    videos = sorted(os.listdir(root / 'videos'))[:2]
    lines = ''.join(f'{v} {i}\n' for i, v in enumerate(videos))
    (tmp_path / 'train.txt').write_text(lines)
    (tmp_path / 'val.txt').write_text(lines)
    options = [
        'model.init_cfg=None',  # a fresh clone has no TAC checkpoint
        'model.backbone.base_channels=4', 'model.head.in_channels=32',
        f'train_dataloader.dataset.ann_file={tmp_path}/train.txt',
        f'train_dataloader.dataset.data_prefix.video={root}/videos',
        f'val_dataloader.dataset.ann_file={tmp_path}/val.txt',
        f'val_dataloader.dataset.data_prefix.video={root}/videos',
        'train_dataloader.batch_size=2', 'val_dataloader.batch_size=2',
        'train_dataloader.num_workers=0', 'val_dataloader.num_workers=0',
        # 40-frame test videos: 4-frame clips (speeds 1, 2, 4 fit)
        'train_dataloader.dataset.pipeline.1.clip_len=4',
        'val_dataloader.dataset.pipeline.1.clip_len=4',
        'default_hooks.logger.interval=1', 'train_cfg.max_epochs=1',
    ]
    work_dir = tmp_path / 'work'
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        p for p in ('projects/example_pretext',
                    os.environ.get('PYTHONPATH')) if p))
    proc = subprocess.run(
        [sys.executable, 'tools/train.py', CONFIG, '--work-dir',
         str(work_dir), '--seed', '0', '--cfg-options', *options],
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=300)
    log = proc.stdout + proc.stderr
    assert proc.returncode == 0, log[-4000:]
    assert 'Epoch(train) [1][1/1]' in log and 'loss_speed' in log
    scalars = [
        json.loads(line) for stamp in os.listdir(work_dir)
        if osp.isdir(work_dir / stamp / 'vis_data')
        for line in open(work_dir / stamp / 'vis_data' / 'scalars.json')
    ]
    train = [r for r in scalars if 'loss_speed' in r]
    assert len(train) == 1 and np.isfinite(train[0]['loss_speed'])
    assert any('acc_speed' in r and 'mean_acc' in r for r in scalars)
    assert osp.isfile(work_dir / 'epoch_1.pth')
