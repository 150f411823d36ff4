import os.path as osp

import torch.nn as nn
from mmengine.logging import print_log
from mmengine.runner.checkpoint import _load_checkpoint

from .encoder_checkpoint import (describe_layout, load_encoder_checkpoint,
                                 select_weights, to_tsptools_state_dict)


def load_submodule_checkpoint(model: nn.Module, checkpoint: str,
                              prefix: str = 'backbone.') -> None:
    """Load the ``prefix`` part of a checkpoint into the sub-module of
    ``model`` that ``prefix`` names (``'backbone.'`` -> ``model.backbone``).

    Any layout of :mod:`.encoder_checkpoint` is accepted: tsptools and
    mmaction2 checkpoints (``backbone.*``), the official TSP checkpoints
    (``features.*``) and torchvision VideoResNet state_dicts (Kinetics
    weights). Every weight of the sub-module must be there, with its shape
    (a strict load).

    Raises:
        KeyError: weights of the sub-module are missing; the message names
            the file.
        ValueError: an unknown layout or other shapes (names the file).
    """
    module = model.get_submodule(prefix.rstrip('.'))
    if osp.isfile(checkpoint):
        state, layout = load_encoder_checkpoint(checkpoint)
    else:  # other schemes of mmengine (http, ...)
        state, layout = to_tsptools_state_dict(
            _load_checkpoint(checkpoint, map_location='cpu'), checkpoint)
    weights = select_weights(state, module, prefix, checkpoint)
    module.load_state_dict(weights, strict=True)
    print_log(f'Loaded the {len(weights)} tensors of "{prefix}" from '
              f'{describe_layout(layout, checkpoint)}', logger='current')
