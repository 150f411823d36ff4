"""Every BSP training mode builds from its SynthActions config and runs one
real training iteration on tiny inputs (R(2+1)D-18 of width 4, 8-frame
32x32 clips of tiny mp4s); two-stream features and the extraction contract;
PackPretextInputs defaults; a tools/train.py-equivalent Runner epoch."""
import os.path as osp

import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.dataset import pseudo_collate
from mmengine.optim import OptimWrapper
from mmengine.registry import init_default_scope

from tests.conftest import REPO_ROOT
from tsptools.datasets.transforms import PackPretextInputs
from tsptools.registry import DATASETS, MODELS, TRANSFORMS
from tsptools.utils import register_all_modules

BSP_DIR = osp.join(REPO_ROOT, 'configs', 'bsp')
SUFFIX = '_r2plus1d-18-w16_scratch-pre_2xb8-16x2-8e_synthactions-small.py'
TSP_BSP = ('tsp-bsp_r2plus1d-18-w16_synthtac-pre_2xb8-16x2-6e_'
           'synthactions-small.py')
TAU, FI = 4, 2  # 8-frame clips of the 40-frame test videos


def config(name):
    register_all_modules()
    init_default_scope('tsptools')
    path = osp.join(BSP_DIR, name if name.endswith('.py') else name + SUFFIX)
    return Config.fromfile(path)


def tiny_pipeline(pack):
    return [
        dict(type='SynthesizeBoundary'),
        dict(type='mmaction.Resize', scale=(-1, 32)),
        dict(type='mmaction.CenterCrop', crop_size=32),
        dict(type='mmaction.FormatShape', input_format='NCTHW'),
        pack,
    ]


def tiny_synthesizers(cfgs):
    return [dict(s, tau=TAU, frame_interval=FI,
                 **({'epsilon_range': (1, 2)} if 'epsilon_range' in s else {}),
                 **({'t_range': (2, 6)} if 't_range' in s else {}))
            for s in cfgs]


def tiny_bsp_dataset(cfg_dataset, root):
    """The config's BSP dataset on the tiny trimmed set."""
    ds = dict(cfg_dataset)
    pack = ds['pipeline'][-1]
    ds.update(
        ann_file=str(root / 'train_list.txt'),
        data_prefix=dict(video=str(root / 'videos')),
        synthesizers=tiny_synthesizers(ds['synthesizers']),
        samples_per_video=1,
        pipeline=tiny_pipeline(pack),
        test_mode=True)
    return DATASETS.build(ds)


def tiny_model(cfg_model, heads_in=32):
    model = cfg_model.copy()
    model.backbone.base_channels = 4
    model.pop('init_cfg', None)
    return model


def train_once(model, batch):
    """One real training iteration; returns the logged values and whether
    the trainable weights changed."""
    model.init_weights()
    model.train()
    params = [p for p in model.parameters() if p.requires_grad]
    before = [p.detach().clone() for p in params]
    optim = OptimWrapper(torch.optim.SGD(params, lr=0.1))
    log = model.train_step(batch, optim)
    changed = any(not torch.equal(a, p) for a, p in zip(before, params))
    for value in log.values():
        assert torch.isfinite(value).all()
    return log, changed


def batch_of(dataset, indices):
    return pseudo_collate([dataset[i] for i in indices])


@pytest.mark.parametrize('name,num_classes', [('bsp', 4), ('bsp-ds-ss', 2)])
def test_boundary_classification_iteration(trimmed_set, name, num_classes):
    cfg = config(name)
    dataset = tiny_bsp_dataset(cfg.train_dataloader.dataset, trimmed_set)
    assert len(dataset.synthesizers) == num_classes
    model_cfg = tiny_model(cfg.model)
    model_cfg.head.in_channels = 32
    model = MODELS.build(model_cfg)
    assert model.head.fc_boundary.out_features == num_classes
    log, changed = train_once(model, batch_of(dataset, range(4)))
    assert set(log) == {'loss', 'loss_boundary', 'acc_boundary'} and changed
    model.eval()
    out = model.val_step(batch_of(dataset, [0, 1]))
    assert out[0].pred_boundary.shape == (num_classes, )


