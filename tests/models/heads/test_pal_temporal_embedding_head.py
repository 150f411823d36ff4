"""PALTemporalEmbeddingHead: one output per clip, the receptive field, the
identity initialisation and its errors."""
import pytest
import torch

from tsptools.models.heads.pal_temporal_embedding_head import \
    PALTemporalEmbeddingHead


def built(**kwargs) -> PALTemporalEmbeddingHead:
    torch.manual_seed(0)
    head = PALTemporalEmbeddingHead(**kwargs)
    head.init_weights()
    return head


@pytest.mark.parametrize('num_layers,expected', [(1, 'x'), (2, 'relu'),
                                                 (3, 'relu')])
def test_identity_init_passes_each_clip_through(num_layers, expected):
    head = built(in_channels=6, num_layers=num_layers)
    x = torch.randn(2, 5, 6)
    out = head(x)
    assert out.shape == (2, 5, 6)
    # identity convolutions with ReLU between them: x, relu(x), relu(x)
    assert torch.equal(out, x if expected == 'x' else x.clamp(min=0))


def test_identity_init_off_keeps_pytorch_init_and_mixes_neighbours():
    head = built(in_channels=6, num_layers=2, identity_init=False)
    x = torch.randn(1, 5, 6)
    moved = x.clone()
    moved[0, 0] += 1.0  # change clip 0 only
    diff = (head(moved) - head(x)).abs().sum(-1)[0]
    # kernel 3, two layers: clip 0 reaches outputs 0, 1 and 2 only
    assert (diff[:3] > 0).all() and (diff[3:] == 0).all()
    assert head.receptive_field == 5
    assert not torch.equal(head.convs[0].weight[:, :, 0],
                           torch.zeros_like(head.convs[0].weight[:, :, 0]))


def test_identity_init_is_trainable_to_mix_neighbours():
    """The side taps start at zero but get gradients."""
    head = built(in_channels=4, num_layers=2)
    x = torch.randn(2, 5, 4)
    head(x)[:, 2].sum().backward()
    assert head.convs[0].weight.grad[:, :, 0].abs().sum() > 0
    assert head.convs[2].weight.grad[:, :, 2].abs().sum() > 0


def test_zero_layers_is_the_identity_and_bad_arguments():
    head = built(in_channels=6, num_layers=0)
    x = torch.randn(2, 3, 6)
    assert torch.equal(head(x), x) and head.receptive_field == 1
    with pytest.raises(ValueError, match='identity_init'):
        PALTemporalEmbeddingHead(in_channels=6, out_channels=8)
    with pytest.raises(ValueError, match='odd'):
        PALTemporalEmbeddingHead(in_channels=6, kernel_size=2)
    with pytest.raises(ValueError, match='num_layers'):
        PALTemporalEmbeddingHead(in_channels=6, num_layers=-1)
    # another output size is fine without the identity initialisation
    head = built(in_channels=6, out_channels=8, identity_init=False)
    assert head(torch.randn(1, 3, 6)).shape == (1, 3, 8)
