"""TSP end to end on SynthActions `tiny`: GVF precomputation from a TAC
checkpoint, then one real training epoch of every SynthActions TSP variant,
and the GVF refresh hook with a momentum encoder."""
import os.path as osp

import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.runner import Runner

from tests.conftest import REPO_ROOT
from tsptools.apis.gvf import read_gvf
from tsptools.datasets.synthactions import generate_synthactions
from tsptools.registry import MODELS
from tsptools.utils import register_all_modules

TSP = 'tsp_r2plus1d-18-w16_synthtac-pre_2xb8-16x2-6e_synthactions-small.py'
VARIANTS = [
    f'configs/tsp/{TSP}',
    f'configs/tsp/tsp-nogvf_{TSP[4:]}',
    f'configs/tsp/tsp-noaction_{TSP[4:]}',
    f'configs/tsp/tsp-avggvf_{TSP[4:]}',
    'configs/tac/tac_r2plus1d-18-w16_synthtac-pre_2xb8-16x2-6e_'
    'synthactions-small.py',
]


@pytest.fixture(scope='module')
def tiny(tmp_path_factory):
    """SynthActions tiny, a TAC checkpoint (random weights) and its GVFs."""
    register_all_modules()
    root = tmp_path_factory.mktemp('synth')
    generate_synthactions(str(root / 'data'), preset='tiny', seed=0,
                          workers=1, progress=False)
    cfg = Config.fromfile(osp.join(REPO_ROOT, VARIANTS[0]))
    shrink_model(cfg)
    model = MODELS.build(cfg.model.copy() | dict(init_cfg=None))
    model.init_weights()
    ckpt = root / 'tac.pth'
    torch.save(dict(state_dict=model.state_dict(), meta={}), ckpt)
    from tsptools.apis.gvf import precompute_gvf, videos_of_config
    from tsptools.core.clip_plan import make_extract_cfg
    point_at(cfg, root, gvf=None, indices=None)  # GVF of every video
    videos = videos_of_config(cfg)
    extract = make_extract_cfg(cfg.get('extract_cfg'), num_workers=0)
    for pool in ('max', 'avg'):
        precompute_gvf(model.eval(), videos, str(root / f'gvf_{pool}.h5'),
                       cfg=extract, pool=pool, progress=False)
    return root, ckpt


def shrink_model(cfg):
    cfg.model.backbone.base_channels = 4
    cfg.model.head.in_channels = 32


def point_at(cfg, root, gvf, indices=3):
    data = root / 'data' / 'untrimmed'
    for key in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        ds = cfg[key].dataset
        ds.ann_file = ds.ann_file.replace(
            'data/synthactions-small/untrimmed', str(data))
        ds.data_prefix = dict(video=str(data / 'videos'))
        ds.action_label_mapping = ds.action_label_mapping.replace(
            'data/synthactions-small/untrimmed', str(data))
        if ds.get('gvf_file'):
            ds.gvf_file = gvf
        ds.clips_per_segment = 1
        ds.indices = indices  # three segments: a few iterations
        cfg[key].batch_size = 2
        cfg[key].num_workers = 0


def tiny_run_cfg(config, root, ckpt, work_dir, pool='max'):
    cfg = Config.fromfile(osp.join(REPO_ROOT, config))
    shrink_model(cfg)
    cfg.model.init_cfg.checkpoint = str(ckpt)
    point_at(cfg, root, str(root / f'gvf_{pool}.h5'))
    cfg.train_cfg.max_epochs = 1
    cfg.work_dir = str(work_dir)
    cfg.default_hooks.logger.interval = 1
    return cfg


