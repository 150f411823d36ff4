from .safe_checkpoint import (allow_mmengine_checkpoints,
                              load_checkpoint_file, restricted_getattr)

__all__ = [
    'allow_mmengine_checkpoints', 'load_checkpoint_file', 'restricted_getattr'
]
