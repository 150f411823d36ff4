"""FeaturePyramidLocalizer: overfits a tiny feature set, predicts
well-formed segments; soft-NMS on hand-built cases."""
import json
import os
import os.path as osp

import numpy as np
import pytest
import torch
from mmengine.structures import BaseDataElement

from tsptools.evaluation.functional import detection_map
from tsptools.models.localizers import FeaturePyramidLocalizer, soft_nms_1d
from tsptools.models.localizers.soft_nms import vote_boundaries
from tsptools.models.localizers.targets import (assign_targets,
                                                default_regress_ranges,
                                                make_points)


def make_feature_set(root, num_videos=6, num_classes=3, channels=16,
                     step=0.5, seed=0, subsets=('training', ),
                     write_times=True):
    """Clip features that encode actions clearly, with their annotations.

    Writes ``root/features/<video>.npy`` (``T x channels``, one step every
    ``step`` s, step ``i`` centred at ``(i + 0.5) * step``),
    ``root/features/clip_times/<video>.npy``, ``root/features/manifest.json``
    (the extraction tool's layout), ``root/ann.json`` (ActivityNet JSON, every
    video in each of ``subsets`` under the names ``<subset>_<i>``) and
    ``root/class_index.json``. Inside an action of class ``c`` channel ``c``
    is raised; its first and last steps raise two boundary channels.

    Returns:
        ``dict(ann_file, features, class_index, channels, num_classes)``.
    """
    rng = np.random.default_rng(seed)
    feat_dir = osp.join(root, 'features')
    os.makedirs(osp.join(feat_dir, 'clip_times'), exist_ok=True)
    classes = [f'class_{c}' for c in range(num_classes)]
    database, manifest_videos = {}, {}
    for subset in subsets:
        for i in range(num_videos):
            name = f'{subset}_{i}'
            num = int(rng.integers(30, 50))
            duration = num * step
            feats = rng.normal(0, 0.3, (num, channels)).astype(np.float32)
            anns, pos = [], int(rng.integers(1, 4))
            while True:
                length = int(rng.integers(3, 10))
                if pos + length > num - 1:
                    break
                label = int(rng.integers(num_classes))
                feats[pos:pos + length, label] += 2.0
                feats[pos, num_classes] += 2.0
                feats[pos + length - 1, num_classes + 1] += 2.0
                anns.append(dict(segment=[pos * step, (pos + length) * step],
                                 label=classes[label]))
                pos += length + int(rng.integers(2, 6))
            np.save(osp.join(feat_dir, f'{name}.npy'), feats)
            if write_times:
                np.save(osp.join(feat_dir, 'clip_times', f'{name}.npy'),
                        (np.arange(num) + 0.5) * step)
            database[name] = dict(subset=subset, duration=duration,
                                  fps=30.0, num_frames=int(duration * 30),
                                  annotations=anns)
            manifest_videos[name] = dict(status='ok', T=num, fps=30.0)
    with open(osp.join(feat_dir, 'manifest.json'), 'w') as f:
        json.dump(dict(format='npy', output='.', videos=manifest_videos), f)
    ann_file = osp.join(root, 'ann.json')
    with open(ann_file, 'w') as f:
        json.dump(dict(version='test', database=database), f)
    class_index = osp.join(root, 'class_index.json')
    with open(class_index, 'w') as f:
        json.dump({c: i for i, c in enumerate(classes)}, f)
    return dict(ann_file=ann_file, features=feat_dir,
                class_index=class_index, channels=channels,
                num_classes=num_classes)


def _samples(fset):
    """(inputs, data samples) of a feature set, read as the dataset does."""
    with open(fset['ann_file']) as f:
        database = json.load(f)['database']
    with open(fset['class_index']) as f:
        index = json.load(f)
    out = []
    for name, entry in sorted(database.items()):
        feats = np.load(osp.join(fset['features'], f'{name}.npy'))
        times = np.load(
            osp.join(fset['features'], 'clip_times', f'{name}.npy'))
        anns = entry['annotations']
        out.append((torch.from_numpy(feats.T.copy()),
                    BaseDataElement(
                        video_name=name,
                        duration=entry['duration'],
                        gt_segments=np.array([a['segment'] for a in anns]),
                        gt_labels=np.array([index[a['label']]
                                            for a in anns]),
                        time_offset=float(times[0]),
                        time_step=float(times[1] - times[0]))))
    return out


