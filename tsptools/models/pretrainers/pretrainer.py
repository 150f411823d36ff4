from typing import Dict, List, Optional, Union

import torch
from mmengine.model import BaseModel
from mmengine.structures import BaseDataElement

from tsptools.registry import MODELS
from ..utils import build_scoped_model, load_submodule_checkpoint

SampleList = List[BaseDataElement]


@MODELS.register_module()
class Pretrainer(BaseModel):
    """A video encoder trained by a pretext head.

    ``backbone`` maps clips ``N x C x T x H x W`` to feature maps; they are
    average-pooled over time and space into clip features ``N x F`` (the
    features that :mod:`tools/extract_features.py` writes). ``head`` is any
    registered pretext head exposing ``loss(feats, data_samples)`` and
    ``predict(feats, data_samples)``.

    ``forward(inputs, data_samples, mode)``:

    - ``'tensor'``: clip features ``(B * num_clips) x F``;
    - ``'loss'``: the head's dict of losses (``loss_*``) and logged values;
    - ``'predict'``: the data samples with the head's ``pred_*`` fields, the
      clip features of a sample averaged over its clips first.

    Args:
        backbone (dict): backbone config, e.g.
            ``dict(type='mmaction.ResNet2Plus1d', ...)``.
        head (dict): pretext head config.
        data_preprocessor (dict, optional): e.g.
            ``dict(type='mmaction.ActionDataPreprocessor', ...)``.
        init_cfg (dict, optional): mmengine initialisation config. To start
            from another encoder (Kinetics TAC weights, a SynthActions TAC
            run), use ``dict(type='Pretrained', checkpoint=PATH,
            prefix='backbone.')``: only the backbone is loaded (keys
            ``backbone.*`` of the checkpoint) and the heads keep their own
            initialisation, as in the official TSP code. Without ``prefix``
            the whole model is loaded (mmengine's behaviour).
    """

    def __init__(self,
                 backbone: dict,
                 head: dict,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[Union[dict, List[dict]]] = None) -> None:
        super().__init__(
            data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        self.backbone = build_scoped_model(backbone)
        # mmaction2's backbones freeze ``frozen_stages`` in ``train()``: do it
        # now, before a DDP wrapper records which parameters need gradients
        self.backbone.train()
        self.head = MODELS.build(head)

    def init_weights(self) -> None:
        """Initialise children, then load ``Pretrained`` weights with a
        ``prefix`` into the sub-module that the prefix names."""
        cfgs = self.init_cfg if isinstance(self.init_cfg, list) else \
            [self.init_cfg] if self.init_cfg else []
        partial = [c for c in cfgs
                   if c.get('type') == 'Pretrained' and c.get('prefix')]
        self.init_cfg = [c for c in cfgs if c not in partial] or None
        super().init_weights()
        for cfg in partial:
            load_submodule_checkpoint(self, cfg['checkpoint'], cfg['prefix'])

    def extract_feat(self, inputs: torch.Tensor) -> torch.Tensor:
        """Clip features of ``inputs``.

        Args:
            inputs: ``N x C x T x H x W`` or ``B x num_clips x C x T x H x W``.

        Returns:
            ``N x F`` (``N = B * num_clips``) pooled backbone features.
        """
        if inputs.ndim == 6:
            inputs = inputs.flatten(0, 1)
        num_segments = getattr(self.backbone, 'num_segments', None)
        if num_segments:
            # 2D backbones with temporal modules (TSM) take the frames of a
            # clip as consecutive batch items
            n, _, t = inputs.shape[:3]
            if t != num_segments:
                raise ValueError(
                    f'{type(self.backbone).__name__} has num_segments='
                    f'{num_segments} but the clips have {t} frames')
            inputs = inputs.transpose(1, 2).flatten(0, 1)
        maps = self.backbone(inputs)
        if isinstance(maps, (tuple, list)):
            maps = maps[-1]
        if num_segments:
            maps = maps.view(n, t, *maps.shape[1:]).transpose(1, 2)
        return maps.flatten(2).mean(-1) if maps.ndim > 2 else maps

    def forward(self,
                inputs: torch.Tensor,
                data_samples: Optional[SampleList] = None,
                mode: str = 'tensor') -> Union[Dict, SampleList, torch.Tensor]:
        if mode == 'tensor':
            return self.extract_feat(inputs)
        num_clips = inputs.shape[1] if inputs.ndim == 6 else 1
        feats = self.extract_feat(inputs)
        if mode == 'loss':
            return self.head.loss(feats, data_samples)
        if mode == 'predict':
            feats = feats.view(-1, num_clips, feats.shape[-1]).mean(1)
            return self.head.predict(feats, data_samples)
        raise RuntimeError(f'Invalid mode "{mode}": expected "tensor", '
                           '"loss" or "predict"')
