from .build import build_scoped_model
from .checkpoint import load_submodule_checkpoint
from .classification import masked_accuracy, stack_field

__all__ = [
    'build_scoped_model', 'load_submodule_checkpoint', 'masked_accuracy',
    'stack_field'
]
