from typing import Optional

import torch
import torch.nn as nn
from mmengine.model import BaseModule

from tsptools.registry import MODELS


@MODELS.register_module()
class PALTemporalEmbeddingHead(BaseModule):
    """PAL's temporal embedding head :math:`\\mathcal{F}^t` over the ``J``
    chronological clip features of a synthesized video.

    ``num_layers`` 1-D temporal convolutions of ``kernel_size`` (paper: two
    layers, kernel 3, "followed by ReLU activation function") with ReLU
    between them; the output of the last one is linear (it is L2-normalised
    next, as MoCo v2's projection) unless ``act_last=True``. The paper's
    sentence also reads as a ReLU after the last convolution; that would
    confine the L2-normalised embeddings to the positive orthant (every
    cosine >= 0); see ``docs/en/user_guides/pal.md``. Zero ``same`` padding
    keeps one output per clip, so that the alignment operator can pick the
    clips ``[s, e]``; the receptive field is
    ``1 + num_layers * (kernel_size - 1)`` clips (Table 4: 1, 3, 5, 7 for 0-3
    layers). ``num_layers=0`` is the identity (clips processed
    independently).

    Initialisation (the paper gives none): with ``identity_init`` every
    convolution starts as the identity on its own clip (centre tap the
    identity matrix, side taps and bias zero), so that the untrained head
    passes each clip through (``relu(x)`` with two layers) and training
    decides how much of the neighbouring clips to mix in. With PyTorch's
    initialisation the neighbours (mostly background clips) weigh as much as
    the clip itself from the first step, and on SynthActions the region
    features collapsed to one vector; see ``docs/en/user_guides/pal.md``.

    ``forward`` takes ``B x J x in_channels`` and returns ``B x J x
    out_channels``.

    Args:
        in_channels (int): clip feature size (the projection's output).
        out_channels (int, optional): output size of every layer; defaults to
            ``in_channels``.
        num_layers (int): temporal convolutions. Defaults to 2.
        kernel_size (int): odd temporal kernel size. Defaults to 3.
        act_last (bool): ReLU after the last convolution too. Defaults to
            False.
        identity_init (bool): initialise every convolution as the identity
            (see above). Defaults to True; False keeps PyTorch's
            initialisation of ``nn.Conv1d`` (or ``init_cfg``).
        init_cfg (dict, optional): mmengine initialisation, used when
            ``identity_init=False``.
    """

    def __init__(self,
                 in_channels: int,
                 out_channels: Optional[int] = None,
                 num_layers: int = 2,
                 kernel_size: int = 3,
                 act_last: bool = False,
                 identity_init: bool = True,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        if num_layers < 0:
            raise ValueError('num_layers must be >= 0')
        if kernel_size < 1 or kernel_size % 2 == 0:
            raise ValueError('kernel_size must be a positive odd number')
        out_channels = out_channels or in_channels
        if num_layers == 0 and out_channels != in_channels:
            raise ValueError('num_layers=0 (identity) needs out_channels == '
                             'in_channels')
        if identity_init and num_layers and out_channels != in_channels:
            raise ValueError('identity_init needs out_channels == '
                             'in_channels')
        layers = []
        for i in range(num_layers):
            layers.append(
                nn.Conv1d(
                    in_channels if i == 0 else out_channels,
                    out_channels,
                    kernel_size,
                    padding=kernel_size // 2))
            if i < num_layers - 1 or act_last:
                layers.append(nn.ReLU(inplace=True))
        self.convs = nn.Sequential(*layers)
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.num_layers = num_layers
        self.kernel_size = kernel_size
        self.identity_init = identity_init

    def init_weights(self) -> None:
        super().init_weights()
        if self.identity_init:
            for conv in self.convs:
                if isinstance(conv, nn.Conv1d):
                    nn.init.dirac_(conv.weight)
                    nn.init.zeros_(conv.bias)

    @property
    def receptive_field(self) -> int:
        """Clips that one output sees."""
        return 1 + self.num_layers * (self.kernel_size - 1)

    def forward(self, seq: torch.Tensor) -> torch.Tensor:
        if self.num_layers == 0:
            return seq
        return self.convs(seq.transpose(1, 2)).transpose(1, 2)
