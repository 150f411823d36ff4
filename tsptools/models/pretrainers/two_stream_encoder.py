import copy
import os.path as osp
import warnings
from typing import Dict, List, Optional, Sequence

import torch
import torch.nn as nn
from mmengine.model import BaseModel

from tsptools.registry import MODELS
from ..utils import load_encoder_weights


def encoder_model_cfg(entry: dict) -> dict:
    """The model config of an encoder entry: ``entry['model']``, or the
    ``model`` of the config file ``entry['config']`` (with
    ``entry.get('cfg_options')`` merged in)."""
    if ('config' in entry) == ('model' in entry):
        raise KeyError('an encoder entry needs exactly one of "config" (a '
                       f'config file) and "model" (a model config): {entry}')
    if 'model' in entry:
        return copy.deepcopy(dict(entry['model']))
    from mmengine.config import Config
    cfg = Config.fromfile(entry['config'])
    if entry.get('cfg_options'):
        cfg.merge_from_dict(entry['cfg_options'])
    return cfg.model.to_dict()


def build_encoder(entry: dict):
    """Build the encoder of an entry ``dict(config=... | model=...,
    checkpoint=...)`` without its pretext head, its own initialisation
    (``init_cfg``) or data preprocessor.

    Returns:
        ``(encoder, data_preprocessor_cfg)``; the encoder has
        ``extract_feat``.
    """
    cfg = encoder_model_cfg(entry)
    preprocessor = cfg.pop('data_preprocessor', None)
    cfg.pop('init_cfg', None)
    encoder = MODELS.build(cfg)
    if not hasattr(encoder, 'extract_feat'):
        raise TypeError(f'{type(encoder).__name__} has no extract_feat(); an '
                        'encoder must be a tsptools pretrainer')
    if hasattr(encoder, 'head'):
        del encoder.head
    return encoder, preprocessor


def _load_frozen(encoder: nn.Module, checkpoint: str) -> None:
    """Load all of ``encoder``'s weights (the one encoder loader,
    :func:`~tsptools.models.utils.encoder_checkpoint.load_encoder_weights`)
    and mark it initialised, so mmengine's ``init_weights`` keeps them."""
    load_encoder_weights(encoder, checkpoint)
    encoder._is_init = True


class FrozenEncoders(nn.Module):
    """Encoders built from entries, frozen, with their checkpoints loaded at
    build time when the files exist and otherwise when :meth:`load_pending`
    is called (``init_weights``). Shared by :class:`TwoStreamEncoder` and
    :class:`DistillationPretrainer`."""

    def __init__(self, entries: Sequence[dict], what: str) -> None:
        super().__init__()
        self.what = what
        self.encoders = nn.ModuleList()
        self.checkpoints: List[Optional[str]] = []
        self.preprocessors: List[Optional[dict]] = []
        self.pending: Dict[int, str] = {}
        for k, entry in enumerate(entries):
            entry = dict(entry)
            encoder, preprocessor = build_encoder(entry)
            for param in encoder.parameters():
                param.requires_grad_(False)
            checkpoint = entry.get('checkpoint')
            if checkpoint is not None:
                if osp.isfile(checkpoint):
                    _load_frozen(encoder, checkpoint)
                else:
                    self.pending[k] = checkpoint
                    warnings.warn(f'{what} {k}: checkpoint {checkpoint} does '
                                  'not exist yet; it is loaded by '
                                  'init_weights()')
            self.encoders.append(encoder)
            self.checkpoints.append(checkpoint)
            self.preprocessors.append(preprocessor)
        self.train(False)

    def load_pending(self) -> None:
        for k, checkpoint in sorted(self.pending.items()):
            _load_frozen(self.encoders[k], checkpoint)
        self.pending.clear()

    def check_loaded(self) -> None:
        if self.pending:
            raise RuntimeError(
                f'The weights of the {self.what}s '
                f'{sorted(self.pending)} were never loaded: checkpoints '
                f'{sorted(self.pending.values())} did not exist when the '
                'model was built; call init_weights() or load a checkpoint '
                'of the whole model')

    def loaded_from_state(self, keys, prefix: str) -> None:
        """Clear the pending encoders whose weights are all in ``keys``
        (a ``load_state_dict`` of the whole model)."""
        for k in list(self.pending):
            names = self.encoders[k].state_dict().keys()
            if all(f'{prefix}encoders.{k}.{n}' in keys for n in names):
                del self.pending[k]
                self.encoders[k]._is_init = True

    def train(self, mode: bool = True):
        """Always in eval mode (frozen batch-norm statistics)."""
        return super().train(False)


