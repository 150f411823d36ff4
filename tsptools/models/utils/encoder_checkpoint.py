"""Encoder weights from the checkpoints people have, in one place.

Three layouts are recognised by their keys and turned into the tsptools one
(``backbone.*`` for the encoder, ``head.*`` for the pretext head):

* ``'tsptools'``: an mmengine checkpoint of a tsptools model
  (``{'state_dict': {'backbone.*', 'head.*'}, ...}``, DDP's ``module.``
  prefix allowed), or an mmaction2 recognizer's (``backbone.*``, ``cls_head.*``);
* ``'tsp_release'``: a checkpoint of the official TSP code (the 13 released
  models, ``train.py``'s output): ``{'model': {...}, 'optimizer',
  'lr_scheduler', 'epoch', 'args'}`` whose ``model`` holds ``features.*``
  (torchvision VideoResNet keys) and ``fc1.*`` (action head, C x 512) and
  ``fc2.*`` (region head, 2 x 1024 with the GVF, 2 x 512 without), or one
  ``fc.*`` (TAC models; the "no action head" region-only model, told apart by
  its ``args.label_columns``). Mapped to ``backbone.*``,
  ``head.fc_action.*`` and ``head.fc_region.*`` (:class:`TSPHead`,
  :class:`TACHead`);
* ``'torchvision'``: a plain torchvision VideoResNet state_dict (``stem.*``,
  ``layer1.*`` ... ``layer4.*``, ``fc.*``; Kinetics-400 weights of
  ``r2plus1d_18`` / ``r3d_18`` and the IG65M -> Kinetics ``r2plus1d_34`` of
  the official code): ``backbone.*`` and ``head.fc_action.*``.

Files are read with ``torch.load(weights_only=True)``
(:func:`tsptools.utils.load_checkpoint_file`), which allows the
``argparse.Namespace`` of the official checkpoints and nothing that runs
code.
"""
from typing import Dict, Optional, Tuple

import torch

LAYOUTS = ('tsptools', 'tsp_release', 'torchvision')

_TORCHVISION_ROOTS = ('stem.', 'layer1.', 'layer2.', 'layer3.', 'layer4.')


def _strip_module(state: dict) -> dict:
    return {(k[7:] if k.startswith('module.') else k): v
            for k, v in state.items()}


def detect_layout(ckpt, source: str = 'checkpoint') -> str:
    """The layout of a loaded checkpoint (one of :data:`LAYOUTS`): an
    official TSP checkpoint has ``model`` with ``features.*`` keys, a
    torchvision state_dict only ``stem.*``, ``layer1-4.*`` and ``fc.*``;
    anything else is read as a tsptools/mmengine checkpoint.

    Raises:
        ValueError: not a dict (names ``source``).
    """
    if not isinstance(ckpt, dict):
        raise ValueError(f'{source}: not a checkpoint (a {type(ckpt).__name__}'
                         ', expected a dict)')
    if isinstance(ckpt.get('model'), dict) and any(
            k.startswith(('features.', 'module.features.'))
            for k in ckpt['model']):
        return 'tsp_release'
    state = _strip_module(ckpt.get('state_dict', ckpt))
    if state and all(k.startswith(_TORCHVISION_ROOTS + ('fc.', ))
                     for k in state) and any(
                         k.startswith(_TORCHVISION_ROOTS) for k in state):
        return 'torchvision'
    # anything else is taken as it is; a checkpoint that lacks the weights
    # asked for fails in select_weights(), naming the file and the keys
    return 'tsptools'


def _release_fc_name(ckpt: dict) -> str:
    """Head of the single ``fc`` of an official one-head model."""
    args = ckpt.get('args')
    columns = list(getattr(args, 'label_columns', None) or [])
    if columns == ['temporal-region-label']:
        return 'fc_region'
    return 'fc_action'


