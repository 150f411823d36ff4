"""tools/misc/run_demo.sh end to end on SynthActions `tiny` with one-epoch
schedules: every step runs for real (2 gloo processes, decord, the Runner),
the table holds the four encoders, the GVF covers exactly the training and
validation videos, and a second run skips every finished step."""
import json
import os
import os.path as osp
import subprocess
import sys

from tests.conftest import REPO_ROOT, free_port
from tsptools.apis.gvf import read_gvf


def run_demo(env):
    proc = subprocess.run(['bash', 'tools/misc/run_demo.sh'], cwd=REPO_ROOT,
                          env={**os.environ, **env}, capture_output=True,
                          text=True, timeout=1200)
    log = proc.stdout + proc.stderr
    assert proc.returncode == 0, log[-6000:]
    return log


def test_demo_on_tiny_resumes(tmp_path):
    data, work = tmp_path / 'data', tmp_path / 'work'
    env = dict(
        PYTHON=sys.executable, PORT=str(free_port()), PRESET='tiny',
        DATA=str(data), WORK=str(work), NOGVF='1', SEEDS='1',
        TAC_OPTS='train_cfg.max_epochs=1 train_dataloader.batch_size=4',
        TARGET_OPTS='train_cfg.max_epochs=1 '
        'train_dataloader.dataset.clips_per_segment=1 '
        'val_dataloader.dataset.clips_per_segment=1',
        LOC_OPTS='train_cfg.max_epochs=2')
    log = run_demo(env)
    assert 'demo finished' in log

    database = json.load(
        open(data / 'untrimmed/annotations/synthactions.json'))['database']
    trainval = sorted(n for n, v in database.items()
                      if v['subset'] in ('training', 'validation'))
    # the GVF: the TAC-init features pooled, for the train and val videos
    gvf = read_gvf(str(data / 'gvf/tac_r2plus1d-18-w16_max.h5'))
    assert sorted(gvf) == trainval
    feats = work / 'benchmark/features/tac-init'
    manifest = json.load(open(feats / 'manifest.json'))
    assert manifest['num_videos'] == len(database)  # the test videos too
    # the table: four encoders, one seed each, finite metrics
    report = json.load(open(work / 'benchmark/benchmark.json'))
    assert sorted(report['encoders']) == sorted(
        ['tac-init', 'tac-on-target', 'tsp', 'tsp-no-gvf'])
    for name, encoder in report['encoders'].items():
        assert len(encoder['runs']) == 1
        assert 0 <= encoder['summary']['average_mAP']['mean'] <= 1, name
    # tac-init is not extracted twice: the benchmark reads the demo's
    assert report['encoders']['tac-init']['extract_s'] == 0
    for run in ('tac', 'tsp', 'tsp_nogvf', 'tac_target'):
        assert osp.isfile(work / run / 'epoch_1.pth')

    # everything finished is skipped the second time
    log = run_demo(env)
    assert log.count('already trained') == 4
    assert 'features exist' in log
