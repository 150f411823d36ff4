"""PALPretrainer: the alignment operator, the queue, the momentum update,
feature extraction, validation and one real training iteration."""
import os.path as osp

import pytest
import torch
import torch.nn.functional as F
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper
from mmengine.structures import BaseDataElement

from tests.conftest import REPO_ROOT
from tsptools.models.pretrainers.pal_pretrainer import (PALPretrainer,
                                                        align_regions)
from tsptools.registry import DATASETS, METRICS, MODELS
from tsptools.utils import register_all_modules

PAL_CONFIG = osp.join(
    REPO_ROOT, 'configs', 'pal',
    'pal_r3d-18-w8_scratch-pre_1xb8-40e_synthactions-small.py')
J, T, S = 4, 4, 16


def tiny_cfg(num_layers=2, queue_size=16, momentum=0.99,
             identity_init=True):
    register_all_modules()
    cfg = Config.fromfile(PAL_CONFIG).model
    cfg.backbone.base_channels = 4
    cfg.neck.update(in_channels=32, hidden_channels=32, out_channels=16)
    cfg.head.update(in_channels=16, num_layers=num_layers,
                    identity_init=identity_init)
    cfg.update(queue_size=queue_size, momentum=momentum)
    return cfg


def tiny_model(**kwargs) -> PALPretrainer:
    torch.manual_seed(0)
    model = MODELS.build(tiny_cfg(**kwargs))
    model.init_weights()
    return model


def samples(regions_a, regions_b, indices=None):
    out = []
    for i, (a, b) in enumerate(zip(regions_a, regions_b)):
        sample = BaseDataElement(metainfo=dict(
            sample_idx=i if indices is None else indices[i]))
        sample.set_field(torch.tensor(a), 'region_a')
        sample.set_field(torch.tensor(b), 'region_b')
        out.append(sample)
    return out


# ----------------------------------------------------------------------------
# Alignment operator G (Eq. 6) and region pooling
# ----------------------------------------------------------------------------


def test_align_regions_averages_exactly_the_region():
    seq = torch.zeros(3, 5, 5)
    for j in range(5):
        seq[:, j, j] = 1.0  # clip j is the j-th unit vector
    regions = torch.tensor([[1, 2], [0, 4], [3, 3]])
    out = align_regions(seq, regions)
    expected = torch.zeros(3, 5)
    expected[0, 1:3] = 1 / 2**0.5
    expected[1, :] = 1 / 5**0.5
    expected[2, 3] = 1.0
    assert torch.allclose(out, expected, atol=1e-6)
    for bad in ([[2, 1]], [[-1, 0]], [[0, 5]]):
        with pytest.raises(ValueError, match='regions'):
            align_regions(seq[:1], torch.tensor(bad))


@pytest.mark.parametrize('num_layers,identity_init', [(0, False),
                                                     (2, False), (2, True)])
def test_region_feature_sees_the_pasted_clips_and_the_receptive_field(
        num_layers, identity_init):
    """With 0 temporal layers (or identity-initialised ones, before any
    training) the region feature depends on the clips s..e only; each
    kernel-3 layer of PyTorch's initialisation widens that by one clip on
    each side."""
    model = tiny_model(num_layers=num_layers,
                       identity_init=identity_init).eval()
    torch.manual_seed(1)
    video = torch.randn(1, 8, 3, T, S, S)
    region = torch.tensor([[2, 3]])

    def region_feature(x):
        with torch.no_grad():
            return align_regions(model.encode(x[:, :8]), region)

    ref = region_feature(video)
    for clip in range(8):
        changed = video.clone()
        changed[0, clip] = torch.randn(3, T, S, S)
        moved = not torch.allclose(region_feature(changed), ref, atol=1e-6)
        # clips reachable on each side of [2, 3]
        reach = 0 if identity_init else num_layers
        assert moved == (2 - reach <= clip <= 3 + reach), clip


# ----------------------------------------------------------------------------
# Key encoder and queue
# ----------------------------------------------------------------------------


def test_key_encoder_starts_as_a_copy_without_gradients():
    model = tiny_model()
    for name in ('backbone', 'neck', 'head'):
        query = getattr(model, name).state_dict()
        key = model.key_encoder[name].state_dict()
        assert query.keys() == key.keys()
        for k in query:
            assert torch.equal(query[k], key[k]), (name, k)
    assert not any(p.requires_grad for p in model.key_encoder.parameters())
    assert model.queue.shape == (16, 16)
    assert torch.allclose(model.queue.norm(dim=1), torch.ones(16))
    assert int(model.queue_ptr) == 0 and (model.queue_index == -1).all()


