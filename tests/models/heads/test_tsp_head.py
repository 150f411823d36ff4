import math

import pytest
import torch
from mmengine.structures import BaseDataElement

from tsptools.models import TSPHead


def samples(actions, regions, gvfs=None):
    out = []
    for i, (a, r) in enumerate(zip(actions, regions)):
        s = BaseDataElement()
        s.set_field(torch.tensor(a), 'action_label')
        s.set_field(torch.tensor(r), 'region_label')
        if gvfs is not None:
            s.set_field(torch.tensor(gvfs[i]), 'gvf')
        out.append(s)
    return out


def ce(logits, label):
    return -math.log(math.exp(logits[label]) / sum(map(math.exp, logits)))


def test_eq1_loss_on_hand_computed_logits():
    head = TSPHead(num_classes=2, in_channels=2, alpha_action=0.5,
                   alpha_region=2.0)
    with torch.no_grad():
        head.fc_action.weight.copy_(torch.eye(2))
        head.fc_action.bias.zero_()
        # region logits = [local_0 + gvf_0, local_1 - gvf_1]
        head.fc_region.weight.copy_(
            torch.tensor([[1., 0., 1., 0.], [0., 1., 0., -1.]]))
        head.fc_region.bias.zero_()
    feats = torch.tensor([[1., 0.], [0., 2.]])
    gvf = [[1., 1.], [3., 1.]]
    # sample 0: foreground, action 0, region 0 ("Action")
    # sample 1: background, action -1 (ignored), region 1 ("No action")
    out = head.loss(feats, samples([0, -1], [0, 1], gvf))
    action = ce([1., 0.], 0)  # only the foreground clip counts
    region = (ce([2., -1.], 0) + ce([3., 1.], 1)) / 2
    assert out['loss_action'].item() == pytest.approx(0.5 * action)
    assert out['loss_region'].item() == pytest.approx(2.0 * region)
    assert out['acc_action'].item() == 1.0
    assert out['acc_region'].item() == 0.5  # sample 1 predicts region 0


def test_background_clips_do_not_train_the_action_head():
    head = TSPHead(num_classes=3, in_channels=4)
    feats = torch.randn(2, 4)
    out = head.loss(feats, samples([-1, -1], [1, 1], [[0.] * 4] * 2))
    (out['loss_action'] + out['loss_region']).backward()
    assert head.fc_action.weight.grad.abs().sum().item() == 0
    assert head.fc_region.weight.grad.abs().sum().item() > 0


def test_variants_without_gvf_and_without_action_head():
    head = TSPHead(num_classes=None, in_channels=4, with_gvf=False)
    assert head.fc_action is None and head.fc_region.in_features == 4
    out = head.loss(torch.randn(3, 4), samples([0, 1, -1], [0, 0, 1]))
    assert set(out) == {'loss_region', 'acc_region'}
    preds = head.predict(torch.randn(3, 4), samples([0, 1, -1], [0, 0, 1]))
    assert preds[0].pred_region.shape == (2, )


def test_missing_gvf_is_a_clear_error():
    head = TSPHead(num_classes=2, in_channels=4)
    with pytest.raises(KeyError, match='gvf'):
        head.loss(torch.randn(1, 4), samples([0], [0]))
