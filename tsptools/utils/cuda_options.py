"""GPU-only speed options of the tools, decided in one place so that they can
be tested on machines without CUDA (``docs/en/user_guides/training.md``,
``docs/en/user_guides/feature_extraction.md``).

* :func:`amp_optim_wrapper`: what ``tools/train.py --amp [--amp-dtype]``
  does to the config's ``optim_wrapper``;
* :func:`extraction_speedups`: which of ``tools/extract_features.py``'s
  ``--channels-last`` / ``--cudnn-benchmark`` apply on a device, plus pinned
  memory;
* :func:`to_channels_last_3d`: the memory format change of a model.

Every function asks ``torch.cuda`` at call time, so tests can monkeypatch
``torch.cuda.is_available`` / ``torch.cuda.is_bf16_supported``.
"""
import copy
from typing import List, Optional, Tuple

import torch

#: ``--amp-dtype`` choices -> the ``dtype`` of mmengine's AmpOptimWrapper.
AMP_DTYPES = {'bf16': 'bfloat16', 'fp16': 'float16'}


def bf16_supported() -> bool:
    """Whether the current CUDA device computes in bf16 natively (compute
    capability >= 8.0); False without CUDA. Emulated bf16 (torch's default
    answer on older GPUs) does not count: it is slower than fp16."""
    if not torch.cuda.is_available():
        return False
    try:
        return bool(torch.cuda.is_bf16_supported(including_emulation=False))
    except TypeError:  # a torch without the argument
        return bool(torch.cuda.is_bf16_supported())


def default_amp_dtype() -> str:
    """``'bf16'`` where the GPU supports it natively, else ``'fp16'``."""
    return 'bf16' if bf16_supported() else 'fp16'


def amp_optim_wrapper(optim_wrapper: dict,
                      dtype: Optional[str] = None) -> Tuple[dict, str]:
    """The ``optim_wrapper`` config of mixed precision training.

    With CUDA: a copy of ``optim_wrapper`` with ``type='AmpOptimWrapper'``
    and ``dtype`` ``'bfloat16'`` or ``'float16'``. fp16 gets mmengine's
    dynamic loss scaling (``loss_scale='dynamic'``); bf16 has fp32's
    exponent range and needs none, so its GradScaler is disabled
    (``loss_scale=dict(enabled=False)``). A ``loss_scale`` already in the
    config is kept. Without CUDA: ``optim_wrapper`` unchanged (training in
    fp32); mmengine's AmpOptimWrapper refuses to run there, and bf16
    autocast on a CPU is slower than fp32.

    Args:
        optim_wrapper: the config's ``optim_wrapper``.
        dtype: ``'bf16'``, ``'fp16'`` or None (:func:`default_amp_dtype`).

    Returns:
        ``(optim_wrapper, message)``: the message says what was chosen.
    """
    if dtype is not None and dtype not in AMP_DTYPES:
        raise ValueError(f'amp dtype must be one of {sorted(AMP_DTYPES)}, '
                         f'got {dtype!r}')
    if not torch.cuda.is_available():
        return optim_wrapper, ('--amp: no CUDA device, mixed precision is '
                               'OFF: training in fp32')
    chosen = dtype or default_amp_dtype()
    if chosen == 'bf16' and not bf16_supported():
        raise ValueError('--amp-dtype bf16: this GPU has no native bf16 '
                         '(compute capability < 8.0); use fp16')
    out = copy.deepcopy(optim_wrapper)
    out['type'] = 'AmpOptimWrapper'
    out['dtype'] = AMP_DTYPES[chosen]
    if 'loss_scale' in out:
        how = f"loss_scale={out['loss_scale']!r} from the config"
    elif chosen == 'fp16':
        out['loss_scale'] = 'dynamic'
        how = 'dynamic loss scaling'
    else:
        out['loss_scale'] = dict(enabled=False)
        how = 'no loss scaling'
    return out, (f'--amp: AmpOptimWrapper, {chosen} autocast '
                 f'(dtype={AMP_DTYPES[chosen]!r}), {how}')


def is_cuda_device(device) -> bool:
    """Whether ``device`` (``'cuda'``, ``'cuda:1'``, a ``torch.device``) is a
    CUDA device and CUDA is available."""
    return torch.device(device).type == 'cuda' and torch.cuda.is_available()


def extraction_speedups(device, channels_last: bool = False,
                        cudnn_benchmark: bool = False
                        ) -> Tuple[dict, List[str]]:
    """The GPU options of feature extraction that apply on ``device``.

    On a CUDA device: ``channels_last`` and ``cudnn_benchmark`` as asked,
    ``pin_memory=True`` (the DataLoader's batches in page-locked memory, so
    the host-to-device copies, always ``non_blocking``, overlap). Elsewhere
    every option is off and a message says so for each one asked: on a CPU
    ``channels_last_3d`` takes other convolution kernels (not bit-identical,
    not faster), and cuDNN does not run.

    Returns:
        ``(dict(channels_last, cudnn_benchmark, pin_memory), messages)``.
    """
    if is_cuda_device(device):
        return dict(channels_last=bool(channels_last),
                    cudnn_benchmark=bool(cudnn_benchmark),
                    pin_memory=True), []
    messages = [f'{flag}: ignored on {device} (CUDA only)'
                for flag, asked in (('--channels-last', channels_last),
                                    ('--cudnn-benchmark', cudnn_benchmark))
                if asked]
    return dict(channels_last=False, cudnn_benchmark=False,
                pin_memory=False), messages


def to_channels_last_3d(model: torch.nn.Module) -> torch.nn.Module:
    """Store the 5-D parameters and buffers of ``model`` (3-D convolution
    weights) in ``torch.channels_last_3d`` memory format, in place; other
    tensors are left as they are (``Module.to(memory_format=...)`` would
    fail on the 4-D weights of 2-D convolutions)."""
    fmt = torch.channels_last_3d
    for tensor in list(model.parameters()) + list(model.buffers()):
        if tensor.dim() == 5:
            tensor.data = tensor.data.contiguous(memory_format=fmt)
    return model
