"""InfoNCE (PAL's Eq. 7) on hand-computed vectors."""
import math

import pytest
import torch

from tsptools.models.losses import InfoNCELoss
from tsptools.registry import MODELS
from tsptools.utils import register_all_modules


def test_registered_with_the_papers_temperature():
    register_all_modules()
    loss = MODELS.build(dict(type='InfoNCELoss'))
    assert loss.temperature == 0.07


def test_one_query_by_hand():
    q = torch.tensor([[1.0, 0.0]])
    k_pos = torch.tensor([[0.6, 0.8]])
    negatives = torch.tensor([[0.0, 1.0], [-1.0, 0.0]])
    loss = InfoNCELoss(temperature=0.5)
    # q.k+ = 0.6, q.k1 = 0, q.k2 = -1; divided by tau = 0.5
    logits = loss.logits(q, k_pos, negatives)
    assert torch.allclose(logits, torch.tensor([[1.2, 0.0, -2.0]]))
    expected = -math.log(
        math.exp(1.2) / (math.exp(1.2) + math.exp(0.0) + math.exp(-2.0)))
    assert loss(q, k_pos, negatives).item() == pytest.approx(expected,
                                                             rel=1e-6)


def test_batch_mean_reduction_weight_and_accuracy():
    s = 1 / math.sqrt(2)
    q = torch.tensor([[1.0, 0.0], [0.0, 1.0]])
    k_pos = torch.tensor([[s, s], [0.0, -1.0]])
    negatives = torch.tensor([[1.0, 0.0], [0.0, 1.0], [-s, s]])
    tau = 0.07
    loss = InfoNCELoss(temperature=tau, loss_weight=2.0)

    def by_hand(pos, negs):
        den = math.exp(pos / tau) + sum(math.exp(n / tau) for n in negs)
        return -math.log(math.exp(pos / tau) / den)

    first = by_hand(s, [1.0, 0.0, -s])  # a negative beats the positive
    second = by_hand(-1.0, [0.0, 1.0, s])
    per_query = loss(q, k_pos, negatives, reduction='none')
    assert per_query.tolist() == pytest.approx([2 * first, 2 * second],
                                               rel=1e-5)
    assert loss(q, k_pos, negatives).item() == pytest.approx(
        first + second, rel=1e-5)
    logits = loss.logits(q, k_pos, negatives)
    assert InfoNCELoss.positive_first(logits).tolist() == [0.0, 0.0]
    good = loss.logits(q, q, negatives[2:])  # positive = query itself
    assert InfoNCELoss.positive_first(good).tolist() == [1.0, 1.0]


def test_gradient_pulls_the_query_to_the_positive():
    q = torch.tensor([[1.0, 0.0]], requires_grad=True)
    k_pos = torch.tensor([[0.0, 1.0]])
    negatives = torch.tensor([[1.0, 0.0]])
    InfoNCELoss(temperature=1.0)(q, k_pos, negatives).backward()
    # d loss / d q = -(k+ - softmax-weighted keys): towards k+, away from k1
    p = torch.softmax(torch.tensor([0.0, 1.0]), 0)
    expected = -(k_pos[0] - (p[0] * k_pos[0] + p[1] * negatives[0]))
    assert torch.allclose(q.grad[0], expected, atol=1e-6)


def test_bad_temperature():
    with pytest.raises(ValueError):
        InfoNCELoss(temperature=0)