def test_regression_iteration(trimmed_set):
    cfg = config('bsp-reg-ds')
    dataset = tiny_bsp_dataset(cfg.train_dataloader.dataset, trimmed_set)
    model_cfg = tiny_model(cfg.model)
    model_cfg.head.update(in_channels=32, num_frames=2 * TAU)
    model = MODELS.build(model_cfg)
    batch = batch_of(dataset, range(3))
    assert all(0 <= int(s.change_point) < 2 * TAU
               for s in batch['data_samples'])
    log, changed = train_once(model, batch)
    assert {'loss_change_point', 'acc_change_point'} <= set(log) and changed
    model.eval()
    assert model.val_step(batch)[0].pred_change_point.shape == (2 * TAU, )


def test_two_head_iteration(trimmed_set):
    cfg = config('bsp-2head')
    union = cfg.train_dataloader.dataset
    assert union.type == 'ConcatDataset'
    tac = union.datasets[0].dataset
    tac.update(ann_file=str(trimmed_set / 'train_list.txt'),
               data_prefix=dict(video=str(trimmed_set / 'videos')),
               num_classes=2)
    tac.pipeline = [
        dict(type='DecordOpen'),
        dict(type='SampleClip', clip_len=2 * TAU, frame_interval=FI),
        dict(type='DecordReadClip'),
        dict(type='mmaction.Resize', scale=(-1, 32)),
        dict(type='mmaction.FormatShape', input_format='NCTHW'),
        union.datasets[1].pipeline[-1],
    ]
    union.datasets[0].times = 1
    bsp = tiny_bsp_dataset(union.datasets[1], trimmed_set)
    union.datasets[1] = bsp
    dataset = DATASETS.build(union)
    assert len(dataset) == 12
    model_cfg = tiny_model(cfg.model)
    model_cfg.head.heads[0].update(in_channels=32, num_classes=2)
    model_cfg.head.heads[1].update(in_channels=32)
    model = MODELS.build(model_cfg)
    batch = batch_of(dataset, [0, 1, 6, 7])  # 2 TAC clips, 2 BSP clips
    labels = [(int(s.action_label), int(s.boundary_label))
              for s in batch['data_samples']]
    assert all(b == -1 for _, b in labels[:2])
    assert all(a == -1 for a, _ in labels[2:])
    log, changed = train_once(model, batch)
    assert {'loss_action', 'loss_boundary', 'acc_action',
            'acc_boundary'} <= set(log) and changed


def tiny_encoder_cfg(head):
    cfg = config('bsp').model.copy()
    cfg.backbone.base_channels = 4
    cfg.head = head
    return cfg


@pytest.fixture(scope='module')
def teacher_checkpoints(tmp_path_factory):
    """Two tiny trained-looking encoders (TAC and BSP heads) saved as
    checkpoints."""
    root = tmp_path_factory.mktemp('teachers')
    paths, cfgs = [], []
    for k, head in enumerate([
            dict(type='TACHead', num_classes=2, in_channels=32),
            dict(type='BSPHead', num_classes=4, in_channels=32)
    ]):
        cfg = tiny_encoder_cfg(head)
        torch.manual_seed(k)
        model = MODELS.build(cfg)
        model.init_weights()
        path = str(root / f'encoder{k}.pth')
        torch.save(dict(state_dict=model.state_dict(), meta=dict()), path)
        paths.append(path)
        cfgs.append(cfg.to_dict())
    return cfgs, paths


def test_distillation_iteration(trimmed_set, teacher_checkpoints, tmp_path):
    cfgs, paths = teacher_checkpoints
    cfg = config('bsp-distill')
    model_cfg = tiny_model(cfg.model)
    model_cfg.head.update(in_channels=32, num_classes=2)
    model_cfg.in_channels = 32
    for teacher, tcfg, path in zip(model_cfg.teachers, cfgs, paths):
        teacher.pop('config')
        teacher.update(model=tcfg, checkpoint=path, channels=32)
    model = MODELS.build(model_cfg)
    teacher_before = {k: v.clone() for k, v in
                      model.teachers.state_dict().items()}
    dataset = tiny_bsp_dataset(config('bsp').train_dataloader.dataset,
                               trimmed_set)
    batch = batch_of(dataset, range(3))
    # the action head ignores the synthesized clips (action_label -1)
    for sample in batch['data_samples']:
        sample.set_field(torch.tensor(-1), 'action_label')
    batch['data_samples'][0].set_field(torch.tensor(1), 'action_label')
    # the distillation loss is ||f_k(x) - h_k(f_s(x))||^2 (sum over dims,
    # mean over the batch)
    data = model.data_preprocessor(batch, True)
    with torch.no_grad():
        losses = model(**data, mode='loss')
        feats = model.extract_feat(data['inputs'])
        target = model.teachers.encoders[1].extract_feat(data['inputs'])
        expected = ((model.projections[1](feats) - target)**2).sum(1).mean()
    assert losses['loss_distill_boundary'].item() == pytest.approx(
        expected.item(), rel=1e-5)
    log, changed = train_once(model, batch)
    assert {'loss_action', 'loss_distill_vanilla',
            'loss_distill_boundary'} <= set(log) and changed
    # teachers are frozen, in eval mode, and init_weights kept their weights
    assert not model.teachers.training
    for key, value in model.teachers.state_dict().items():
        assert torch.equal(value, teacher_before[key]), key
    # a teacher checkpoint that appears later is loaded by init_weights
    late = str(tmp_path / 'late.pth')
    model_cfg.teachers[1].checkpoint = late
    with pytest.warns(UserWarning, match='does not exist yet'):
        pending = MODELS.build(model_cfg)
    with pytest.raises(RuntimeError, match='never loaded'):
        pending(**data, mode='loss')
    torch.save(torch.load(paths[1], weights_only=False), late)
    pending.init_weights()
    late_w, w = (m.teachers.encoders[1].backbone.conv1.conv.conv_s.weight
                 for m in (pending, model))
    assert torch.equal(late_w, w)


