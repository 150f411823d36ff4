import contextlib
import datetime
import gc
import os
import sys

import torch
import torch.distributed as torch_dist
from mmengine.registry import init_default_scope


def register_all_modules(init_scope: bool = True) -> None:
    """Register every component of tsptools: import the ``locations`` of
    each registry in :mod:`tsptools.registry` (what building inside the
    ``tsptools`` scope does lazily, registry by registry).

    Tools and interactive sessions call it; library code only sets the scope
    (``init_default_scope('tsptools')``) and lets the registries import what
    they build. Checkpoint safety is separate: see
    :func:`tsptools.utils.enable_safe_checkpoint_loading`.

    Args:
        init_scope (bool): also set the default scope to ``'tsptools'``.
    """
    from mmengine.registry import Registry

    from tsptools import registry
    for value in vars(registry).values():
        if isinstance(value, Registry) and value.scope == 'tsptools':
            value.import_from_location()
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


def shutdown_distributed(synchronize: bool = True) -> None:
    """End this rank's part of a distributed run: wait for the other ranks
    (``synchronize``), then destroy the process group.

    Without it the process group outlives the interpreter's finalisation:
    gloo's worker thread then frees the last collective's work (whose tensors
    are Python objects), needs the GIL of an interpreter that is shutting
    down, is unwound through C++ code, and the rank aborts (``terminate
    called without an active exception``, SIGABRT), so torchrun reports a
    finished run as failed. ``destroy_process_group`` joins that thread only
    when it drops the last reference to the group; a DDP wrapper holds one,
    so release the model (e.g. ``del runner``) before calling this, which
    collects garbage first. Does nothing when no process group exists.
    """
    if not (torch_dist.is_available() and torch_dist.is_initialized()):
        return
    try:
        if synchronize and torch_dist.get_world_size() > 1:
            torch_dist.barrier()
    finally:
        gc.collect()  # model wrappers in reference cycles hold the group
        torch_dist.destroy_process_group()


@contextlib.contextmanager
def distributed_run(launcher: str):
    """Run a tool's work inside a process group that always ends cleanly.

    Creates the gloo process group on machines without CUDA
    (:func:`init_dist_without_cuda`; with CUDA mmengine's Runner creates
    it), and on the way out destroys it (:func:`shutdown_distributed`);
    drop the objects that hold the group (the Runner and its DDP model)
    before the block ends. A
    rank whose work raises says so on stderr, with its rank, and leaves
    without waiting for the others: their next collective fails and they
    exit too (torchrun also stops them), instead of hanging until the
    process-group timeout.

    Yields:
        True if this call created the process group.
    """
    created = init_dist_without_cuda(launcher)
    try:
        yield created
    except BaseException as err:
        if torch_dist.is_available() and torch_dist.is_initialized() and \
                torch_dist.get_world_size() > 1:
            print(f'rank {torch_dist.get_rank()} of '
                  f'{torch_dist.get_world_size()} failed: '
                  f'{type(err).__name__}: {err}', file=sys.stderr, flush=True)
        shutdown_distributed(synchronize=False)
        raise
    shutdown_distributed()
