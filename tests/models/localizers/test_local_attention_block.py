"""LocalAttentionBlock: checked against attention computed by hand from the
block's own weights; padding, locality, downsampling, NaN-safety, grads."""
import pytest
import torch
import torch.nn.functional as F

from tsptools.models.localizers.layers import MaskedConvBlock
from tsptools.models.localizers.local_attention_block import \
    LocalAttentionBlock

C, HEADS = 16, 4


def make_block(seed=0, **kwargs):
    torch.manual_seed(seed)
    block = LocalAttentionBlock(C, num_heads=HEADS, **kwargs)
    # non-trivial norms, so that a wrong one is noticed
    with torch.no_grad():
        for norm in (block.norm1, block.norm2):
            norm.weight.uniform_(0.5, 1.5)
            norm.bias.uniform_(-0.5, 0.5)
    return block.eval()


def _norm(x, norm):
    return F.layer_norm(x.transpose(1, 2), (x.shape[1], ), norm.weight,
                        norm.bias, norm.eps).transpose(1, 2)


def _conv1x1(x, conv):
    return torch.einsum('oc,bct->bot', conv.weight[..., 0],
                        x) + conv.bias[:, None]


def manual_block(block, x, attention):
    """The stride-1 block computed by hand from its weights.

    ``attention(q, k, v)`` takes and returns ``B x H x T x d``.
    """
    b, _, t = x.shape
    h = _norm(x, block.norm1)
    q, k, v = (_conv1x1(h, proj).reshape(b, HEADS, C // HEADS,
                                         t).transpose(2, 3)
               for proj in (block.q_proj, block.k_proj, block.v_proj))
    a = attention(q, k, v).transpose(2, 3).reshape(b, C, t)
    y = x + _conv1x1(a, block.out_proj)
    hidden = F.gelu(_conv1x1(_norm(y, block.norm2), block.mlp[0]))
    return y + _conv1x1(hidden, block.mlp[3])


def plain_attention(q, k, v, allowed=None):
    """``softmax(q k^T / sqrt(d)) v``, keys restricted to ``allowed``."""
    scores = q @ k.transpose(-1, -2) / q.shape[-1]**0.5
    if allowed is not None:
        scores = scores.masked_fill(~allowed, float('-inf'))
    return scores.softmax(-1) @ v


def ones_mask(x):
    return torch.ones(x.shape[0], 1, x.shape[2], dtype=torch.bool)


def test_window_one_attends_to_the_step_itself():
    block = make_block(window_size=1)
    x = torch.randn(2, C, 40)
    out, _ = block(x, ones_mask(x))
    expected = manual_block(block, x, lambda q, k, v: v)
    torch.testing.assert_close(out, expected, atol=1e-5, rtol=1e-5)


@pytest.mark.parametrize('window_size', [None, 2 * 45 + 1])
def test_full_window_is_plain_attention(window_size):
    block = make_block(window_size=window_size)
    x = torch.randn(2, C, 45)
    with torch.no_grad():
        out, _ = block(x, ones_mask(x))
        expected = manual_block(block, x, plain_attention)
    torch.testing.assert_close(out, expected, atol=1e-5, rtol=1e-5)


@pytest.mark.parametrize('chunk_size', [1, 5, 32, 1000])
def test_banded_attention_with_padding(chunk_size):
    """A window of 9 on 77 steps (several chunks), one sample padded: the
    real steps equal a dense banded computation by hand."""
    block = make_block(window_size=9)
    block.chunk_size = chunk_size
    t, length = 77, 60
    x = torch.randn(2, C, t)
    mask = ones_mask(x)
    mask[1, :, length:] = False
    x = x * mask
    pos = torch.arange(t)
    band = (pos[:, None] - pos[None]).abs() <= 4  # T x T
    allowed = band & mask[:, :, None, :]  # B x 1 x T x T

    with torch.no_grad():
        out, _ = block(x, mask)
        expected = manual_block(
            block, x, lambda q, k, v: plain_attention(q, k, v, allowed))
    torch.testing.assert_close(out[0], expected[0], atol=1e-5, rtol=1e-5)
    torch.testing.assert_close(
        out[1, :, :length], expected[1, :, :length], atol=1e-5, rtol=1e-5)
    assert torch.all(out[1, :, length:] == 0)


@pytest.mark.parametrize('stride,window_size', [(1, 9), (1, None), (2, 9),
                                                (2, 3), (2, None)])
