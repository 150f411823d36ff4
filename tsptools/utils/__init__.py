from .setup_env import init_dist_without_cuda, register_all_modules

__all__ = ['init_dist_without_cuda', 'register_all_modules']