@pytest.mark.parametrize('config', VARIANTS, ids=osp.basename)
def test_variant_trains_and_validates(config, tiny, tmp_path):
    root, ckpt = tiny
    pool = 'avg' if 'avggvf' in config else 'max'
    runner = Runner.from_cfg(tiny_run_cfg(config, root, ckpt, tmp_path, pool))
    runner.train()
    metrics = runner.val_loop.run()
    head = runner.model.head
    expect = {'acc_action'} if 'tac_' in config else set()
    if 'tsp' in osp.basename(config):
        expect = {'acc_region'} | (set() if 'noaction' in config
                                   else {'acc_action'})
    assert expect <= set(metrics) and 'mean_acc' in metrics
    # the backbone started from the checkpoint, not from scratch
    assert runner.model.backbone.conv1.conv.bn_s.weight.shape[0] > 0
    assert hasattr(head, 'fc_region') == ('tac_' not in config)
    if hasattr(head, 'fc_region'):  # the official no-action head: no GVF
        with_gvf = 'nogvf' not in config and 'noaction' not in config
        assert head.fc_region.in_features == 32 * (2 if with_gvf else 1)
    assert osp.isfile(tmp_path / 'epoch_1.pth')


def test_gvf_refresh_hook_with_momentum_encoder(tiny, tmp_path):
    root, ckpt = tiny
    cfg = tiny_run_cfg(VARIANTS[0], root, ckpt, tmp_path)
    cfg.custom_hooks = cfg.custom_hooks + [
        dict(type='GVFRefreshHook', interval=1, momentum=0.5)
    ]
    runner = Runner.from_cfg(cfg)
    runner.train()
    refreshed = read_gvf(str(tmp_path / 'gvf' / 'epoch_1.h5'))
    initial = read_gvf(str(root / 'gvf_max.h5'))
    # the videos of the (index-limited) train and val datasets
    videos = set(runner.train_dataloader.dataset.video_files()) | set(
        runner.val_dataloader.dataset.video_files())
    assert set(refreshed) == videos and videos <= set(initial)
    name = sorted(refreshed)[0]
    assert refreshed[name].shape == initial[name].shape
    # the encoder moved during the epoch, so the GVF changed
    assert not np.allclose(refreshed[name], initial[name])
    # and the datasets now serve the refreshed vectors
    ds = runner.train_dataloader.dataset
    info = ds.get_data_info(0)
    np.testing.assert_allclose(info['gvf'], refreshed[info['video_name']])


SHARDED_GVF_SCRIPT = """
import json, sys
import torch.distributed as dist
from tsptools.apis import init_encoder
from tsptools.apis.gvf import precompute_gvf
from tsptools.utils import distributed_run

config, ckpt, videos, out = sys.argv[1:5]
with distributed_run('pytorch'):
    assert dist.get_world_size() == 2
    model = init_encoder(config, ckpt)
    extract = json.load(open(videos))
    precompute_gvf(model, [tuple(v) for v in extract['videos']], out,
                   cfg=extract['cfg'], pool='max', progress=False)
"""


def test_two_process_gvf_equals_the_one_process_gvf(tiny, tmp_path):
    """Each rank pools half of the videos; rank 0 writes them all: the same
    vectors as one process pooling every video (the fixture's file)."""
    import json
    import subprocess
    import sys

    from tests.conftest import free_port
    from tsptools.apis.gvf import videos_of_config
    from tsptools.core.clip_plan import make_extract_cfg
    root, ckpt = tiny
    cfg = Config.fromfile(osp.join(REPO_ROOT, VARIANTS[0]))
    shrink_model(cfg)
    point_at(cfg, root, gvf=None, indices=None)
    config = tmp_path / 'tiny_tsp.py'
    cfg.dump(str(config))
    videos = videos_of_config(cfg)
    extract = make_extract_cfg(cfg.get('extract_cfg'), num_workers=1)
    (tmp_path / 'videos.json').write_text(json.dumps(
        dict(videos=videos, cfg=extract)))
    (tmp_path / 'sharded.py').write_text(SHARDED_GVF_SCRIPT)
    out = tmp_path / 'gvf_2proc.h5'
    proc = subprocess.run(
        [sys.executable, '-m', 'torch.distributed.run', '--nproc_per_node',
         '2', '--master_port', str(free_port()), str(tmp_path / 'sharded.py'),
         str(config), str(ckpt), str(tmp_path / 'videos.json'), str(out)],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-3000:]
    sharded, single = read_gvf(str(out)), read_gvf(str(root / 'gvf_max.h5'))
    assert len(videos) >= 4 and set(sharded) == set(single) == {
        name for name, _ in videos}
    for name in single:
        np.testing.assert_allclose(sharded[name], single[name], rtol=1e-5,
                                   atol=1e-6)
