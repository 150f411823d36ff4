from .build import build_scoped_model
from .checkpoint import load_submodule_checkpoint
from .classification import masked_accuracy, stack_field
from .encoder_checkpoint import (detect_layout, load_encoder_checkpoint,
                                 load_encoder_weights, select_weights,
                                 to_tsptools_state_dict)

__all__ = [
    'build_scoped_model', 'load_submodule_checkpoint', 'masked_accuracy',
    'stack_field', 'detect_layout', 'load_encoder_checkpoint',
    'load_encoder_weights',
    'select_weights', 'to_tsptools_state_dict'
]
