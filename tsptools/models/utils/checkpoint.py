import torch.nn as nn
from mmengine.logging import print_log
from mmengine.runner.checkpoint import _load_checkpoint, load_state_dict


def load_submodule_checkpoint(model: nn.Module, checkpoint: str,
                              prefix: str = 'backbone.') -> None:
    """Load the ``prefix`` part of a checkpoint into the sub-module of
    ``model`` that ``prefix`` names (``'backbone.'`` -> ``model.backbone``).

    Works with mmengine checkpoints of any tsptools pretrainer and with
    mmaction2 recognizer checkpoints (both store ``backbone.*`` keys).

    Raises:
        KeyError: the checkpoint has no key starting with ``prefix``, or
            none of them fits the sub-module; the message names the file.
    """
    module = model.get_submodule(prefix.rstrip('.'))
    ckpt = _load_checkpoint(checkpoint, map_location='cpu')
    state = ckpt.get('state_dict', ckpt)
    state = {
        k[len(prefix):]: v
        for k, v in state.items() if k.startswith(prefix)
    }
    if not state:
        raise KeyError(f'Checkpoint {checkpoint} has no "{prefix}*" weights')
    own = module.state_dict()
    matched = [k for k, v in state.items()
               if k in own and own[k].shape == v.shape]
    if not matched:
        raise KeyError(f'No "{prefix}*" weight of {checkpoint} fits '
                       f'{type(module).__name__}: wrong architecture?')
    load_state_dict(module, state, strict=False, logger='current')
    print_log(
        f'Loaded {len(matched)}/{len(own)} tensors of "{prefix}" from '
        f'{checkpoint}', logger='current')