def _map(samples, thresholds=(0.5, 0.7)):
    cat = np.concatenate
    gt_v = cat([[s.video_name] * len(s.gt_labels) for s in samples])
    pr_v = cat([[s.video_name] * len(s.pred_labels) for s in samples])
    res = detection_map(
        gt_v, cat([s.gt_segments for s in samples]),
        cat([s.gt_labels for s in samples]), pr_v,
        cat([s.pred_segments for s in samples]),
        cat([s.pred_scores for s in samples]),
        cat([s.pred_labels for s in samples]),
        tiou_thresholds=thresholds)
    return res['mAP']


@pytest.fixture
def one_thread():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def _model(fset, **kwargs):
    return FeaturePyramidLocalizer(
        fset['channels'], fset['num_classes'], embed_dims=32, num_levels=3,
        **kwargs)


def test_overfits_a_tiny_feature_set_and_predicts_well_formed(
        tmp_path, one_thread):
    torch.manual_seed(0)
    fset = make_feature_set(str(tmp_path))
    data = _samples(fset)
    model = _model(fset)
    optim = torch.optim.AdamW(model.parameters(), lr=5e-3)
    inputs = [x for x, _ in data]
    model.train()
    for _ in range(60):
        losses = model(inputs, [s for _, s in data], mode='loss')
        assert set(losses) == {'loss_cls', 'loss_reg'}
        optim.zero_grad()
        sum(losses.values()).backward()
        optim.step()
    model.eval()
    preds = model(inputs, [s.clone() for _, s in data], mode='predict')
    map50, map70 = _map(preds)
    assert map50 >= 0.9, map50
    assert map70 >= 0.9, map70
    for sample in preds:
        seg, scores = sample.pred_segments, sample.pred_scores
        assert seg.shape == (len(scores), 2) and 0 < len(scores) <= 100
        assert np.all(seg[:, 1] > seg[:, 0])
        assert np.all(seg >= 0) and np.all(seg <= sample.duration)
        assert np.all(np.diff(scores) <= 0)
        assert sample.pred_labels.dtype == np.int64
        assert np.all((sample.pred_labels >= 0) &
                      (sample.pred_labels < fset['num_classes']))
        prop, pscores = sample.proposal_segments, sample.proposal_scores
        assert len(prop) == len(pscores) <= 100
        assert np.all(prop[:, 1] > prop[:, 0]) and np.all(
            np.diff(pscores) <= 0)
        assert np.all(prop >= 0) and np.all(prop <= sample.duration)


def test_predictions_of_an_untrained_model_are_well_formed():
    torch.manual_seed(0)
    model = FeaturePyramidLocalizer(8, 4, embed_dims=16, num_levels=3,
                                    test_cfg=dict(max_per_video=30))
    model.eval()
    samples = [dict(video_name='a', duration=7.0, time_offset=0.25,
                    time_step=0.5),
               dict(video_name='b', duration=3.1, time_offset=0.25,
                    time_step=0.5)]
    out = model([torch.randn(8, 14), torch.randn(8, 6)], samples,
                mode='predict')
    for sample in out:
        seg = sample['pred_segments']
        assert 0 < len(seg) <= 30
        assert np.all(seg[:, 1] > seg[:, 0])
        assert np.all(seg >= 0) and np.all(seg <= sample['duration'])
        assert np.all(np.diff(sample['pred_scores']) <= 0)
    # a batch tensor works as a list of sequences
    cls, dist, masks = model(torch.randn(2, 8, 10))
    assert [c.shape[-1] for c in cls] == [12, 6, 3]  # padded to x4
    assert masks[0][:, 10:].sum() == 0


def test_wrong_feature_dimension_or_classes_are_clear_errors():
    model = FeaturePyramidLocalizer(8, 2, embed_dims=16, num_levels=2)
    with pytest.raises(ValueError, match='model.in_channels'):
        model([torch.randn(5, 10)])
    sample = dict(video_name='v', gt_segments=[[1.0, 2.0]], gt_labels=[2],
                  time_offset=0.0, time_step=0.5, duration=5.0)
    with pytest.raises(ValueError, match="'v'.*model.num_classes"):
        model([torch.randn(8, 10)], [sample], mode='loss')


