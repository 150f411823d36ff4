from .setup_env import (distributed_run, init_dist_without_cuda,
                        register_all_modules, shutdown_distributed)

__all__ = [
    'distributed_run', 'init_dist_without_cuda', 'register_all_modules',
    'shutdown_distributed'
]