def to_tsptools_state_dict(ckpt, source: str = 'checkpoint'
                           ) -> Tuple[Dict[str, torch.Tensor], str]:
    """The tsptools state_dict of a loaded checkpoint of any layout.

    Returns:
        ``(state_dict, layout)``.
    """
    layout = detect_layout(ckpt, source)
    if layout == 'tsptools':
        return _strip_module(ckpt.get('state_dict', ckpt)), layout
    if layout == 'torchvision':
        state = _strip_module(ckpt.get('state_dict', ckpt))
        return {(f'head.fc_action.{k[3:]}' if k.startswith('fc.') else
                 f'backbone.{k}'): v
                for k, v in state.items()}, layout
    heads = dict(fc1='fc_action', fc2='fc_region', fc=_release_fc_name(ckpt))
    out = {}
    for key, value in _strip_module(ckpt['model']).items():
        root, _, rest = key.partition('.')
        if root == 'features':
            out[f'backbone.{rest}'] = value
        elif root in heads:
            out[f'head.{heads[root]}.{rest}'] = value
        else:
            raise ValueError(f'{source}: unexpected key {key!r} in an '
                             'official TSP checkpoint')
    return out, layout


def load_encoder_checkpoint(filename: str
                            ) -> Tuple[Dict[str, torch.Tensor], str]:
    """Read ``filename`` safely and return ``(tsptools state_dict,
    layout)``."""
    from tsptools.utils.safe_checkpoint import load_checkpoint_file
    ckpt = load_checkpoint_file(filename, map_location='cpu')
    return to_tsptools_state_dict(ckpt, filename)


def select_weights(state: Dict[str, torch.Tensor], module: torch.nn.Module,
                   prefix: str, source: str,
                   skip: Tuple[str, ...] = ()) -> Dict[str, torch.Tensor]:
    """The entries of ``state`` under ``prefix`` for every weight of
    ``module`` (keys without the prefix), all of them present and of the
    module's shapes; keys starting with ``skip`` are not required.

    Raises:
        KeyError: weights of the module are missing (names the file).
        ValueError: shapes differ (wrong architecture; names the file).
    """
    own = {k: v for k, v in module.state_dict().items()
           if not k.startswith(skip)}
    missing = [k for k in own if prefix + k not in state]
    if missing:
        have = [k for k in state if k.startswith(prefix)][:2]
        raise KeyError(
            f'{source}: {len(missing)} encoder weights of '
            f'{type(module).__name__} ({len(own)} in all) are not in the '
            f'checkpoint under "{prefix}" (e.g. {", ".join(missing[:3])}; it '
            f'has {", ".join(have) or "none"}): is it a checkpoint of a '
            'model with this backbone?')
    wrong = [f'{k} {tuple(state[prefix + k].shape)} vs {tuple(v.shape)}'
             for k, v in own.items()
             if tuple(state[prefix + k].shape) != tuple(v.shape)]
    if wrong:
        raise ValueError(f'{source}: weights of other shapes than '
                         f'{type(module).__name__}\'s, e.g. {wrong[:2]}: '
                         'wrong architecture?')
    return {k: state[prefix + k] for k in own}


def load_encoder_weights(module: torch.nn.Module, checkpoint: str,
                         skip: Tuple[str, ...] = ()) -> str:
    """Load every weight of ``module`` (except those whose names start
    with ``skip``, e.g. a pretext head) from ``checkpoint``, in any layout
    of this module; the checkpoint's other entries are ignored. The one
    encoder loader of tsptools: feature extraction
    (:func:`tsptools.apis.init_encoder`) and the frozen encoders of
    :class:`~tsptools.models.TwoStreamEncoder` use it.

    Returns:
        The checkpoint's layout (see :func:`describe_layout`).

    Raises:
        KeyError / ValueError: as :func:`select_weights` (naming the file).
    """
    state, layout = load_encoder_checkpoint(checkpoint)
    module.load_state_dict(
        select_weights(state, module, '', checkpoint, skip=skip),
        strict=not skip)
    return layout


def describe_layout(layout: str, filename: Optional[str] = None) -> str:
    """A short text for logs."""
    text = dict(tsptools='tsptools/mmengine checkpoint',
                tsp_release='official TSP checkpoint',
                torchvision='torchvision VideoResNet state_dict')[layout]
    return f'{filename}: {text}' if filename else text


__all__ = [
    'LAYOUTS', 'detect_layout', 'to_tsptools_state_dict',
    'load_encoder_checkpoint', 'select_weights', 'describe_layout'
]
