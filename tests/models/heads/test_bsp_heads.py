"""BSP heads: boundary classification, change-point regression (Gaussian
heatmap target, smooth L1), and MultiTaskHead (weights, -1 labels)."""
import math

import pytest
import torch
import torch.nn.functional as F

from tsptools.models import (BoundaryRegressionHead, BSPHead, MultiTaskHead,
                             TSPHead)
from tsptools.models.heads.boundary_regression_head import gaussian_heatmap
from tsptools.utils import register_all_modules
from tests.conftest import data_samples


def test_bsp_head_cross_entropy_ignores_unlabelled_samples():
    head = BSPHead(in_channels=4, num_classes=4)
    with torch.no_grad():
        head.fc_boundary.weight.copy_(torch.eye(4))
        head.fc_boundary.bias.zero_()
    feats = torch.tensor([[2., 0., 0., 0.], [0., 0., 1., 0.],
                          [0., 5., 0., 0.]])
    out = head.loss(feats, data_samples(boundary_label=[0, 3, -1]))
    logsumexp = math.log(math.exp(2) + 3)
    expected = ((logsumexp - 2) + (math.log(math.e + 3) - 0)) / 2
    assert out['loss_boundary'].item() == pytest.approx(expected)
    assert out['acc_boundary'].item() == 0.5
    preds = head.predict(feats, data_samples(boundary_label=[0, 3, -1]))
    assert preds[2].pred_boundary.argmax().item() == 1
    with pytest.raises(ValueError, match='num_classes'):
        BSPHead(in_channels=4, num_classes=2).loss(
            feats, data_samples(boundary_label=[0, 3, 1]))


def test_bsp_head_without_labelled_samples_has_zero_gradient():
    head = BSPHead(in_channels=4, num_classes=2)
    out = head.loss(torch.randn(2, 4), data_samples(boundary_label=[-1, -1]))
    out['loss_boundary'].backward()
    assert out['loss_boundary'].item() == 0
    assert head.fc_boundary.weight.grad.abs().sum() == 0


def test_gaussian_heatmap_target():
    # y_t = exp(-(t - mu)^2 / 2 tau), L = 2 tau = 8, mu = 3 (0-based)
    target = gaussian_heatmap(torch.tensor([3, -1]), 8, sigma2=4.0)
    expected = [math.exp(-(t - 3)**2 / 8) for t in range(8)]
    assert target[0].tolist() == pytest.approx(expected)
    assert target[0, 3] == 1 and target[1].abs().sum() == 0  # no boundary


def test_regression_head_smooth_l1_on_synthesized_samples_only():
    head = BoundaryRegressionHead(in_channels=3, num_frames=8)
    assert head.sigma2 == 4.0  # tau
    feats = torch.randn(3, 3)
    data = data_samples(boundary_label=[0, 0, -1], change_point=[3, -1, -1])
    out = head.loss(feats, data)
    pred = head(feats)
    target = torch.stack([gaussian_heatmap(torch.tensor([3]), 8, 4.0)[0],
                          torch.zeros(8)])
    assert out['loss_change_point'].item() == pytest.approx(
        F.smooth_l1_loss(pred[:2], target).item(), rel=1e-6)
    assert 0 <= out['acc_change_point'].item() <= 1
    preds = head.predict(feats, data)
    assert preds[0].pred_change_point.shape == (8, )
    with pytest.raises(ValueError, match='outside'):
        head.loss(feats, data_samples(boundary_label=[0, 0, 0],
                                 change_point=[8, 1, 1]))


def test_multi_task_head_weights_and_duplicate_keys():
    register_all_modules()
    head = MultiTaskHead(heads=[
        dict(type='TACHead', num_classes=3, in_channels=4, loss_weight=0.5),
        dict(type='BSPHead', num_classes=4, in_channels=4, loss_weight=2.0),
    ])
    feats = torch.randn(4, 4)
    data = data_samples(action_label=[0, 2, -1, -1], boundary_label=[-1, -1, 1, 3])
    out = head.loss(feats, data)
    tac = head.heads[0].loss(feats, data)
    bsp = head.heads[1].loss(feats, data)
    assert out['loss_action'].item() == pytest.approx(
        0.5 * tac['loss_action'].item())
    assert out['loss_boundary'].item() == pytest.approx(
        2.0 * bsp['loss_boundary'].item())
    assert out['acc_action'] == tac['acc_action']  # logged, not weighted
    preds = head.predict(feats, data)
    assert preds[0].pred_action.shape == (3, )
    assert preds[0].pred_boundary.shape == (4, )
    with pytest.raises(KeyError, match='loss_action'):
        MultiTaskHead(heads=[
            dict(type='TACHead', num_classes=3, in_channels=4),
            dict(type='TACHead', num_classes=3, in_channels=4)
        ]).loss(feats, data)


def test_tsp_and_bsp_heads_each_skip_the_other_datasets_samples():
    register_all_modules()
    head = MultiTaskHead(heads=[
        dict(type='TSPHead', num_classes=3, in_channels=4, with_gvf=True),
        dict(type='BSPHead', in_channels=4)
    ])
    feats = torch.randn(2, 4, requires_grad=True)
    # sample 0: a TSP background clip; sample 1: a BSP clip (packed with
    # action/region -1 and a zero GVF)
    data = data_samples(action_label=[-1, -1], region_label=[1, -1],
                   gvf=[[1., 2., 3., 4.], [0.] * 4], boundary_label=[-1, 2])
    out = head.loss(feats, data)
    tsp = head.heads[0]
    region_only = F.cross_entropy(
        tsp(feats, torch.tensor([[1., 2., 3., 4.], [0.] * 4]))['region'][:1],
        torch.tensor([1]))
    assert out['loss_region'].item() == pytest.approx(region_only.item())
    assert out['loss_action'].item() == 0
    sum(v for k, v in out.items() if 'loss' in k).backward()
    # the BSP sample's features get gradient from the boundary head only
    assert feats.grad[1].abs().sum() > 0
    # TSPHead alone: all regions -1 gives a zero loss, not NaN
    alone = TSPHead(num_classes=None, in_channels=4, with_gvf=False).loss(
        feats, data_samples(region_label=[-1, -1]))
    assert alone['loss_region'].item() == 0
