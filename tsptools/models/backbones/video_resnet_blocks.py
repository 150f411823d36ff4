"""Building blocks of torchvision's VideoResNet, with torchvision's module
names so that its state_dicts (and the official TSP checkpoints) load as they
are. Plain ``nn.Module`` classes, not registered: :class:`VideoResNet`
assembles them.

Written from the definitions in ``torchvision/models/video/resnet.py`` and
TSP's ``models/backbone.py``; see those files for the originals.
"""
import torch
import torch.nn as nn


def conv2plus1d_midplanes(in_planes: int, out_planes: int) -> int:
    """Mid channels of a (2+1)D conv with about the parameters of a full
    3x3x3 one: ``(in * out * 27) // (in * 9 + 3 * out)``."""
    return (in_planes * out_planes * 27) // (in_planes * 9 + 3 * out_planes)


class Conv3DSimple(nn.Conv3d):
    """3x3x3 convolution of R3D (``midplanes`` is ignored)."""

    def __init__(self,
                 in_planes: int,
                 out_planes: int,
                 midplanes=None,
                 stride: int = 1,
                 padding: int = 1) -> None:
        super().__init__(
            in_planes,
            out_planes,
            kernel_size=3,
            stride=stride,
            padding=padding,
            bias=False)

    @staticmethod
    def get_downsample_stride(stride: int) -> tuple:
        return (stride, stride, stride)


class Conv2Plus1D(nn.Sequential):
    """torchvision's (2+1)D convolution: 1x3x3 spatial conv to ``midplanes``
    channels, BN, ReLU, 3x1x1 temporal conv (keys ``0``, ``1``, ``3``).

    ``midplanes`` comes from the block, computed once from the block's input
    and output channels and shared by its two convs.
    """

    def __init__(self,
                 in_planes: int,
                 out_planes: int,
                 midplanes: int,
                 stride: int = 1,
                 padding: int = 1) -> None:
        super().__init__(
            nn.Conv3d(
                in_planes,
                midplanes,
                kernel_size=(1, 3, 3),
                stride=(1, stride, stride),
                padding=(0, padding, padding),
                bias=False),
            nn.BatchNorm3d(midplanes),
            nn.ReLU(inplace=True),
            nn.Conv3d(
                midplanes,
                out_planes,
                kernel_size=(3, 1, 1),
                stride=(stride, 1, 1),
                padding=(padding, 0, 0),
                bias=False))

    @staticmethod
    def get_downsample_stride(stride: int) -> tuple:
        return (stride, stride, stride)


class TSPConv2Plus1D(Conv2Plus1D):
    """TSP's (2+1)D convolution (r2plus1d_34): as :class:`Conv2Plus1D` but the
    ``midplanes`` argument is ignored and recomputed from this conv's own
    channels, so ``layer{2,3,4}.0.conv2`` are wider than torchvision's (288
    instead of 230 mid channels in ``layer2.0.conv2``)."""

    def __init__(self,
                 in_planes: int,
                 out_planes: int,
                 midplanes=None,
                 stride: int = 1,
                 padding: int = 1) -> None:
        super().__init__(in_planes, out_planes,
                         conv2plus1d_midplanes(in_planes, out_planes), stride,
                         padding)


class R2Plus1dStem(nn.Sequential):
    """Stem of R(2+1)D: 3->45 (1x7x7, stride 1x2x2), BN, ReLU, 45->64 (3x1x1),
    BN, ReLU; no max-pool (keys ``0, 1, 3, 4``)."""

    def __init__(self) -> None:
        super().__init__(
            nn.Conv3d(
                3,
                45,
                kernel_size=(1, 7, 7),
                stride=(1, 2, 2),
                padding=(0, 3, 3),
                bias=False), nn.BatchNorm3d(45), nn.ReLU(inplace=True),
            nn.Conv3d(
                45,
                64,
                kernel_size=(3, 1, 1),
                stride=(1, 1, 1),
                padding=(1, 0, 0),
                bias=False), nn.BatchNorm3d(64), nn.ReLU(inplace=True))


class BasicStem(nn.Sequential):
    """Stem of R3D: 3->64 (3x7x7, stride 1x2x2), BN, ReLU; no max-pool
    (keys ``0, 1``)."""

    def __init__(self) -> None:
        super().__init__(
            nn.Conv3d(
                3,
                64,
                kernel_size=(3, 7, 7),
                stride=(1, 2, 2),
                padding=(1, 3, 3),
                bias=False), nn.BatchNorm3d(64), nn.ReLU(inplace=True))


class BasicBlock(nn.Module):
    """Residual block of two ``conv_builder`` convs (torchvision's layout).

    ``conv1`` = (conv, BN, ReLU), ``conv2`` = (conv, BN), ``downsample`` =
    (1x1x1 conv, BN) when ``stride != 1`` or the channels change, else None.
    """

    def __init__(self,
                 inplanes: int,
                 planes: int,
                 conv_builder: type,
                 stride: int = 1) -> None:
        super().__init__()
        midplanes = conv2plus1d_midplanes(inplanes, planes)
        self.conv1 = nn.Sequential(
            conv_builder(inplanes, planes, midplanes, stride),
            nn.BatchNorm3d(planes), nn.ReLU(inplace=True))
        self.conv2 = nn.Sequential(
            conv_builder(planes, planes, midplanes), nn.BatchNorm3d(planes))
        self.relu = nn.ReLU(inplace=True)
        self.downsample = None
        if stride != 1 or inplanes != planes:
            self.downsample = nn.Sequential(
                nn.Conv3d(
                    inplanes,
                    planes,
                    kernel_size=1,
                    stride=conv_builder.get_downsample_stride(stride),
                    bias=False), nn.BatchNorm3d(planes))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        identity = x if self.downsample is None else self.downsample(x)
        out = self.conv2(self.conv1(x))
        return self.relu(out + identity)
