"""tsptools.utils.cuda_options on a machine without CUDA: both branches of
each decision, CUDA faked by monkeypatching torch.cuda."""
import pytest
import torch
from mmengine.config import ConfigDict

from tsptools.utils import (amp_optim_wrapper, default_amp_dtype,
                            extraction_speedups, to_channels_last_3d)

SGD = dict(optimizer=dict(type='SGD', lr=0.002, momentum=0.9),
           paramwise_cfg=dict(custom_keys={'backbone.': dict(lr_mult=0.05)}))


def fake_cuda(monkeypatch, bf16):
    monkeypatch.setattr(torch.cuda, 'is_available', lambda: True)
    monkeypatch.setattr(torch.cuda, 'is_bf16_supported',
                        lambda including_emulation=True: bf16)


def test_amp_is_off_without_cuda(monkeypatch):
    monkeypatch.setattr(torch.cuda, 'is_available', lambda: False)
    cfg = ConfigDict(SGD)
    for dtype in (None, 'bf16', 'fp16'):
        out, message = amp_optim_wrapper(cfg, dtype)
        assert out == SGD and 'type' not in out
        assert 'no CUDA' in message and 'OFF' in message and 'fp32' in message
    assert default_amp_dtype() == 'fp16'


@pytest.mark.parametrize('bf16, dtype, expected, loss_scale', [
    (True, None, 'bfloat16', dict(enabled=False)),
    (False, None, 'float16', 'dynamic'),
    (True, 'fp16', 'float16', 'dynamic'),
    (True, 'bf16', 'bfloat16', dict(enabled=False)),
])
def test_amp_on_cuda(monkeypatch, bf16, dtype, expected, loss_scale):
    fake_cuda(monkeypatch, bf16)
    cfg = ConfigDict(SGD)
    out, message = amp_optim_wrapper(cfg, dtype)
    assert out.type == 'AmpOptimWrapper'
    assert out.dtype == expected and out.loss_scale == loss_scale
    assert out.optimizer == SGD['optimizer']  # the rest kept
    assert out.paramwise_cfg == SGD['paramwise_cfg']
    assert 'type' not in cfg  # a copy
    assert expected in message


def test_amp_keeps_the_configs_loss_scale(monkeypatch):
    fake_cuda(monkeypatch, True)
    out, message = amp_optim_wrapper(ConfigDict(SGD, loss_scale=512.0))
    assert out.loss_scale == 512.0 and out.dtype == 'bfloat16'
    assert '512.0' in message


def test_amp_refuses_bf16_without_native_support(monkeypatch):
    fake_cuda(monkeypatch, False)
    with pytest.raises(ValueError, match='no native bf16'):
        amp_optim_wrapper(ConfigDict(SGD), 'bf16')
    with pytest.raises(ValueError, match='must be one of'):
        amp_optim_wrapper(ConfigDict(SGD), 'fp8')


def test_amp_configs_build_mmengines_wrapper(monkeypatch):
    """The keys produced are those AmpOptimWrapper takes; the bf16 one has a
    disabled GradScaler and steps (autocast on the CPU)."""
    from mmengine.optim import build_optim_wrapper
    from mmengine.optim.optimizer import amp_optimizer_wrapper
    cfgs = {}
    for bf16 in (True, False):
        with monkeypatch.context() as patch:
            fake_cuda(patch, bf16)
            cfgs[bf16], _ = amp_optim_wrapper(
                ConfigDict(optimizer=dict(type='SGD', lr=0.1)))
    # AmpOptimWrapper asserts a GPU; the rest runs on the CPU
    monkeypatch.setattr(amp_optimizer_wrapper, 'is_cuda_available',
                        lambda: True)
    model = torch.nn.Linear(4, 2)
    fp16 = build_optim_wrapper(model, cfgs[False])
    assert type(fp16).__name__ == 'AmpOptimWrapper'
    assert fp16.cast_dtype == torch.float16
    bf16 = build_optim_wrapper(model, cfgs[True])
    assert bf16.cast_dtype == torch.bfloat16
    assert not bf16.loss_scaler.is_enabled()
    before = model.weight.detach().clone()
    with bf16.optim_context(model):
        loss = model(torch.ones(3, 4)).float().sum()
    bf16.update_params(loss)
    assert not torch.equal(before, model.weight)
    bf16.load_state_dict(bf16.state_dict())  # a disabled scaler round-trips


def test_extraction_speedups_are_cuda_only(monkeypatch):
    monkeypatch.setattr(torch.cuda, 'is_available', lambda: False)
    for device in ('cpu', 'cuda'):
        options, messages = extraction_speedups(device, True, True)
        assert options == dict(channels_last=False, cudnn_benchmark=False,
                               pin_memory=False)
        assert len(messages) == 2
        assert all('ignored' in m and 'CUDA only' in m for m in messages)
    assert extraction_speedups('cpu') == (
        dict(channels_last=False, cudnn_benchmark=False, pin_memory=False),
        [])
    fake_cuda(monkeypatch, True)
    assert extraction_speedups('cuda:1', True, False) == (
        dict(channels_last=True, cudnn_benchmark=False, pin_memory=True), [])
    assert extraction_speedups(torch.device('cuda'), False, True)[0] == dict(
        channels_last=False, cudnn_benchmark=True, pin_memory=True)
    options, messages = extraction_speedups('cpu', True, False)
    assert not any(options.values()) and len(messages) == 1


def test_to_channels_last_3d_converts_5d_tensors_only():
    torch.manual_seed(0)
    model = torch.nn.Sequential(torch.nn.Conv3d(3, 4, 3),
                                torch.nn.BatchNorm3d(4),
                                torch.nn.Conv2d(4, 2, 1),
                                torch.nn.Linear(2, 2))
    before = {k: v.clone() for k, v in model.state_dict().items()}
    assert to_channels_last_3d(model) is model
    conv3d = model[0].weight
    assert conv3d.is_contiguous(memory_format=torch.channels_last_3d)
    assert not conv3d.is_contiguous()
    assert isinstance(conv3d, torch.nn.Parameter) and conv3d.requires_grad
    assert model[2].weight.is_contiguous()  # 4-D: left alone
    for key, value in model.state_dict().items():
        assert torch.equal(value, before[key])
