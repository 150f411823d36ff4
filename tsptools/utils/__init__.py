from .cuda_options import (AMP_DTYPES, amp_optim_wrapper, default_amp_dtype,
                           extraction_speedups, to_channels_last_3d)
from .progress import Progress
from .safe_checkpoint import (allow_mmengine_checkpoints,
                              checkpoint_safe_globals,
                              enable_safe_checkpoint_loading,
                              load_checkpoint_file, restricted_getattr)
from .seeded_global_rng import seeded_global_rng
from .setup_env import (distributed_run, init_dist_without_cuda,
                        register_all_modules, shutdown_distributed)

__all__ = [
    'AMP_DTYPES', 'amp_optim_wrapper', 'default_amp_dtype',
    'extraction_speedups', 'to_channels_last_3d',
    'allow_mmengine_checkpoints', 'checkpoint_safe_globals',
    'distributed_run', 'enable_safe_checkpoint_loading',
    'init_dist_without_cuda', 'load_checkpoint_file', 'Progress',
    'register_all_modules',
    'restricted_getattr', 'seeded_global_rng', 'shutdown_distributed'
]