def test_momentum_update():
    model = tiny_model(momentum=0.9)
    for param in model.key_encoder.parameters():
        param.data.fill_(1.0)
    query = [p.detach().clone() for p in model.backbone.parameters()]
    model.momentum_update()
    for q, k in zip(query, model.key_encoder['backbone'].parameters()):
        assert torch.allclose(k, 0.9 * 1.0 + 0.1 * q, atol=1e-6)


def test_enqueue_wraps_around_and_keeps_indices():
    model = tiny_model(queue_size=5)
    keys = F.normalize(torch.randn(4, 16), dim=1)
    model.queue_ptr.fill_(3)
    model.enqueue(keys, torch.tensor([10, 11, 12, 13]))
    assert int(model.queue_ptr) == 2
    for row, key in zip([3, 4, 0, 1], keys):
        assert torch.equal(model.queue[row], key)
    assert model.queue_index.tolist() == [12, 13, -1, 10, 11]
    # more keys than rows: the last 5 stay, in order
    many = F.normalize(torch.randn(7, 16), dim=1)
    model.enqueue(many, torch.arange(7))
    assert int(model.queue_ptr) == (2 + 7) % 5
    assert sorted(model.queue_index.tolist()) == [2, 3, 4, 5, 6]
    for i in range(2, 7):
        row = model.queue_index.tolist().index(i)
        assert torch.equal(model.queue[row], many[i])


def test_loss_updates_the_key_encoder_and_enqueues_the_keys():
    model = tiny_model(momentum=0.5).train()
    for param in model.key_encoder.parameters():
        param.data.zero_()
    torch.manual_seed(2)
    x = torch.randn(2, 2 * J, 3, T, S, S)
    data = samples([[0, 1], [2, 3]], [[1, 1], [0, 3]], indices=[7, 9])
    old_queue = model.queue.clone()
    out = model(x, data, mode='loss')
    assert set(out) == {'loss_contrast', 'acc_contrast'}
    assert out['loss_contrast'].requires_grad
    assert 0.0 <= float(out['acc_contrast']) <= 1.0
    # momentum update before the keys: key = 0.5 * 0 + 0.5 * query
    for q, k in zip(model.backbone.parameters(),
                    model.key_encoder['backbone'].parameters()):
        assert torch.allclose(k, 0.5 * q)
    # the two keys went to rows 0 and 1, the rest is unchanged
    assert int(model.queue_ptr) == 2
    assert model.queue_index[:2].tolist() == [7, 9]
    assert torch.equal(model.queue[2:], old_queue[2:])
    with torch.no_grad():
        key = align_regions(model.encode(x[:, J:], key=True),
                            torch.tensor([[1, 1], [0, 3]]))
    assert torch.allclose(model.queue[:2], key, atol=1e-5)
    assert torch.allclose(model.queue[:2].norm(dim=1), torch.ones(2))
    # the loss used the queue as it was before the keys entered it
    model.queue.copy_(old_queue)
    with torch.no_grad():
        query = align_regions(model.encode(x[:, :J]),
                              torch.tensor([[0, 1], [2, 3]]))
        expected = model.criterion(query, key, old_queue)
    assert torch.allclose(out['loss_contrast'], expected, atol=1e-5)


def test_tensor_mode_gives_backbone_clip_features():
    model = tiny_model().eval()
    x = torch.randn(3, 3, T, S, S)
    feats = model(x, mode='tensor')
    assert feats.shape == (3, 32)  # 8 x base_channels
    assert torch.allclose(feats, model.extract_feat(x.unsqueeze(1)))
    with pytest.raises(ValueError, match='2J'):
        model(torch.randn(1, 3, 3, T, S, S), samples([[0, 0]], [[0, 0]]),
              mode='loss')


