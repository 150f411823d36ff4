"""tools/train.py --amp / --amp-dtype: the optim_wrapper they produce with
and without CUDA (CUDA faked by monkeypatching torch.cuda)."""
import os.path as osp

import pytest
import torch
from mmengine.config import Config

from tests.conftest import REPO_ROOT, load_script

CONFIG = osp.join(REPO_ROOT, 'configs', 'tsp',
                  'tsp_r2plus1d-34_k400-pre_2xb32-16x2-8e_activitynet.py')


@pytest.fixture(scope='module')
def train_tool():
    return load_script('tools/train.py')


def merged(train_tool, monkeypatch, *flags):
    monkeypatch.setenv('LOCAL_RANK', '0')  # parse_args sets it otherwise
    args = train_tool.parse_args([CONFIG, '--work-dir', 'w', *flags])
    return train_tool.merge_args(Config.fromfile(CONFIG), args)


def fake_cuda(monkeypatch, bf16):
    monkeypatch.setattr(torch.cuda, 'is_available', lambda: True)
    monkeypatch.setattr(torch.cuda, 'is_bf16_supported',
                        lambda including_emulation=True: bf16)


@pytest.mark.parametrize('flags', [['--amp'], ['--amp', '--amp-dtype',
                                               'fp16'], ['--amp-dtype',
                                                         'bf16']])
def test_amp_without_cuda_trains_in_fp32(train_tool, monkeypatch, capsys,
                                         flags):
    monkeypatch.setattr(torch.cuda, 'is_available', lambda: False)
    plain = merged(train_tool, monkeypatch).optim_wrapper
    cfg = merged(train_tool, monkeypatch, *flags)
    assert cfg.optim_wrapper == plain
    assert cfg.optim_wrapper.get('type', 'OptimWrapper') == 'OptimWrapper'
    out = capsys.readouterr().out
    assert out.count('mixed precision is OFF: training in fp32') == 1


@pytest.mark.parametrize('bf16, flags, dtype, loss_scale', [
    (True, ['--amp'], 'bfloat16', dict(enabled=False)),
    (False, ['--amp'], 'float16', 'dynamic'),
    (True, ['--amp', '--amp-dtype', 'fp16'], 'float16', 'dynamic'),
    (True, ['--amp-dtype', 'bf16'], 'bfloat16', dict(enabled=False)),
])
def test_amp_on_cuda(train_tool, monkeypatch, capsys, bf16, flags, dtype,
                     loss_scale):
    fake_cuda(monkeypatch, bf16)
    cfg = merged(train_tool, monkeypatch, *flags)
    assert cfg.optim_wrapper.type == 'AmpOptimWrapper'
    assert cfg.optim_wrapper.dtype == dtype
    assert cfg.optim_wrapper.loss_scale == loss_scale
    # the paper recipe is untouched
    assert cfg.optim_wrapper.optimizer.lr == 0.002
    assert cfg.optim_wrapper.paramwise_cfg.custom_keys['backbone.'] == dict(
        lr_mult=0.05)
    assert 'AmpOptimWrapper' in capsys.readouterr().out


def test_cfg_options_come_after_amp(train_tool, monkeypatch):
    fake_cuda(monkeypatch, False)
    cfg = merged(train_tool, monkeypatch, '--amp', '--cfg-options',
                 'optim_wrapper.loss_scale=256.0')
    assert cfg.optim_wrapper.dtype == 'float16'
    assert cfg.optim_wrapper.loss_scale == 256.0


def test_amp_dtype_choices(train_tool, monkeypatch):
    monkeypatch.setenv('LOCAL_RANK', '0')
    with pytest.raises(SystemExit):
        train_tool.parse_args([CONFIG, '--amp-dtype', 'fp32'])
    args = train_tool.parse_args([CONFIG])
    assert not args.amp and args.amp_dtype is None