def test_two_stream_features_and_extraction_contract(teacher_checkpoints,
                                                     tmp_path):
    from tsptools.apis.feature_extraction import init_encoder
    cfgs, paths = teacher_checkpoints
    cfg_path = tmp_path / 'two_stream.py'
    cfg_path.write_text(
        "default_scope = 'tsptools'\n"
        f'model = dict(type="TwoStreamEncoder", encoders=['
        f'dict(model={cfgs[0]!r}, checkpoint={paths[0]!r}), '
        f'dict(model={cfgs[1]!r}, checkpoint={paths[1]!r})])\n')
    # no checkpoint to give: the streams loaded theirs
    import warnings
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter('always')
        model = init_encoder(str(cfg_path), None)
    assert not [w for w in caught if 'random' in str(w.message)]
    assert model.own_checkpoints == paths
    inputs = torch.randint(0, 255, (2, 1, 3, 8, 32, 32), dtype=torch.uint8)
    data = model.data_preprocessor(
        dict(inputs=list(inputs), data_samples=None), False)['inputs']
    with torch.no_grad():
        feats = model.extract_feat(data)
        assert torch.equal(feats, model(data, mode='tensor'))
    assert feats.shape == (2, 64)
    for k in range(2):
        single = MODELS.build(cfgs[k])
        state = torch.load(paths[k], weights_only=False)['state_dict']
        single.load_state_dict(state)
        single.eval()
        with torch.no_grad():
            torch.testing.assert_close(feats[:, 32 * k:32 * (k + 1)],
                                       single.extract_feat(data))
    with pytest.raises(RuntimeError, match='only extracts'):
        model(data, mode='loss')
    # a checkpoint of the whole two-stream model also loads
    whole = tmp_path / 'whole.pth'
    torch.save(dict(state_dict=model.state_dict()), whole)
    missing = cfg_path.read_text().replace(paths[0], str(tmp_path / 'x.pth'))
    cfg_path.write_text(missing)
    with pytest.warns(UserWarning, match='does not exist yet'):
        again = init_encoder(str(cfg_path), str(whole))
    with torch.no_grad():
        assert torch.equal(again.extract_feat(data), feats)
    # without it, the stream whose checkpoint is missing is an error ...
    with pytest.warns(UserWarning, match='does not exist yet'), \
            pytest.raises(FileNotFoundError):
        init_encoder(str(cfg_path), None)
    # ... and a stream without a checkpoint keeps random weights (warned)
    unset = f', checkpoint={str(tmp_path / "x.pth")!r}'
    assert unset in missing
    cfg_path.write_text(missing.replace(unset, ''))
    with pytest.warns(UserWarning, match=r'encoders \[0\]: extracting '
                      'with randomly'):
        init_encoder(str(cfg_path), None)
    # streams must share the input normalisation
    other = dict(cfgs[1], data_preprocessor=dict(
        type='mmaction.ActionDataPreprocessor', mean=[0, 0, 0],
        std=[1, 1, 1], format_shape='NCTHW'))
    with pytest.raises(ValueError, match='normalisation'):
        MODELS.build(dict(type='TwoStreamEncoder',
                          encoders=[dict(model=cfgs[0]), dict(model=other)]))


