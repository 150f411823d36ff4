import torch
from mmengine.model import MMDistributedDataParallel, revert_sync_batchnorm

from tsptools.registry import MODEL_WRAPPERS


@MODEL_WRAPPERS.register_module()
class CPUCompatibleDDP(MMDistributedDataParallel):
    """mmengine's DDP wrapper that also runs on CPU processes (gloo).

    On CUDA modules it behaves as :class:`MMDistributedDataParallel`. On CPU
    modules, DDP refuses ``device_ids`` and SyncBatchNorm raises, so this
    wrapper drops ``device_ids`` and turns SyncBN layers back into BN.

    Set it with ``model_wrapper_cfg = dict(type='tsptools.CPUCompatibleDDP')`` at the
    top level of a config (``default_runtime.py`` does).
    """

    def __init__(self, module, device_ids=None, **kwargs) -> None:
        kwargs.setdefault('broadcast_buffers', False)
        on_cpu = all(p.device.type == 'cpu' for p in module.parameters())
        if on_cpu or not torch.cuda.is_available():
            module = revert_sync_batchnorm(module)
            device_ids = None
        super().__init__(module=module, device_ids=device_ids, **kwargs)
