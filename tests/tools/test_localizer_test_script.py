"""tools/train.py then tools/test.py on a localizer config, as
subprocesses: test.py prints and writes detection mAP, proposal AR@AN and
the DETAD breakdown."""
import glob
import json
import os
import os.path as osp
import pickle
import subprocess
import sys

from tests.conftest import REPO_ROOT
from tests.models.localizers.test_feature_pyramid_localizer import \
    make_feature_set

CONFIG = osp.join(
    REPO_ROOT, 'configs', 'localizer',
    'localizer-fpn1d_r2plus1d-18-w16_tsp-pre_1xb4-80e_synthactions-small.py')


def tiny_options(fset):
    """``--cfg-options`` pointing the SynthActions localizer config at a
    feature set of ``make_feature_set`` and shrinking the model."""
    opts = []
    for loader in ('train', 'val', 'test'):
        opts += [
            f'{loader}_dataloader.dataset.ann_file={fset["ann_file"]}',
            f'{loader}_dataloader.dataset.features={fset["features"]}',
            f'{loader}_dataloader.dataset.class_index={fset["class_index"]}',
        ]
    return opts + [
        f'model.in_channels={fset["channels"]}',
        f'model.num_classes={fset["num_classes"]}', 'model.embed_dims=16',
        'model.num_levels=3', 'default_hooks.logger.interval=1'
    ]


def run(args):
    proc = subprocess.run(
        args, cwd=REPO_ROOT, capture_output=True, text=True, timeout=300,
        env={**os.environ, 'OMP_NUM_THREADS': '1'})
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return proc.stdout + proc.stderr


def test_train_then_test_prints_and_writes_localization_metrics(tmp_path):
    fset = make_feature_set(
        str(tmp_path / 'data'), num_videos=3,
        subsets=('training', 'validation', 'testing'))
    opts = tiny_options(fset)
    run([sys.executable, 'tools/train.py', CONFIG, '--work-dir',
         str(tmp_path / 'train'), '--seed', '0', '--cfg-options', *opts,
         'train_cfg.max_epochs=2'])
    assert osp.isfile(tmp_path / 'train' / 'epoch_2.pth')

    dump = tmp_path / 'out.pkl'
    log = run([sys.executable, 'tools/test.py', CONFIG,
               str(tmp_path / 'train' / 'epoch_2.pth'), '--work-dir',
               str(tmp_path / 'test'), '--dump', str(dump), '--cfg-options',
               *opts])
    keys = ['mAP@0.50', 'mAP@0.75', 'mAP@0.95', 'average_mAP',
            'average_mAP/XS', 'AR@1', 'AR@100', 'AUC']
    for key in keys:
        assert f'{key}: ' in log, key
    written = glob.glob(str(tmp_path / 'test' / '*' / '*.json'))
    assert len(written) == 1
    with open(written[0]) as f:
        metrics = json.loads(f.read().splitlines()[-1])
    for key in keys:
        assert 0 <= metrics[key] <= 1, key
    with open(dump, 'rb') as f:
        results = pickle.load(f)
    assert sorted(r['video_name'] for r in results) == \
        [f'testing_{i}' for i in range(3)]
    for r in results:
        assert r['pred_segments'].shape == (len(r['pred_scores']), 2)
        assert len(r['pred_labels']) == len(r['pred_scores'])
        assert len(r['proposal_segments']) == len(r['proposal_scores'])