def test_tsp_plus_bsp_iteration(trimmed_set):
    cfg = config(TSP_BSP)
    model_cfg = tiny_model(cfg.model)
    model_cfg.head.heads[0].update(in_channels=32, num_classes=2)
    model_cfg.head.heads[1].update(in_channels=32)
    model = MODELS.build(model_cfg)
    pack = dict(cfg.pack)
    pack['defaults'] = dict(pack['defaults'], gvf=[0.0] * 32)
    bsp_ds = dict(cfg.train_dataloader.dataset.datasets[1])
    bsp_ds['pipeline'] = [pack]
    bsp = tiny_bsp_dataset(bsp_ds, trimmed_set)
    # a TSP clip as UntrimmedVideoDataset gives it, through the config's
    # packing (a background clip: action -1, region 1)
    tsp_pipeline = [TRANSFORMS.build(t) for t in [
        dict(type='DecordOpen'),
        dict(type='SampleClip', clip_len=2 * TAU, frame_interval=FI,
             test_mode=True),
        dict(type='DecordReadClip'),
        dict(type='mmaction.Resize', scale=(-1, 32)),
        dict(type='mmaction.FormatShape', input_format='NCTHW'),
        pack,
    ]]
    tsp = []
    for k, (action, region) in enumerate([(1, 0), (-1, 1)]):
        results = dict(
            filename=str(trimmed_set / 'videos' / f'cls1_{2 * k + 1}.mp4'),
            action_label=action, region_label=region,
            gvf=np.full(32, 0.5, np.float32), clip_start=0.2, fps=30.0)
        for t in tsp_pipeline:
            results = t(results)
        tsp.append(results)
    batch = pseudo_collate(tsp + [bsp[0], bsp[1]])
    assert [int(s.boundary_label) for s in batch['data_samples'][:2]] == \
        [-1, -1]
    assert [int(s.region_label) for s in batch['data_samples'][2:]] == \
        [-1, -1]
    log, changed = train_once(model, batch)
    assert {'loss_action', 'loss_region', 'loss_boundary', 'acc_action',
            'acc_region', 'acc_boundary'} <= set(log) and changed


def test_pack_defaults_fill_missing_keys_only():
    pack = PackPretextInputs(keys=('action_label', 'boundary_label'),
                             defaults=dict(boundary_label=-1))
    out = pack(dict(imgs=np.zeros((1, 3, 2, 4, 4), np.uint8),
                    action_label=3))
    assert int(out['data_samples'].boundary_label) == -1
    out = pack(dict(imgs=np.zeros((1, 3, 2, 4, 4), np.uint8),
                    action_label=3, boundary_label=2))
    assert int(out['data_samples'].boundary_label) == 2
    with pytest.raises(KeyError, match='action_label'):
        pack(dict(imgs=np.zeros((1, 3, 2, 4, 4), np.uint8)))
    with pytest.raises(KeyError, match='not in keys'):
        PackPretextInputs(keys=('action_label', ), defaults=dict(gvf=0))


def test_runner_epoch_reports_boundary_accuracy(trimmed_set, tmp_path):
    """What tools/train.py does with the 4-way config, on the tiny set: one
    epoch, validation, ClipAccuracy on boundaries, DatasetEpochHook."""
    from mmengine.runner import Runner
    cfg = config('bsp')
    for loader in ('train_dataloader', 'val_dataloader'):
        ds = cfg[loader].dataset
        split = 'train' if loader.startswith('train') else 'val'
        ds.update(ann_file=str(trimmed_set / f'{split}_list.txt'),
                  data_prefix=dict(video=str(trimmed_set / 'videos')),
                  num_classes=2, synthesizers=tiny_synthesizers(
                      ds.synthesizers), samples_per_video=1,
                  pipeline=tiny_pipeline(ds.pipeline[-1]))
        cfg[loader].update(batch_size=4, num_workers=0)
    cfg.test_dataloader = cfg.val_dataloader
    cfg.model.backbone.base_channels = 4
    cfg.model.head.in_channels = 32
    cfg.train_cfg.update(max_epochs=1, val_begin=2)  # validated below
    cfg.param_scheduler = []
    cfg.work_dir = str(tmp_path)
    cfg.default_hooks.logger.interval = 1
    runner = Runner.from_cfg(cfg)
    runner.train()
    assert runner.train_dataloader.dataset.epoch == 0
    metrics = runner.val_loop.run()
    assert set(metrics) == {'acc_boundary', 'mean_acc'}
    assert osp.isfile(tmp_path / 'epoch_1.pth')