def check_same_preprocessor(own: Optional[dict],
                            others: Sequence[Optional[dict]],
                            what: str) -> Optional[dict]:
    """The data preprocessor of a model made of several encoders: ``own``
    or, if None, the first encoder's; every encoder that has one must have
    the same (a single normalisation is applied to the inputs)."""
    ref = own if own is not None else next(
        (p for p in others if p is not None), None)
    for k, cfg in enumerate(others):
        if cfg is not None and ref is not None and dict(cfg) != dict(ref):
            raise ValueError(
                f'{what} {k} was trained with data_preprocessor {cfg}, the '
                f'model normalises its inputs with {ref}: the encoders must '
                'share one input normalisation')
    return ref


@MODELS.register_module()
class TwoStreamEncoder(BaseModel):
    """Two-stream integration of BSP (Xu et al., 2021, Sec. 3.4,
    Fig. 3(a)): encoders trained independently (vanilla action
    classification and BSP) run in parallel and their clip features are
    concatenated (the penultimate layer: the pooled features before the
    pretext heads).

    A feature extractor with :class:`Pretrainer`'s contract:
    ``data_preprocessor`` normalises the inputs, ``extract_feat(inputs)`` /
    ``forward(inputs, mode='tensor')`` return ``N x (F_1 + F_2 + ...)``
    features (in the order of ``encoders``), so
    ``tools/extract_features.py`` and the downstream benchmark use it as any
    encoder. It is not trained (``mode='loss'`` is an error): train each
    stream with its own config.

    Each encoder entry is ``dict(config=PATH, checkpoint=PATH)`` (the model
    of a tsptools config; ``cfg_options`` optional) or ``dict(model=CFG,
    checkpoint=PATH)``. Its pretext head, ``init_cfg`` and data preprocessor
    are dropped and the weights of its encoder are loaded from the
    checkpoint as soon as it exists (at build time, so the extraction tool
    needs no further checkpoint; otherwise at ``init_weights()`` or
    :meth:`load_own_checkpoints`).
    Extracting with a checkpoint never loaded is an error. The encoders
    must share the input normalisation and the clip format (clip length,
    frame interval, crop size of ``extract_cfg``).

    Args:
        encoders (Sequence[dict]): the streams, at least two.
        data_preprocessor (dict, optional): defaults to the first encoder's.
        init_cfg: unused (the weights come from the checkpoints).
    """

    def __init__(self,
                 encoders: Sequence[dict],
                 data_preprocessor: Optional[dict] = None,
                 init_cfg=None) -> None:
        if len(encoders) < 2:
            raise ValueError('TwoStreamEncoder needs at least two encoders')
        streams = FrozenEncoders(encoders, 'stream')
        data_preprocessor = check_same_preprocessor(
            data_preprocessor, streams.preprocessors, 'stream')
        super().__init__(
            data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        self.streams = streams

    @property
    def own_checkpoints(self) -> List[Optional[str]]:
        """The checkpoints the streams load themselves, in stream order
        (``None``: a stream without one keeps random weights). Feature
        extraction needs no other checkpoint for this model
        (``tools/extract_features.py CONFIG`` or ``CONFIG none``)."""
        return list(self.streams.checkpoints)

    def load_own_checkpoints(self) -> None:
        """Load the stream checkpoints that did not exist when the model
        was built (an error names a file still missing)."""
        self.streams.load_pending()

    def init_weights(self) -> None:
        super().init_weights()
        self.streams.load_pending()

    def load_state_dict(self, state_dict, strict: bool = True, **kwargs):
        result = super().load_state_dict(state_dict, strict=strict, **kwargs)
        self.streams.loaded_from_state(state_dict.keys(), 'streams.')
        return result

    def extract_feat(self, inputs: torch.Tensor) -> torch.Tensor:
        """``N x sum(F_k)``: the concatenated clip features of the
        streams."""
        self.streams.check_loaded()
        encoders = self.streams.encoders
        return torch.cat([e.extract_feat(inputs) for e in encoders], dim=1)

    def forward(self, inputs: torch.Tensor, data_samples=None,
                mode: str = 'tensor') -> torch.Tensor:
        if mode == 'tensor':
            return self.extract_feat(inputs)
        raise RuntimeError(f'TwoStreamEncoder only extracts features '
                           f'(mode="tensor"), got mode="{mode}": train each '
                           'stream with its own config')
