"""ClipClsHead, the base of TACHead, TSPHead, BSPHead and the plugin's
SpeedClassificationHead: losses and accuracies equal to cross-entropy
computed by hand on a fixed batch, unlabelled (-1) samples ignored, the
loss from the registry, ``pred_*`` scores, and the parameter names and
order that checkpoints (and optimizer states) saved before the base head
existed rely on."""
import math
import os.path as osp

import pytest
import torch
import torch.nn.functional as F

from tests.conftest import REPO_ROOT, data_samples
from tsptools.models import (BSPHead, ClipClsHead, MultiTaskHead, TACHead,
                             TSPHead)
from tsptools.utils import register_all_modules

N, FEAT, CLASSES = 40, 6, 5


def fixed_batch(num_classes=CLASSES, n=N, seed=0):
    """``n`` features and labels in ``-1 .. num_classes - 1`` (about one in
    ``num_classes + 1`` ignored); more than 16 samples, where a masked mean
    and ``ignore_index`` would round differently."""
    g = torch.Generator().manual_seed(seed)
    feats = torch.randn(n, FEAT, generator=g)
    labels = torch.randint(-1, num_classes, (n, ), generator=g)
    labels[0] = 0  # at least one labelled sample
    return feats, labels


def ce_by_hand(logits, labels, weight=None):
    """Mean over the labelled samples of ``-w_y log softmax(z)_y`` /
    mean ``w_y``, in float64."""
    total, norm = 0.0, 0.0
    for z, y in zip(logits.double().tolist(), labels.tolist()):
        if y == -1:
            continue
        w = 1.0 if weight is None else weight[y]
        log_sum = math.log(sum(math.exp(v) for v in z))
        total += -w * (z[y] - log_sum)
        norm += w
    return total / norm


def acc_by_hand(logits, labels):
    pairs = [(int(z.argmax()), int(y)) for z, y in zip(logits, labels)
             if y != -1]
    return sum(p == y for p, y in pairs) / len(pairs)


@pytest.mark.parametrize('weight', [1.0, 0.25])
def test_tac_head_is_masked_cross_entropy(weight):
    head = TACHead(num_classes=CLASSES, in_channels=FEAT,
                   loss_weight=weight)
    feats, labels = fixed_batch()
    out = head.loss(feats, data_samples(action_label=labels))
    logits = head(feats).detach()
    assert list(out) == ['loss_action', 'acc_action']
    assert out['loss_action'].item() == pytest.approx(
        weight * ce_by_hand(logits, labels), rel=1e-6)
    # the numbers of the heads before ClipClsHead, which called
    # F.cross_entropy(ignore_index=-1) themselves: identical, not close
    assert torch.equal(
        out['loss_action'],
        weight * F.cross_entropy(logits, labels, ignore_index=-1))
    assert out['acc_action'].item() == pytest.approx(
        acc_by_hand(logits, labels))


def test_tsp_head_two_tasks_on_a_fixed_batch():
    head = TSPHead(num_classes=CLASSES, in_channels=FEAT, num_regions=3,
                   alpha_action=0.5, alpha_region=2.0)
    feats, actions = fixed_batch()
    _, regions = fixed_batch(3, seed=1)
    gvf = torch.randn(N, FEAT, generator=torch.Generator().manual_seed(2))
    data = data_samples(action_label=actions, region_label=regions, gvf=gvf)
    out = head.loss(feats, data)
    # logged in the order of the TSPHead before the base head
    assert list(out) == ['loss_region', 'acc_region', 'loss_action',
                         'acc_action']
    action = (feats @ head.fc_action.weight.T + head.fc_action.bias).detach()
    region = (torch.cat([feats, gvf], 1) @ head.fc_region.weight.T +
              head.fc_region.bias).detach()
    assert out['loss_action'].item() == pytest.approx(
        0.5 * ce_by_hand(action, actions), rel=1e-6)
    assert out['loss_region'].item() == pytest.approx(
        2.0 * ce_by_hand(region, regions), rel=1e-6)
    assert out['acc_action'].item() == pytest.approx(
        acc_by_hand(action, actions))
    assert out['acc_region'].item() == pytest.approx(
        acc_by_hand(region, regions))
    preds = head.predict(feats, data)
    assert torch.allclose(preds[3].pred_region, region[3].softmax(-1))
    assert torch.allclose(preds[3].pred_action, action[3].softmax(-1))


def test_bsp_head_on_a_fixed_batch():
    head = BSPHead(in_channels=FEAT, num_classes=4, loss_weight=3.0)
    feats, labels = fixed_batch(4)
    out = head.loss(feats, data_samples(boundary_label=labels))
    logits = head(feats).detach()
    assert out['loss_boundary'].item() == pytest.approx(
        3.0 * ce_by_hand(logits, labels), rel=1e-6)
    assert out['acc_boundary'].item() == pytest.approx(
        acc_by_hand(logits, labels))


def test_dropout_is_drawn_once_before_the_classifier():
    head = TACHead(num_classes=CLASSES, in_channels=FEAT, dropout_ratio=0.5)
    head.train()
    feats, labels = fixed_batch()
    torch.manual_seed(3)
    out = head.loss(feats, data_samples(action_label=labels))
    torch.manual_seed(3)
    dropped = F.dropout(feats, 0.5, training=True)
    logits = head.fc_action(dropped).detach()
    assert out['loss_action'].item() == pytest.approx(
        ce_by_hand(logits, labels), rel=1e-6)