def test_targets_centre_sampling_and_ranges():
    ranges = default_regress_ranges(3)
    assert ranges == [(0.0, 4.0), (4.0, 8.0), (8.0, float('inf'))]
    points = make_points([16, 8, 4], [1, 2, 4], ranges)
    # segment [2, 5] (length 3): only level-0 points inside and near centre
    cls, reg, pos = assign_targets(points, torch.tensor([[2.0, 5.0]]),
                                   torch.tensor([1]), 3, 1.5)
    hit = points[pos]
    assert torch.equal(hit[:, 0], torch.tensor([2.0, 3.0, 4.0, 5.0]))
    assert torch.all(hit[:, 3] == 1)
    assert torch.all(cls[pos][:, 1] == 1) and cls[~pos].sum() == 0
    assert torch.allclose(reg[pos][0], torch.tensor([0.0, 3.0]))
    # a long segment goes to the coarsest level, distances in its stride
    cls, reg, pos = assign_targets(points, torch.tensor([[0.0, 20.0]]),
                                   torch.tensor([0]), 3, 1.5)
    assert points[pos][:, 0].tolist() == [4.0, 8.0, 12.0]
    assert torch.all(points[pos][:, 3] == 4)
    assert torch.allclose(reg[pos] * 4, torch.stack(
        [points[pos][:, 0], 20 - points[pos][:, 0]], 1))


def test_soft_nms_hand_built_case():
    segs = np.array([[0, 10], [1, 10], [20, 30], [0, 10]], float)
    scores = np.array([0.9, 0.8, 0.7, 0.6])
    # hard NMS: [1, 10] overlaps [0, 10] with tIoU 0.9 -> removed
    keep, new = soft_nms_1d(segs, scores, method='hard', iou_threshold=0.5)
    assert keep.tolist() == [0, 2] and np.allclose(new, [0.9, 0.7])
    # gaussian: decayed by exp(-0.81 / 0.5) and exp(-1 / 0.5), re-ranked
    keep, new = soft_nms_1d(segs, scores, method='gaussian', sigma=0.5,
                            min_score=0.0)
    decayed = 0.8 * np.exp(-0.81 / 0.5)
    assert keep.tolist() == [0, 2, 1, 3]
    assert np.allclose(new[:3], [0.9, 0.7, decayed])
    assert np.all(np.diff(new) <= 0)
    # linear above the threshold; other labels are never suppressed
    keep, new = soft_nms_1d(segs, scores, labels=np.array([0, 1, 0, 0]),
                            method='linear', iou_threshold=0.5,
                            min_score=0.0)
    assert keep.tolist() == [0, 1, 2, 3]
    assert np.allclose(new, [0.9, 0.8, 0.7, 0.0])
    keep, _ = soft_nms_1d(segs, scores, max_num=2, method='hard')
    assert len(keep) == 2
    keep, new = soft_nms_1d(np.zeros((0, 2)), np.zeros(0))
    assert keep.size == 0 and new.size == 0


def test_boundary_voting_hand_built_case():
    segs = np.array([[0, 10], [1, 11], [0, 12], [20, 30], [2, 10]], float)
    scores = np.array([0.9, 0.6, 0.3, 0.8, 0.5])
    labels = np.array([0, 0, 0, 0, 1])
    keep = np.array([0, 3])
    voted = vote_boundaries(segs, scores, keep, labels, iou_threshold=0.7)
    # voters of [0, 10]: itself (tIoU 1), [1, 11] (9/11), [0, 12] (10/12);
    # [2, 10] is another class and [20, 30] does not overlap
    w = np.array([0.9 * 1.0, 0.6 * 9 / 11, 0.3 * 10 / 12])
    expected = (w[:, None] * segs[:3]).sum(0) / w.sum()
    assert np.allclose(voted[0], expected)
    assert np.allclose(voted[1], [20, 30])  # alone
    # class-agnostic: [2, 10] (tIoU 0.8) votes too
    voted = vote_boundaries(segs, scores, keep[:1], None, iou_threshold=0.7)
    w = np.append(w, 0.5 * 0.8)
    expected = (w[:, None] * segs[[0, 1, 2, 4]]).sum(0) / w.sum()
    assert np.allclose(voted[0], expected)


