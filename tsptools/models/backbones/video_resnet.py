from typing import Optional, Sequence, Union

import torch
import torch.nn as nn
from mmengine.model import BaseModule
from torch.nn.modules.batchnorm import _BatchNorm

from tsptools.registry import MODELS
from .video_resnet_blocks import (BasicBlock, BasicStem, Conv2Plus1D,
                                  Conv3DSimple, R2Plus1dStem, TSPConv2Plus1D)

CONV_BUILDERS = {
    '2plus1d_torchvision': Conv2Plus1D,
    '2plus1d_tsp': TSPConv2Plus1D,
    '3d': Conv3DSimple,
}
STEMS = {'r2plus1d': R2Plus1dStem, 'basic': BasicStem}


@MODELS.register_module()
class VideoResNet(BaseModule):
    """torchvision's VideoResNet without its ``avgpool`` and ``fc``: the
    backbone of the official TSP code, with torchvision's module names.

    ``forward`` returns the ``layer4`` map ``N x 512 x T' x H' x W'`` (2 x 7 x
    7 for 16 x 112 x 112 clips); the pretrainer pools it. A torchvision
    state_dict without ``fc.*``, or the ``features.*`` weights of a released
    TSP checkpoint with the prefix stripped, load with ``strict=True``.

    Keys: ``stem.*``, ``layer{1..4}.{b}.conv{1,2}.{0,1}.*`` (``.0`` the conv,
    ``.1`` its BN; a (2+1)D conv adds ``.0.{0,1,3}``),
    ``layer{2,3,4}.0.downsample.{0,1}.*``. Weights initialised as torchvision
    does (Conv3d: Kaiming normal, fan-out, ReLU; BN: weight 1, bias 0).

    Args:
        layers (Sequence[int]): blocks in ``layer1..4`` (64, 128, 256, 512
            channels, strides 1, 2, 2, 2).
        conv_type (str): ``'2plus1d_torchvision'`` (mid channels computed
            once per block, torchvision), ``'2plus1d_tsp'`` (recomputed per
            conv, TSP's r2plus1d_34) or ``'3d'`` (3x3x3, R3D).
        stem (str): ``'r2plus1d'`` (factorised 1x7x7 + 3x1x1, 45 mid
            channels) or ``'basic'`` (one 3x7x7 conv). No max-pool in either.
        bn_eps (float, optional): eps of every BN; None: 1e-5 (PyTorch's and
            torchvision's).
        bn_momentum (float, optional): momentum of every BN, PyTorch
            convention (``running = (1 - m) * running + m * batch``); None:
            0.1.
        frozen_stages (int): -1 freezes nothing, 0 the stem, k >= 1 the stem
            and ``layer1..k``: their parameters get ``requires_grad=False``.
            Their BN layers stay in train mode (running statistics keep
            updating), as with the official code's lr-0 stem.
        norm_eval (bool): put every BN layer in eval mode in ``train()``.
            Defaults to False.
        init_cfg (dict or list[dict], optional): mmengine init config, e.g.
            ``dict(type='Pretrained', checkpoint=...)``.
    """

    def __init__(self,
                 layers: Sequence[int] = (2, 2, 2, 2),
                 conv_type: str = '2plus1d_torchvision',
                 stem: str = 'r2plus1d',
                 bn_eps: Optional[float] = None,
                 bn_momentum: Optional[float] = None,
                 frozen_stages: int = -1,
                 norm_eval: bool = False,
                 init_cfg: Optional[Union[dict, list]] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        if conv_type not in CONV_BUILDERS:
            raise ValueError(f'conv_type={conv_type!r}, expected one of '
                             f'{sorted(CONV_BUILDERS)}')
        if stem not in STEMS:
            raise ValueError(
                f'stem={stem!r}, expected one of {sorted(STEMS)}')
        if len(layers) != 4:
            raise ValueError(f'layers must give 4 block counts, got {layers}')
        if not -1 <= frozen_stages <= 4:
            raise ValueError(f'frozen_stages={frozen_stages} not in [-1, 4]')
        self.frozen_stages = frozen_stages
        self.norm_eval = norm_eval

        conv_builder = CONV_BUILDERS[conv_type]
        self.stem = STEMS[stem]()
        inplanes = 64
        for i, (planes, num_blocks) in enumerate(
                zip((64, 128, 256, 512), layers), start=1):
            stride = 1 if i == 1 else 2
            blocks = [BasicBlock(inplanes, planes, conv_builder, stride)]
            blocks += [
                BasicBlock(planes, planes, conv_builder)
                for _ in range(1, num_blocks)
            ]
            self.add_module(f'layer{i}', nn.Sequential(*blocks))
            inplanes = planes

        self._init_weights()
        for m in self.modules():
            if isinstance(m, nn.BatchNorm3d):
                m.eps = 1e-5 if bn_eps is None else bn_eps
                m.momentum = 0.1 if bn_momentum is None else bn_momentum
        self._freeze_stages()

    def _init_weights(self) -> None:
        for m in self.modules():
            if isinstance(m, nn.Conv3d):
                nn.init.kaiming_normal_(
                    m.weight, mode='fan_out', nonlinearity='relu')
                if m.bias is not None:
                    nn.init.constant_(m.bias, 0)
            elif isinstance(m, nn.BatchNorm3d):
                nn.init.constant_(m.weight, 1)
                nn.init.constant_(m.bias, 0)

    def _freeze_stages(self) -> None:
        stages = [self.stem, self.layer1, self.layer2, self.layer3,
                  self.layer4][:self.frozen_stages + 1]
        for stage in stages:
            for param in stage.parameters():
                param.requires_grad = False

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """``N x 3 x T x H x W`` clips -> ``N x 512 x T' x H' x W'`` map."""
        x = self.stem(x)
        x = self.layer1(x)
        x = self.layer2(x)
        x = self.layer3(x)
        return self.layer4(x)

    def train(self, mode: bool = True) -> 'VideoResNet':
        """Set the mode, keep the frozen stages frozen and, with
        ``norm_eval``, every BN layer in eval mode."""
        super().train(mode)
        self._freeze_stages()
        if mode and self.norm_eval:
            for m in self.modules():
                if isinstance(m, _BatchNorm):
                    m.eval()
        return self