def test_loss_from_the_registry():
    weight = [1.0, 2.0, 0.5, 1.0, 3.0]
    head = TACHead(
        num_classes=CLASSES, in_channels=FEAT,
        loss_cls=dict(type='mmaction.CrossEntropyLoss', loss_weight=2.0,
                      class_weight=weight))
    assert type(head.loss_cls).__name__ == 'CrossEntropyLoss'
    feats, labels = fixed_batch()
    out = head.loss(feats, data_samples(action_label=labels))
    logits = head(feats).detach()
    assert out['loss_action'].item() == pytest.approx(
        2.0 * ce_by_hand(logits, labels, weight), rel=1e-6)
    # the default is mmaction2's cross-entropy, which adds no state
    assert type(TACHead(3, 4).loss_cls).__name__ == 'CrossEntropyLoss'


def test_unlabelled_batch_gives_zero_loss_and_gradient():
    head = TSPHead(num_classes=3, in_channels=4, with_gvf=False)
    feats = torch.randn(3, 4, requires_grad=True)
    out = head.loss(feats, data_samples(action_label=[-1] * 3,
                                   region_label=[-1] * 3))
    assert out['loss_action'].item() == 0 and out['acc_action'].item() == 0
    sum(v for k, v in out.items() if 'loss' in k).backward()
    assert feats.grad.abs().sum() == 0
    assert not torch.isnan(feats.grad).any()


class TwoTasks(ClipClsHead):
    """A third-party head: two tasks, nothing but ``add_task``."""

    def __init__(self):
        super().__init__()
        self.add_task('speed', 4, 3)
        self.add_task('order', 4, 2, loss_weight=0.5)


def test_subclass_with_only_add_task():
    head = TwoTasks()
    feats = torch.randn(5, 4)
    logits = head(feats)
    assert set(logits) == {'speed', 'order'}
    data = data_samples(speed_label=[0, 1, 2, -1, 0], order_label=[1, -1, 0, 0, 1])
    out = head.loss(feats, data)
    assert list(out) == ['loss_speed', 'acc_speed', 'loss_order',
                         'acc_order']
    assert out['loss_order'].item() == pytest.approx(
        0.5 * ce_by_hand(logits['order'].detach(),
                         torch.tensor([1, -1, 0, 0, 1])), rel=1e-6)
    preds = head.predict(feats, data)
    assert preds[0].pred_speed.shape == (3, )
    assert preds[0].pred_order.shape == (2, )
    with pytest.raises(ValueError, match="already has a task 'speed'"):
        head.add_task('speed', 4, 3)
    with pytest.raises(KeyError, match='speed_label'):
        head.loss(feats, data_samples(order_label=[0] * 5))


# Parameter names, in order, of the heads before ClipClsHead (taken from
# the code of that commit): checkpoints load by name, optimizer states by
# position.
STATE_KEYS = {
    'tac': ['fc_action.weight', 'fc_action.bias'],
    'tsp': ['fc_action.weight', 'fc_action.bias', 'fc_region.weight',
            'fc_region.bias'],
    'tsp_nogvf': ['fc_action.weight', 'fc_action.bias', 'fc_region.weight',
                  'fc_region.bias'],
    'tsp_noaction': ['fc_region.weight', 'fc_region.bias'],
    'bsp': ['fc_boundary.weight', 'fc_boundary.bias'],
    'speed': ['fc_speed.weight', 'fc_speed.bias'],
    'multi': ['heads.0.fc_action.weight', 'heads.0.fc_action.bias',
              'heads.0.fc_region.weight', 'heads.0.fc_region.bias',
              'heads.1.fc_boundary.weight', 'heads.1.fc_boundary.bias',
              'heads.2.fc_change_point.weight',
              'heads.2.fc_change_point.bias'],
}
HEADS = {
    'tac': dict(type='TACHead', num_classes=5, in_channels=8,
                dropout_ratio=0.3),
    'tsp': dict(type='TSPHead', num_classes=4, in_channels=8),
    'tsp_nogvf': dict(type='TSPHead', num_classes=4, in_channels=8,
                      with_gvf=False),
    'tsp_noaction': dict(type='TSPHead', num_classes=None, in_channels=8),
    'bsp': dict(type='BSPHead', in_channels=8),
    'speed': dict(type='SpeedClassificationHead', num_classes=4,
                  in_channels=8),
    'multi': dict(type='MultiTaskHead', heads=[
        dict(type='TSPHead', num_classes=3, in_channels=8, loss_weight=0.5),
        dict(type='BSPHead', in_channels=8, loss_weight=2.0),
        dict(type='BoundaryRegressionHead', in_channels=8, num_frames=6)
    ]),
}


@pytest.mark.parametrize('name', sorted(HEADS))
def test_state_dict_keys_unchanged(name, monkeypatch):
    monkeypatch.syspath_prepend(osp.join(REPO_ROOT, 'projects',
                                         'example_pretext'))
    import example_pretext  # noqa: F401 (registers SpeedClassificationHead)
    from tsptools.registry import MODELS
    register_all_modules()
    head = MODELS.build(HEADS[name])
    assert list(head.state_dict()) == STATE_KEYS[name]
    assert [k for k, _ in head.named_parameters()] == STATE_KEYS[name]
    # an old checkpoint of these keys loads strictly
    old = {k: torch.zeros_like(v) for k, v in head.state_dict().items()}
    head.load_state_dict(old, strict=True)


def test_multi_task_head_builds_base_heads():
    register_all_modules()
    head = MultiTaskHead(heads=[dict(type='TACHead', num_classes=3,
                                     in_channels=4)])
    assert isinstance(head.heads[0], ClipClsHead)