@pytest.mark.parametrize('block_type', ['conv', 'attention'])
def test_block_types_train_and_predict(block_type, one_thread):
    torch.manual_seed(0)
    model = FeaturePyramidLocalizer(
        in_channels=8, num_classes=3, embed_dims=16, num_levels=3,
        block_type=block_type, stem_norm=False,
        attn_cfg=dict(num_heads=2, window_size=5),
        test_cfg=dict(nms=dict(voting_thresh=0.7)))
    kinds = {type(m).__name__ for m in model.level_blocks.modules()}
    expected = 'LocalAttentionBlock' if block_type == 'attention' else \
        'MaskedConvBlock'
    assert expected in kinds
    assert isinstance(model.stem[0].norm, torch.nn.Identity)
    inputs = [torch.randn(8, 20), torch.randn(8, 13)]
    samples = [
        dict(gt_segments=[[1.0, 4.0]], gt_labels=[1], time_offset=0.25,
             time_step=0.5, duration=10.0),
        dict(gt_segments=[[0.5, 2.0]], gt_labels=[2], time_offset=0.25,
             time_step=0.5, duration=6.5)
    ]
    losses = model(inputs, samples, mode='loss')
    sum(losses.values()).backward()
    assert all(torch.isfinite(v) for v in losses.values())
    out = model.eval()(inputs, samples, mode='predict')
    for sample in out:
        seg = sample['pred_segments']
        assert seg.shape[1] == 2 and np.all(seg[:, 1] >= seg[:, 0])
        assert np.all(np.diff(sample['pred_scores']) <= 0)
    with pytest.raises(ValueError, match='block_type'):
        FeaturePyramidLocalizer(in_channels=8, num_classes=3,
                                block_type='lstm')


def test_boundary_refinement_targets_and_decoding(one_thread):
    torch.manual_seed(0)
    model = FeaturePyramidLocalizer(in_channels=4, num_classes=2,
                                    embed_dims=8, num_levels=2,
                                    boundary_refine=True)
    sample = dict(gt_segments=[[1.3, 4.6]], gt_labels=[0], time_offset=0.0,
                  time_step=1.0, duration=8.0)
    # loss: the four steps around each boundary point at it (clipped)
    offsets = torch.zeros(1, 2, 8, requires_grad=True)
    mask = torch.ones(1, 8, dtype=torch.bool)
    loss = model._boundary_loss(offsets, mask, [sample])
    targets = np.array([1.3, 0.3, -0.7, -1.5,      # start 1.3: steps 0-3
                        1.5, 0.6, -0.4, -1.4])     # end 4.6: steps 3-6
    diff = np.abs(targets)
    expected = np.where(diff < 0.1, 0.5 * diff**2 / 0.1, diff - 0.05).mean()
    assert float(loss) == pytest.approx(expected, rel=1e-6)
    loss.backward()
    assert offsets.grad[0, 0, :4].abs().min() > 0  # start channel, 0-3
    assert offsets.grad[0, 0, 4:].abs().max() == 0
    assert offsets.grad[0, 1, 3:7].abs().min() > 0  # end channel, 3-6
    # decoding: start/end snap to the nearest step plus its offset
    points = torch.tensor([[2.0, 0, 1e9, 1.0], [4.0, 0, 1e9, 2.0]])
    dist = torch.tensor([[0.9, 1.4], [1.2, 0.5]])  # in strides
    refine = torch.zeros(2, 8)
    refine[0, 1], refine[0, 0] = 0.25, -0.3   # start offsets at steps 1, 0
    refine[1, 3], refine[1, 5] = -0.2, 0.4    # end offsets at steps 3, 5
    seg, keep = model._segments(torch.arange(2), dist, points, 0.5, 2.0,
                                20.0, refine)
    # point 0: start 2 - 0.9 = 1.1 -> step 1 + 0.25; end 3.4 -> 3 - 0.2
    # point 1: start 4 - 2.4 = 1.6 -> step 2 + 0; end 5.0 -> 5 + 0.4
    expected = np.array([[1.25, 2.8], [2.0, 5.4]]) * 2.0 + 0.5
    assert np.allclose(seg.numpy(), expected) and keep.all()
    # the tensor mode returns the offsets last
    out = model(torch.randn(1, 4, 8), mode='tensor')
    assert len(out) == 4 and out[3].shape == (1, 2, 8)
    assert out[3].abs().max() <= 1.5
