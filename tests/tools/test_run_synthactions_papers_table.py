"""tools/misc/run_synthactions_papers_table.sh on SynthActions `tiny`, for
the rows that only this script trains (BSP and its two-stream encoder,
TSP + BSP, PAL on the TAC encoder; the TSP variants are trained by
tests/tools/test_tsp_training.py) with two-epoch
budgets: every step runs for real (2 gloo processes, decord, the Runner),
each row trains exactly BUDGET clips from the given TAC checkpoint, the table
holds the floor, TAC-init and the trained rows, and a second run skips
every finished step."""
import json
import os
import os.path as osp
import subprocess
import sys

import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope

from tests.conftest import REPO_ROOT, free_port
from tsptools.core.feature_format import FeatureStore
from tsptools.registry import MODELS

TAC_CFG = ('configs/tac/tac_r2plus1d-18-w16_scratch-pre_2xb8-16x2-8e_'
           'synthactions-small.py')
ROWS = ['bsp', 'tsp-bsp', 'pal']


def run_table(env):
    proc = subprocess.run(
        ['bash', 'tools/misc/run_synthactions_papers_table.sh'],
        cwd=REPO_ROOT, env={**os.environ, **env}, capture_output=True,
        text=True, timeout=1500)
    log = proc.stdout + proc.stderr
    assert proc.returncode == 0, log[-6000:]
    return log


def iterations_of(work_dir):
    """Training iterations logged by a run (its scalars.json)."""
    logs = sorted(
        osp.join(root, f) for root, _, files in os.walk(work_dir)
        for f in files if f == 'scalars.json')
    assert logs, work_dir
    with open(logs[-1]) as f:
        steps = [json.loads(line) for line in f]
    return max(s['step'] for s in steps if 'loss' in s)


def test_papers_table_on_tiny(tmp_path):
    init_default_scope('tsptools')
    torch.manual_seed(0)
    tac = MODELS.build(Config.fromfile(osp.join(REPO_ROOT, TAC_CFG)).model)
    tac_ckpt = tmp_path / 'tac.pth'
    torch.save(dict(state_dict=tac.state_dict(), meta={}), tac_ckpt)
    data, work = tmp_path / 'data', tmp_path / 'work'
    env = dict(
        PYTHON=sys.executable, PORT=str(free_port()), PRESET='tiny',
        DATA=str(data), SMALL=str(data), WORK=str(work),
        TAC_CKPT=str(tac_ckpt), EPOCHS='2', BUDGET='8', SEEDS='1',
        ROWS=' '.join(ROWS), LOC_OPTS='train_cfg.max_epochs=2')
    log = run_table(env)
    assert "papers' table finished" in log
    assert 'budget: 2 epochs x 8 clips' in log

    report = json.load(open(work / 'benchmark/benchmark.json'))
    assert sorted(report['encoders']) == sorted(
        ['untrained', 'tac-init', 'bsp-2stream', 'tsp-bsp', 'pal'])
    for name, encoder in report['encoders'].items():
        assert 0 <= encoder['summary']['average_mAP']['mean'] <= 1, name
    assert (work / 'benchmark/benchmark.png').read_bytes()[:4] == \
        b'\x89PNG'
    feats = work / 'benchmark/features'
    dims = {}
    for name in report['encoders']:
        store = FeatureStore(str(feats / name))
        dims[name] = store.shape(sorted(store.names())[0])[1]
    assert dims == {'untrained': 128, 'tac-init': 128, 'bsp-2stream': 256,
                    'tsp-bsp': 128, 'pal': 128}
    # one budget: 8 clips an epoch, 2 processes: TSP / BSP batches of
    # 2 x 8 clips (1 iteration an epoch), PAL 8 / 4 = 2 videos of 4 clips,
    # 2 x 2 videos per iteration (1 iteration an epoch)
    for row in ROWS:
        assert osp.isfile(work / row / 'epoch_2.pth'), row
        assert iterations_of(work / row) == 2, row
    # every row started from the TAC checkpoint (the frozen stem kept it)
    stem = 'backbone.conv1.conv.conv_s.weight'
    for row in ROWS:
        ckpt = torch.load(work / row / 'epoch_2.pth', weights_only=False,
                          map_location='cpu')['state_dict']
        assert torch.equal(ckpt[stem], tac.state_dict()[stem]), row
    # the two-stream config points at TAC-init and the BSP run
    two_stream = open(work / 'bsp-2stream.py').read()
    assert str(tac_ckpt) in two_stream and 'bsp/epoch_2.pth' in two_stream

    log = run_table(env)
    for row in ROWS:
        assert f'already trained: {work / row}' in log
