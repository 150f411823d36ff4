import math

import torch
from mmengine.structures import BaseDataElement

from tsptools.models import TACHead


def samples(labels):
    out = []
    for label in labels:
        s = BaseDataElement()
        s.set_field(torch.tensor(label), 'action_label')
        out.append(s)
    return out


def test_loss_is_cross_entropy_ignoring_background():
    head = TACHead(num_classes=3, in_channels=2, loss_weight=2.0)
    with torch.no_grad():
        head.fc_action.weight.copy_(torch.tensor([[1., 0.], [0., 1.],
                                                  [0., 0.]]))
        head.fc_action.bias.zero_()
    feats = torch.tensor([[2., 0.], [0., 1.], [5., 5.]])
    # logits: [2,0,0], [0,1,0], [5,5,0]; labels 0, 2, -1 (ignored)
    out = head.loss(feats, samples([0, 2, -1]))
    ce0 = -math.log(math.exp(2) / (math.exp(2) + 2))
    ce1 = -math.log(1 / (2 + math.e))
    assert out['loss_action'].item() == \
        __import__('pytest').approx(2.0 * (ce0 + ce1) / 2, rel=1e-6)
    # argmax: 0 (right), 1 (wrong); the ignored one does not count
    assert out['acc_action'].item() == 0.5


def test_all_background_batch_gives_zero_loss_with_gradient():
    head = TACHead(num_classes=3, in_channels=2)
    feats = torch.randn(2, 2, requires_grad=True)
    out = head.loss(feats, samples([-1, -1]))
    assert out['loss_action'].item() == 0.0
    out['loss_action'].backward()
    assert feats.grad is not None


def test_predict_adds_scores():
    head = TACHead(num_classes=4, in_channels=3)
    out = head.predict(torch.randn(2, 3), samples([1, 2]))
    assert out[0].pred_action.shape == (4, )
    assert torch.allclose(out[1].pred_action.sum(), torch.tensor(1.))
