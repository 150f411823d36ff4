"""The encoder of a feature extraction: build a config's model, load the
encoder weights of a checkpoint (:func:`init_encoder`) and normalise clips
for it (:func:`normalise_inputs`)."""
import hashlib
import logging
import warnings
from typing import Optional, Union

import torch
from mmengine.logging import print_log


def _log(msg: str, level=logging.INFO) -> None:
    print_log(msg, logger='current', level=level)


def file_sha256(path: str, length: Optional[int] = 16) -> str:
    """SHA-256 of a file in hex (the first ``length`` characters)."""
    digest = hashlib.sha256()
    with open(path, 'rb') as f:
        for block in iter(lambda: f.read(1 << 20), b''):
            digest.update(block)
    return digest.hexdigest()[:length]


def init_encoder(config, checkpoint: Optional[str] = None,
                 device: Union[str, torch.device] = 'cpu',
                 cfg_options: Optional[dict] = None) -> torch.nn.Module:
    """Build the model of ``config`` and load its encoder from
    ``checkpoint``.

    Every weight of the model outside its pretext head (``head.*``) must be
    in the checkpoint, so the encoder of any tsptools checkpoint (TSP, TAC,
    BSP, PAL ...) loads into any config with the same backbone; the head's
    weights are ignored and the head is removed. The official TSP
    checkpoints (the released models) and torchvision VideoResNet
    state_dicts load too, recognised by their keys
    (:func:`tsptools.models.utils.encoder_checkpoint.load_encoder_weights`,
    the one encoder loader). Checkpoints are loaded with
    ``weights_only=True`` (:mod:`tsptools.utils.safe_checkpoint`).

    Args:
        config: config path or :class:`mmengine.Config`.
        checkpoint: a tsptools/mmengine checkpoint (``state_dict`` key,
            DDP's ``module.`` prefix allowed), an official TSP checkpoint or
            a torchvision state_dict; ``None``: the weights a model
            loads itself (``own_checkpoints``, e.g.
            :class:`TwoStreamEncoder`'s streams), otherwise the random
            initialisation (with a warning).
        device: where the model runs.
        cfg_options: merged into the config first.

    Returns:
        The model in eval mode, with ``extract_feat`` and
        ``data_preprocessor``.
    """
    from mmengine.config import Config

    from tsptools.models.utils.encoder_checkpoint import (
        describe_layout, load_encoder_weights)
    from tsptools.registry import MODELS
    from mmengine.registry import init_default_scope

    init_default_scope('tsptools')  # the registries import what they build
    if isinstance(config, str):
        config = Config.fromfile(config)
    if cfg_options:
        config.merge_from_dict(cfg_options)
    model = MODELS.build(config.model)
    if not hasattr(model, 'extract_feat'):
        raise TypeError(f'{type(model).__name__} has no extract_feat(); '
                        'feature extraction needs a tsptools Pretrainer')
    own = getattr(model, 'own_checkpoints', None)
    if checkpoint is None and own is not None:
        # a model that loads its own weights (TwoStreamEncoder's streams)
        model.load_own_checkpoints()
        unset = [k for k, c in enumerate(own) if c is None]
        if unset:
            warnings.warn(f'{type(model).__name__}: no checkpoint for the '
                          f'encoders {unset}: extracting with randomly '
                          'initialised weights there')
    elif checkpoint is None:
        warnings.warn('No checkpoint: extracting with randomly initialised '
                      'weights')
    else:
        layout = load_encoder_weights(model, checkpoint, skip=('head.', ))
        _log(describe_layout(layout, checkpoint))
    if hasattr(model, 'head'):
        del model.head
    return model.to(device).eval()


def normalise_inputs(model: torch.nn.Module,
                     inputs: torch.Tensor) -> torch.Tensor:
    """``N x C x T x H x W`` in ``[0, 255]`` (uint8 or float) -> the model's
    normalised float input."""
    preprocessor = getattr(model, 'data_preprocessor', None)
    if preprocessor is None:
        return inputs.float()
    data = preprocessor(
        dict(inputs=list(inputs.unbind(0)), data_samples=None), False)
    return data['inputs']
