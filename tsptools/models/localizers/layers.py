"""Masked 1-D building blocks of :class:`FeaturePyramidLocalizer`.

Sequences are ``B x C x T`` with a boolean mask ``B x 1 x T`` (True on
real steps); every block zeroes the padded steps of its output, so padding
never leaks into the real steps beyond what zero padding of a convolution
would do at the end of a sequence.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


class ChannelNorm(nn.Module):
    """LayerNorm over the channels of each time step of ``B x C x T``
    (independent of padding, unlike GroupNorm)."""

    def __init__(self, channels: int, eps: float = 1e-5) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.ones(channels))
        self.bias = nn.Parameter(torch.zeros(channels))
        self.eps = eps

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = F.layer_norm(x.transpose(1, 2), (x.shape[1], ), self.weight,
                         self.bias, self.eps)
        return x.transpose(1, 2)


class MaskedConvBlock(nn.Module):
    """Conv1d (kernel ``k``, ``stride``) -> ChannelNorm -> ReLU, masked.

    With ``stride=2`` output step ``j`` is centred on input step ``2j`` and
    the mask is subsampled the same way (``mask[..., ::2]``).
    """

    def __init__(self,
                 in_channels: int,
                 out_channels: int,
                 kernel_size: int = 3,
                 stride: int = 1,
                 residual: bool = False,
                 norm: bool = True) -> None:
        super().__init__()
        self.conv = nn.Conv1d(
            in_channels,
            out_channels,
            kernel_size,
            stride=stride,
            padding=kernel_size // 2)
        self.norm = ChannelNorm(out_channels) if norm else nn.Identity()
        self.stride = stride
        self.residual = residual and stride == 1 and \
            in_channels == out_channels

    def forward(self, x: torch.Tensor, mask: torch.Tensor):
        out = F.relu(self.norm(self.conv(x)))
        if self.stride > 1:
            mask = mask[..., ::self.stride]
        if self.residual:
            out = out + x
        return out * mask.to(out.dtype), mask


class Scale(nn.Module):
    """A learnable scalar (one per pyramid level for the regression)."""

    def __init__(self, value: float = 1.0) -> None:
        super().__init__()
        self.scale = nn.Parameter(torch.tensor(float(value)))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * self.scale