def test_predict_and_contrastive_accuracy_metric():
    model = tiny_model(queue_size=8).eval()
    x = torch.randn(2, 2 * J, 3, T, S, S)
    data = samples([[0, 3], [1, 2]], [[0, 0], [3, 3]])
    queue = model.queue.clone()
    out = model(x, data, mode='predict')
    assert torch.equal(model.queue, queue) and int(model.queue_ptr) == 0
    metric = METRICS.build(dict(type='ContrastiveAccuracy'))
    metric.process({}, out)
    result = metric.compute_metrics(metric.results)
    acc = [float(s.acc_contrast) for s in out]
    loss = [float(s.loss_contrast) for s in out]
    assert result['acc_contrast'] == pytest.approx(sum(acc) / 2)
    assert result['infonce_contrast'] == pytest.approx(sum(loss) / 2)
    assert result['chance_contrast'] == pytest.approx(1 / 9)
    # retrieval among the evaluated samples' own keys
    q = torch.stack([s.query_embedding for s in out])
    k = torch.stack([s.key_embedding for s in out])
    sim = q @ k.t()
    expected = [float(sim[i, i] > sim[i, 1 - i]) for i in range(2)]
    assert result['acc_retrieval'] == pytest.approx(sum(expected) / 2)
    assert result['chance_retrieval'] == pytest.approx(1 / 2)
    assert result['rank_retrieval'] == pytest.approx(
        sum(1 + float(sim[i, 1 - i] >= sim[i, i]) for i in range(2)) / 2)


def test_retrieval_accuracy_by_hand():
    from tsptools.evaluation.metrics.contrastive_accuracy import \
        retrieval_accuracy
    keys = torch.eye(3).numpy()
    queries = keys[[0, 2, 2]]  # query 1 is closest to key 2, not its own
    assert retrieval_accuracy(queries, keys) == pytest.approx(2 / 3)
    assert retrieval_accuracy(queries, keys, chunk=1) == pytest.approx(2 / 3)
    # ties are not a success: a collapsed encoder scores 0
    same = torch.ones(3, 4).numpy()
    assert retrieval_accuracy(same, same) == 0.0


def test_retrieval_mean_rank_by_hand():
    from tsptools.evaluation.metrics.contrastive_accuracy import \
        retrieval_mean_rank
    keys = torch.tensor([[1.0, 0.0], [0.0, 1.0], [0.6, 0.8]]).numpy()
    # query 0 = key 0: rank 1; query 1 = (0.8, 0.6): dots 0.8, 0.6, 0.96 ->
    # own key third; query 2 = key 1: dots 0, 1, 0.8 -> own key second
    queries = torch.tensor([[1.0, 0.0], [0.8, 0.6], [0.0, 1.0]]).numpy()
    assert retrieval_mean_rank(queries, keys) == pytest.approx(2.0)
    assert retrieval_mean_rank(queries, keys, chunk=2) == pytest.approx(2.0)
    # a collapsed encoder ranks every own key last (ties count against it)
    same = torch.ones(4, 2).numpy()
    assert retrieval_mean_rank(same, same) == 4.0


def test_one_training_iteration_on_real_videos(trimmed_set):
    register_all_modules()
    model = tiny_model(queue_size=8).train()
    dataset_cfg = Config.fromfile(PAL_CONFIG).train_dataloader.dataset
    dataset_cfg.ann_file = str(trimmed_set / 'train_list.txt')
    dataset_cfg.data_prefix = dict(video=str(trimmed_set / 'videos'))
    for step in dataset_cfg.pipeline[0].view_pipeline:
        if step.type == 'mmaction.Resize':
            step.scale = (S, S)
    dataset = DATASETS.build(dataset_cfg)
    batch = [dataset[i] for i in (0, 4)]
    assert batch[0]['inputs'].shape == (2 * J, 3, T, S, S)
    data = dict(
        inputs=[b['inputs'] for b in batch],
        data_samples=[b['data_samples'] for b in batch])
    optim_wrapper = build_optim_wrapper(
        model, dict(optimizer=dict(type='Adam', lr=1e-3)))
    before = {k: v.clone() for k, v in model.state_dict().items()}
    log = model.train_step(data, optim_wrapper)
    assert torch.isfinite(log['loss_contrast'])
    after = model.state_dict()
    assert not torch.equal(before['backbone.conv1.conv.weight'],
                           after['backbone.conv1.conv.weight'])
    assert not torch.equal(before['head.convs.0.weight'],
                           after['head.convs.0.weight'])
    assert int(model.queue_ptr) == 2
    assert model.queue_index[:2].tolist() == [0, 4]
