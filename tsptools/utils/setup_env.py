import datetime
import os

import torch
import torch.distributed as torch_dist
from mmengine.registry import init_default_scope


def register_all_modules(init_scope: bool = True) -> None:
    """Import every module that registers components of tsptools.

    Args:
        init_scope (bool): also set the default scope to ``'tsptools'``.
    """
    import tsptools.datasets  # noqa: F401
    import tsptools.engine  # noqa: F401
    import tsptools.evaluation.metrics  # noqa: F401
    import tsptools.models  # noqa: F401
    import tsptools.visualization  # noqa: F401
    if init_scope:
        init_default_scope('tsptools')


def _slurm_to_torch_env() -> None:
    """Translate the SLURM process variables into torchrun's."""
    os.environ.setdefault('RANK', os.environ['SLURM_PROCID'])
    os.environ.setdefault('WORLD_SIZE', os.environ['SLURM_NTASKS'])
    os.environ.setdefault('LOCAL_RANK', os.environ['SLURM_LOCALID'])
    if 'MASTER_ADDR' not in os.environ:
        import subprocess
        nodes = os.environ['SLURM_NODELIST']
        os.environ['MASTER_ADDR'] = subprocess.getoutput(
            f'scontrol show hostname {nodes} | head -n1')
    os.environ.setdefault('MASTER_PORT', '29500')


def init_dist_without_cuda(launcher: str, timeout: int = 1800) -> bool:
    """Initialise ``torch.distributed`` with gloo on machines without CUDA.

    mmengine's launchers call ``torch.cuda.set_device``, which fails on a CPU
    build of torch. When CUDA is absent and ``launcher`` is ``'pytorch'`` or
    ``'slurm'``, this creates the gloo process group itself (mmengine's Runner
    then finds it initialised and skips its own set-up). With CUDA it does
    nothing and mmengine initialises as usual.

    Returns:
        True if this function created the process group.
    """
    if launcher == 'none' or torch.cuda.is_available() or \
            torch_dist.is_initialized():
        return False
    if launcher == 'slurm':
        _slurm_to_torch_env()
    elif launcher != 'pytorch':
        raise ValueError(f'launcher "{launcher}" needs CUDA; use "pytorch" '
                         '(torchrun) or "slurm" on CPU machines')
    torch_dist.init_process_group(
        backend='gloo',
        rank=int(os.environ['RANK']),
        world_size=int(os.environ['WORLD_SIZE']),
        timeout=datetime.timedelta(seconds=timeout))
    return True
