from typing import Optional

import torch
import torch.nn as nn
from mmengine.model import BaseModule

from tsptools.registry import MODELS


@MODELS.register_module()
class PALProjectionHead(BaseModule):
    """PAL's non-linear projection head :math:`\\mathcal{F}^n`, applied to
    each clip feature independently.

    MoCo v2's MLP (the paper's contrastive baseline [16]): ``num_layers``
    linear layers with ReLU between them and no normalisation layer,
    ``in_channels -> hidden_channels -> ... -> out_channels``. The paper does
    not give its sizes; the defaults are MoCo v2's (hidden = the backbone's
    feature size, output 128).

    ``forward`` takes ``... x in_channels`` and returns ``... x
    out_channels`` (any leading shape: ``B x J x F`` clip sequences).

    Args:
        in_channels (int): backbone feature size ``F`` (2048 for I3D-R50).
        out_channels (int): projection size. Defaults to 128.
        hidden_channels (int, optional): hidden size; defaults to
            ``in_channels``.
        num_layers (int): linear layers (>= 1; 1 is a linear projection).
            Defaults to 2.
        init_cfg (dict, optional): mmengine initialisation; default: the
            PyTorch initialisation of ``nn.Linear``.
    """

    def __init__(self,
                 in_channels: int,
                 out_channels: int = 128,
                 hidden_channels: Optional[int] = None,
                 num_layers: int = 2,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        if num_layers < 1:
            raise ValueError('num_layers must be >= 1')
        hidden = hidden_channels or in_channels
        sizes = [in_channels] + [hidden] * (num_layers - 1) + [out_channels]
        layers = []
        for i in range(num_layers):
            layers.append(nn.Linear(sizes[i], sizes[i + 1]))
            if i < num_layers - 1:
                layers.append(nn.ReLU(inplace=True))
        self.mlp = nn.Sequential(*layers)
        self.in_channels = in_channels
        self.out_channels = out_channels

    def forward(self, feats: torch.Tensor) -> torch.Tensor:
        return self.mlp(feats)
