from .build import build_scoped_model
from .classification import masked_accuracy, stack_field

__all__ = ['build_scoped_model', 'masked_accuracy', 'stack_field']