def test_padding_invariance(stride, window_size):
    block = make_block(window_size=window_size, stride=stride)
    t, lengths = 48, [37, 48]
    x = torch.randn(2, C, t) * 100  # garbage on the padded steps
    mask = torch.zeros(2, 1, t, dtype=torch.bool)
    for i, length in enumerate(lengths):
        mask[i, :, :length] = True
    with torch.no_grad():
        out, out_mask = block(x, mask)
        for i, length in enumerate(lengths):
            alone = x[i:i + 1, :, :length]
            ref, _ = block(alone, ones_mask(alone))
            n = ref.shape[2]
            assert n == -(-length // stride)
            assert out_mask[i, 0, :n].all() and not out_mask[i, 0, n:].any()
            torch.testing.assert_close(
                out[i:i + 1, :, :n], ref, atol=1e-5, rtol=1e-5)
            assert torch.all(out[i, :, n:] == 0)


@pytest.mark.parametrize('stride,step,reach', [(1, 20, 2), (2, 21, 5)])
def test_locality(stride, step, reach):
    """Window 5 (r = 2): input ``step`` reaches output ``j`` only if
    ``|stride * j - step| <= reach`` (``r``; ``2 r + 1`` with stride 2,
    whose convolutions add one step on each side)."""
    block = make_block(window_size=5, stride=stride)
    x = torch.randn(2, C, 40)
    changed = x.clone()
    changed[:, :, step] += 5 * torch.randn(2, C)
    with torch.no_grad():
        out, _ = block(x, ones_mask(x))
        out2, _ = block(changed, ones_mask(x))
    diff = (out2 - out).abs().amax(dim=(0, 1))
    near = (torch.arange(out.shape[2]) * stride - step).abs() <= reach
    assert torch.all(diff[~near] <= 1e-6)
    assert torch.all(diff[near] > 1e-3)


@pytest.mark.parametrize('t', [48, 47])
def test_stride_two_matches_masked_conv_block(t):
    block = make_block(window_size=9, stride=2)
    x = torch.randn(2, C, t)
    mask = ones_mask(x).float()  # a 0/1 mask works too and keeps its dtype
    mask[1, :, 30:] = 0
    out, out_mask = block(x, mask)
    conv_out, conv_mask = MaskedConvBlock(C, C, 3, stride=2)(x, mask)
    assert out.shape == conv_out.shape == (2, C, 24)
    assert out_mask.dtype == mask.dtype
    assert torch.equal(out_mask, mask[..., ::2])
    assert torch.equal(out_mask, conv_mask)


def test_stride_two_is_centred_on_even_steps():
    """With window 1, output ``j`` depends on input steps ``2j - 1 .. 2j +
    1`` exactly."""
    block = make_block(window_size=1, stride=2)
    t = 16
    for j in range(t // 2):
        x = torch.randn(1, C, t, requires_grad=True)
        out, _ = block(x, ones_mask(x))
        out[:, :, j].sum().backward()
        support = torch.nonzero(x.grad.abs().sum(1)[0]).flatten().tolist()
        assert support == [s for s in (2 * j - 1, 2 * j, 2 * j + 1)
                           if 0 <= s < t]


@pytest.mark.parametrize('stride,window_size', [(1, 9), (1, None), (2, 9),
                                                (2, None)])
def test_no_nan_with_almost_empty_samples(stride, window_size):
    block = make_block(window_size=window_size, stride=stride, attn_drop=0.1)
    block.train()
    x = torch.randn(4, C, 24, requires_grad=True)
    mask = torch.zeros(4, 1, 24, dtype=torch.bool)
    mask[0, :, 6] = True  # one real step (kept by the stride)
    mask[1, :, 7] = True  # one real step (dropped by stride 2)
    mask[3] = True  # sample 2 is all padding
    out, out_mask = block(x, mask)
    assert torch.isfinite(out).all()
    assert torch.all(out.masked_fill(out_mask, 0) == 0)
    assert out[0, :, 6 // stride].abs().sum() > 0
    out.pow(2).sum().backward()
    assert torch.isfinite(x.grad).all()
    assert all(torch.isfinite(p.grad).all() for p in block.parameters())


@pytest.mark.parametrize('stride', [1, 2])
def test_gradients_reach_every_parameter(stride):
    block = make_block(
        window_size=9, stride=stride, attn_drop=0.1, proj_drop=0.1,
        path_drop=0.1)
    block.train()
    x = torch.randn(4, C, 40, requires_grad=True)
    mask = ones_mask(x)
    mask[2, :, 25:] = False
    out, _ = block(x, mask)
    out.pow(2).sum().backward()
    assert torch.isfinite(x.grad).all() and x.grad.abs().sum() > 0
    for name, param in block.named_parameters():
        assert param.grad is not None, name
        assert torch.isfinite(param.grad).all(), name
        assert param.grad.abs().sum() > 0, name


def test_invalid_arguments():
    with pytest.raises(ValueError, match='window_size'):
        LocalAttentionBlock(C, window_size=4)
    with pytest.raises(ValueError, match='num_heads'):
        LocalAttentionBlock(C, num_heads=3)
    with pytest.raises(ValueError, match='stride'):
        LocalAttentionBlock(C, stride=0)
