"""A masked local self-attention block, interchangeable with
:class:`~.layers.MaskedConvBlock` in the feature pyramid.

The block is ActionFormer's transformer block (Zhang et al., "ActionFormer:
Localizing Moments of Actions with Transformers", ECCV 2022), written
afresh on the conventions of :mod:`.layers`: sequences are ``B x C x T``
with a boolean mask ``B x 1 x T`` (True on real steps), and the output is
zero on padded steps.
"""
import math
from typing import Optional, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F

from .layers import ChannelNorm


class _Downsample(nn.Module):
    """Strided depthwise Conv1d (no bias) -> ChannelNorm.

    The kernel is ``2 * (stride // 2) + 1`` wide with half of it as zero
    padding, so output step ``j`` is centred on input step ``stride * j``
    and there are ``ceil(T / stride)`` of them, as many as
    ``mask[..., ::stride]`` has.
    """

    def __init__(self, channels: int, stride: int) -> None:
        super().__init__()
        kernel_size = 2 * (stride // 2) + 1
        self.conv = nn.Conv1d(
            channels,
            channels,
            kernel_size,
            stride=stride,
            padding=kernel_size // 2,
            groups=channels,
            bias=False)
        self.norm = ChannelNorm(channels)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.norm(self.conv(x))


class _AffineDropPath(nn.Module):
    """Stochastic depth on a residual branch, after a learnable per-channel
    scale initialised to ``1e-4`` (ActionFormer's ``AffineDropPath``)."""

    def __init__(self, channels: int, drop_prob: float,
                 init_scale: float = 1e-4) -> None:
        super().__init__()
        self.scale = nn.Parameter(torch.full((1, channels, 1), init_scale))
        self.drop_prob = drop_prob

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.scale * x
        if not self.training or self.drop_prob == 0:
            return x
        keep = 1.0 - self.drop_prob
        shape = (x.shape[0], ) + (1, ) * (x.ndim - 1)
        sample_mask = x.new_empty(shape).bernoulli_(keep)
        return x * sample_mask / keep


class LocalAttentionBlock(nn.Module):
    """ActionFormer's transformer block on masked ``B x C x T`` sequences:
    multi-head self-attention restricted to a local window, then an MLP,
    each pre-normalised and residual.

    ``D = embed_dims``, ``s = stride``, ``r = window_size // 2``::

        h    = ChannelNorm(x), zeroed on padded steps
        q, k, v = h                            (s = 1)
                = DWConv_s(h) -> ChannelNorm, one each     (s > 1)
        a    = Conv1x1(LocalMHA(Conv1x1(q), Conv1x1(k), Conv1x1(v)))
        y    = skip(x) + a                      skip = MaxPool_s (s > 1)
        out  = y + MLP(ChannelNorm(y))          MLP = 1x1 conv, GELU, 1x1
        out  = out zeroed on padded steps

    Attention: query step ``t`` attends to the real key steps ``u`` with
    ``|t - u| <= r`` (all real steps when ``window_size`` is None), with
    weights ``softmax(q k^T / sqrt(D / num_heads))``. A query with no real
    key in its window gives zeros (never NaN); this only happens on padded
    steps, since a real query is its own key.

    Downsampling (``stride > 1``): queries, keys and values come from
    strided depthwise convolutions (kernel ``2 * (s // 2) + 1``, the kernel
    3 of ActionFormer for ``s = 2``) and the residual from a max-pool of the
    same size that ignores padded steps; output step ``j`` is centred on
    input step ``s * j`` and the mask becomes ``mask[..., ::s]``, the
    convention of :class:`~.layers.MaskedConvBlock`, so the two blocks are
    interchangeable in the pyramid. The window is counted in output steps.
    With ``stride=1`` there is no convolution before the projections (unlike
    ActionFormer, which adds a kernel-3 depthwise conv there too), so a query
    sees exactly ``window_size`` input steps.

    Padding invariance: the input is zeroed on padded steps first, so the
    outputs on real steps do not depend on what the padded steps hold and
    equal those of the unpadded sequence.

    Cost: a windowed block attends in chunks of :attr:`chunk_size` queries
    against their ``chunk_size + 2r`` keys, so time and memory are
    ``O(T * (chunk_size + 2r))``; ``window_size=None`` is full ``T x T``
    attention.

    Args:
        embed_dims (int): channels ``D`` of the input and the output.
        num_heads (int): attention heads; must divide ``embed_dims``.
        window_size (int, optional): odd number of key steps around each
            query (in output steps); None for global attention.
        stride (int): temporal downsampling ``s`` (1: none).
        mlp_ratio (float): hidden channels of the MLP over ``embed_dims``.
        attn_drop (float): dropout on the attention weights (training).
        proj_drop (float): dropout after the attention output projection and
            after each layer of the MLP (training).
        path_drop (float): stochastic depth of the two residual branches
            (training). As in ActionFormer, when it is positive each branch
            is also scaled by a learnable per-channel factor initialised to
            ``1e-4``.

    Shapes:
        - x: ``B x D x T`` (float).
        - mask: ``B x 1 x T`` (bool, or a 0/1 tensor; True / 1 on real
          steps).
        - out: ``B x D x T'`` with ``T' = ceil(T / s)``, zero on padded
          steps.
        - out mask: ``mask[..., ::s]``, of the input mask's dtype.
    """

    #: queries per chunk of the windowed attention (a speed setting only:
    #: the result does not depend on it).
    chunk_size = 32

    def __init__(self,
                 embed_dims: int,
                 num_heads: int = 4,
                 window_size: Optional[int] = 9,
                 stride: int = 1,
                 mlp_ratio: float = 4,
                 attn_drop: float = 0.0,
                 proj_drop: float = 0.0,
                 path_drop: float = 0.0) -> None:
        super().__init__()
        if embed_dims % num_heads != 0:
            raise ValueError(f'num_heads ({num_heads}) must divide '
                             f'embed_dims ({embed_dims})')
        if window_size is not None and (window_size < 1
                                        or window_size % 2 == 0):
            raise ValueError('window_size must be a positive odd number or '
                             f'None, got {window_size}')
        if stride < 1:
            raise ValueError(f'stride must be >= 1, got {stride}')
        self.embed_dims = embed_dims
        self.num_heads = num_heads
        self.head_dims = embed_dims // num_heads
        self.window_size = window_size
        self.stride = stride
        self.attn_drop = attn_drop

        self.norm1 = ChannelNorm(embed_dims)
        if stride > 1:
            self.q_down = _Downsample(embed_dims, stride)
            self.k_down = _Downsample(embed_dims, stride)
            self.v_down = _Downsample(embed_dims, stride)
            pool = 2 * (stride // 2) + 1
            self.skip = nn.MaxPool1d(pool, stride=stride, padding=pool // 2)
        else:
            self.q_down = self.k_down = self.v_down = nn.Identity()
            self.skip = nn.Identity()
        self.q_proj = nn.Conv1d(embed_dims, embed_dims, 1)
        self.k_proj = nn.Conv1d(embed_dims, embed_dims, 1)
        self.v_proj = nn.Conv1d(embed_dims, embed_dims, 1)
        self.out_proj = nn.Conv1d(embed_dims, embed_dims, 1)
        self.proj_drop = nn.Dropout(proj_drop)

        hidden = int(round(embed_dims * mlp_ratio))
        self.norm2 = ChannelNorm(embed_dims)
        self.mlp = nn.Sequential(
            nn.Conv1d(embed_dims, hidden, 1), nn.GELU(),
            nn.Dropout(proj_drop), nn.Conv1d(hidden, embed_dims, 1),
            nn.Dropout(proj_drop))
        if path_drop > 0:
            self.path_attn = _AffineDropPath(embed_dims, path_drop)
            self.path_mlp = _AffineDropPath(embed_dims, path_drop)
        else:
            self.path_attn = self.path_mlp = nn.Identity()

    def forward(self, x: torch.Tensor, mask: torch.Tensor
                ) -> Tuple[torch.Tensor, torch.Tensor]:
        """Apply the block.

        Args:
            x (Tensor): ``B x D x T`` features.
            mask (Tensor): ``B x 1 x T``, True (or 1) on real steps.

        Returns:
            tuple: ``out`` (``B x D x ceil(T / s)``, zero on padded steps)
            and ``mask[..., ::s]``.
        """
        real = mask.bool()
        x = x.masked_fill(~real, 0)
        out_mask = mask[..., ::self.stride]
        out_real = out_mask.bool()

        h = self.norm1(x).masked_fill(~real, 0)
        q = self.q_proj(self.q_down(h))
        k = self.k_proj(self.k_down(h))
        v = self.v_proj(self.v_down(h))
        attn = self.proj_drop(self.out_proj(self._attend(q, k, v, out_real)))

        if self.stride > 1:
            # max over the real steps of each window only (a real output
            # step always has one: its centre).
            skip = self.skip(x.masked_fill(~real, float('-inf')))
            skip = skip.masked_fill(~out_real, 0)
        else:
            skip = x
        out = skip + self.path_attn(attn.masked_fill(~out_real, 0))
        mlp = self.mlp(self.norm2(out)).masked_fill(~out_real, 0)
        out = out + self.path_mlp(mlp)
        return out.masked_fill(~out_real, 0), out_mask

    def _attend(self, q: torch.Tensor, k: torch.Tensor, v: torch.Tensor,
                real: torch.Tensor) -> torch.Tensor:
        """Masked multi-head attention of ``B x D x T`` projections; ``real``
        is the ``B x 1 x T`` boolean mask of the keys (and queries)."""
        b, _, t = q.shape
        q, k, v = (y.reshape(b, self.num_heads, self.head_dims,
                             t).transpose(2, 3) for y in (q, k, v))
        dropout_p = self.attn_drop if self.training else 0.0
        if self.window_size is None:
            allowed = real[:, :, None, :]  # B x 1 x 1 x T (keys)
            out = _masked_sdpa(q, k, v, allowed, dropout_p)
        else:
            out = self._attend_local(q, k, v, real[:, 0], dropout_p)
        return out.transpose(2, 3).reshape(b, self.embed_dims, t)

    def _attend_local(self, q: torch.Tensor, k: torch.Tensor,
                      v: torch.Tensor, real: torch.Tensor,
                      dropout_p: float) -> torch.Tensor:
        """Windowed attention of ``B x H x T x d`` tensors in chunks of
        ``c`` queries; chunk ``n`` holds queries ``[n c, (n + 1) c)`` and
        keys ``[n c - r, (n + 1) c + r)``. ``real``: ``B x T``."""
        b, heads, t, d = q.shape
        r = self.window_size // 2
        c = min(self.chunk_size, t)
        num = math.ceil(t / c)
        extra = num * c - t
        span = c + 2 * r
        q = F.pad(q, (0, 0, 0, extra)).reshape(b, heads, num, c, d)
        # B x H x n x d x span -> B x H x n x span x d
        k = F.pad(k, (0, 0, r, r + extra)).unfold(2, span, c).transpose(3, 4)
        v = F.pad(v, (0, 0, r, r + extra)).unfold(2, span, c).transpose(3, 4)
        keys = F.pad(real, (r, r + extra), value=False).unfold(1, span, c)
        offset = (torch.arange(span, device=q.device)[None] -
                  torch.arange(c, device=q.device)[:, None])
        band = (offset >= 0) & (offset <= 2 * r)  # c x span
        allowed = band & keys[:, None, :, None, :]  # B x 1 x n x c x span
        out = _masked_sdpa(q, k, v, allowed, dropout_p)
        return out.reshape(b, heads, num * c, d)[:, :, :t]


def _masked_sdpa(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor,
                 allowed: torch.Tensor, dropout_p: float) -> torch.Tensor:
    """``softmax(q k^T / sqrt(d)) v`` over the keys where ``allowed``
    (broadcast to ``... x T_q x T_k``) is True; a query with no allowed key
    gives zeros instead of NaN."""
    has_key = allowed.any(-1, keepdim=True)
    allowed = allowed | ~has_key
    out = F.scaled_dot_product_attention(
        q, k, v, attn_mask=allowed, dropout_p=dropout_p)
    return out.masked_fill(~has_key, 0)
