import pytest
import torch

from tsptools.evaluation.metrics import ClipAccuracy


def test_accuracy_per_task_skips_ignored_labels_and_averages():
    metric = ClipAccuracy(tasks=('action', 'region'))
    data = [
        # action right, region right
        dict(action_label=torch.tensor(2), pred_action=torch.tensor([0, .1, .9]),
             region_label=torch.tensor(0), pred_region=torch.tensor([.8, .2])),
        # action ignored (background), region right
        dict(action_label=torch.tensor(-1), pred_action=torch.tensor([1., 0, 0]),
             region_label=torch.tensor(1), pred_region=torch.tensor([.3, .7])),
        # action wrong, region wrong
        dict(action_label=torch.tensor(0), pred_action=torch.tensor([0, 1., 0]),
             region_label=torch.tensor(0), pred_region=torch.tensor([.4, .6])),
    ]
    metric.process(None, data)
    out = metric.compute_metrics(metric.results)
    assert out['acc_action'] == pytest.approx(1 / 2)
    assert out['acc_region'] == pytest.approx(2 / 3)
    assert out['mean_acc'] == pytest.approx((1 / 2 + 2 / 3) / 2)


def test_missing_prediction_is_a_clear_error():
    metric = ClipAccuracy(tasks=('region', ))
    with pytest.raises(KeyError, match='pred_region'):
        metric.process(None, [dict(region_label=torch.tensor(0))])
