"""Checkpoints people have: the official TSP releases and torchvision
state_dicts load into the paper configs, safely."""
import argparse
import os
import pickle
import subprocess
import sys

import pytest
import torch
from mmengine.config import Config

from tests.conftest import REPO_ROOT
from tsptools.apis import init_encoder
from tsptools.models.utils.encoder_checkpoint import (detect_layout,
                                                      to_tsptools_state_dict)
from tsptools.registry import MODELS
from tsptools.utils import register_all_modules

CONFIG = (f'{REPO_ROOT}/configs/tsp/'
          'tsp_r2plus1d-18_k400-pre_2xb32-16x2-8e_activitynet.py')


@pytest.fixture(scope='module')
def backbone_weights():
    """Random weights of the paper config's R(2+1)D-18, in torchvision's
    names (as a torchvision state_dict without ``fc``)."""
    register_all_modules()
    torch.manual_seed(0)
    model = MODELS.build(Config.fromfile(CONFIG).model)
    return {k[len('backbone.'):]: v.clone()
            for k, v in model.state_dict().items()
            if k.startswith('backbone.')}


def released_checkpoint(weights, path, num_classes=200, gvf=True):
    """A checkpoint laid out as the official train.py saves it."""
    model = {f'features.{k}': v for k, v in weights.items()}
    model['fc1.weight'] = torch.randn(num_classes, 512)
    model['fc1.bias'] = torch.zeros(num_classes)
    model['fc2.weight'] = torch.randn(2, 1024 if gvf else 512)
    model['fc2.bias'] = torch.zeros(2)
    args = argparse.Namespace(
        backbone='r2plus1d_18', label_columns=['action-label',
                                               'temporal-region-label'],
        backbone_lr=1e-4, fc_lr=0.002, global_video_features='x.h5')
    torch.save(dict(model=model, optimizer={}, lr_scheduler={}, epoch=5,
                    args=args), path)


def test_layouts_are_told_apart_and_mapped(backbone_weights):
    release = dict(model={'features.stem.0.weight': torch.ones(1),
                          'fc.weight': torch.ones(2, 512)},
                   args=argparse.Namespace(
                       label_columns=['temporal-region-label']))
    state, layout = to_tsptools_state_dict(release)
    assert layout == 'tsp_release'
    assert set(state) == {'backbone.stem.0.weight', 'head.fc_region.weight'}
    tv = dict(backbone_weights, **{'fc.weight': torch.ones(400, 512)})
    state, layout = to_tsptools_state_dict(tv)
    assert layout == 'torchvision'
    assert 'head.fc_action.weight' in state
    assert 'backbone.layer4.1.conv2.0.3.weight' in state
    assert detect_layout({'state_dict': {'backbone.x': 1}}) == 'tsptools'


def test_released_checkpoint_extracts_with_the_paper_config(
        tmp_path, backbone_weights):
    path = tmp_path / 'r2plus1d_18-tsp_on_activitynet.pth'
    released_checkpoint(backbone_weights, path)
    model = init_encoder(CONFIG, str(path))
    for key, value in model.backbone.state_dict().items():
        assert torch.equal(value, backbone_weights[key]), key
    # the same features as the torchvision state_dict of the same weights
    tv_path = tmp_path / 'tv.pth'
    torch.save(backbone_weights, tv_path)
    other = init_encoder(CONFIG, str(tv_path))
    x = torch.rand(1, 3, 16, 112, 112) * 255
    with torch.no_grad():
        assert torch.equal(model.extract_feat(x), other.extract_feat(x))


def test_training_init_loads_torchvision_weights_strictly(
        tmp_path, backbone_weights):
    tv_path = tmp_path / 'r2plus1d_18-91a641e6.pth'
    torch.save(dict(backbone_weights, **{
        'fc.weight': torch.zeros(400, 512), 'fc.bias': torch.zeros(400)}),
        tv_path)
    cfg = Config.fromfile(CONFIG).model
    cfg.init_cfg.checkpoint = str(tv_path)
    model = MODELS.build(cfg)
    model.init_weights()
    for key, value in model.backbone.state_dict().items():
        assert torch.equal(value, backbone_weights[key]), key
    # a checkpoint of another architecture names the file
    bad = tmp_path / 'r3d.pth'
    torch.save({'stem.0.weight': torch.zeros(64, 3, 3, 7, 7)}, bad)
    cfg.init_cfg.checkpoint = str(bad)
    with pytest.raises(KeyError, match='r3d.pth'):
        MODELS.build(cfg).init_weights()


class _Exploit:
    def __reduce__(self):
        return (os.system, ('echo exploited',))


def test_a_malicious_checkpoint_is_still_refused(tmp_path, backbone_weights):
    path = tmp_path / 'evil.pth'
    torch.save(dict(model={'features.stem.0.weight': torch.zeros(1)},
                    args=_Exploit()), path)
    with pytest.raises(pickle.UnpicklingError, match='evil.pth'):
        init_encoder(CONFIG, str(path))


def test_converter_writes_a_tsptools_checkpoint(tmp_path, backbone_weights):
    src = tmp_path / 'released.pth'
    released_checkpoint(backbone_weights, src)
    dst = tmp_path / 'out' / 'converted.pth'
    subprocess.run([sys.executable, 'tools/model_converters/'
                    'tsp_official_to_tsptools.py', str(src), str(dst)],
                   cwd=REPO_ROOT, check=True, capture_output=True)
    ckpt = torch.load(dst, weights_only=True)
    assert ckpt['meta']['layout'] == 'tsp_release'
    assert ckpt['meta']['official_args']['fc_lr'] == 0.002
    assert tuple(ckpt['state_dict']['head.fc_region.weight'].shape) == (2,
                                                                       1024)
    model = init_encoder(CONFIG, str(dst))
    for key, value in model.backbone.state_dict().items():
        assert torch.equal(value, backbone_weights[key]), key
