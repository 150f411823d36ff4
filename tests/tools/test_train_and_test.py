"""tools/train.py, resume, tools/test.py and tools/dist_train.sh, run for real
as subprocesses on tiny mp4 files."""
import os
import os.path as osp
import pickle
import subprocess
import sys

import torch

from tests.conftest import REPO_ROOT, TAC_CONFIG, free_port, tiny_tac_options

# A deterministic variant of the TAC config (validation pipeline for
# training, no dropout) so that a resumed run must equal an uninterrupted one.
DETERMINISTIC_CONFIG = f"""
_base_ = ['{TAC_CONFIG}']
train_dataloader = dict(
    dataset=dict(dataset=dict(pipeline={{{{_base_.val_pipeline}}}})))
model = dict(head=dict(dropout_ratio=0.0))
"""


def run(args, env=None, timeout=300):
    proc = subprocess.run(
        args, cwd=REPO_ROOT, capture_output=True, text=True,
        timeout=timeout, env={**os.environ, **(env or {})})
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return proc.stdout + proc.stderr


def train(config, work_dir, root, epochs, extra=()):
    return run([
        sys.executable, 'tools/train.py', str(config), '--work-dir',
        str(work_dir), '--seed', '0', *extra, '--cfg-options',
        *tiny_tac_options(root), f'train_cfg.max_epochs={epochs}'
    ])


def weights(path):
    return torch.load(path, map_location='cpu', weights_only=False)


def test_resume_continues_and_matches_an_uninterrupted_run(
        tmp_path, trimmed_set):
    config = tmp_path / 'tac_deterministic.py'
    config.write_text(DETERMINISTIC_CONFIG)
    train(config, tmp_path / 'straight', trimmed_set, epochs=2)
    train(config, tmp_path / 'resumed', trimmed_set, epochs=1)
    log = train(config, tmp_path / 'resumed', trimmed_set, epochs=2,
                extra=['--resume'])
    assert 'resumed epoch: 1' in log
    straight = weights(tmp_path / 'straight' / 'epoch_2.pth')
    resumed = weights(tmp_path / 'resumed' / 'epoch_2.pth')
    assert resumed['meta']['epoch'] == 2
    for key, value in straight['state_dict'].items():
        assert torch.equal(value, resumed['state_dict'][key]), key
    # optimizer state (momentum) was restored too, not restarted
    assert straight['optimizer']['state'].keys() == \
        resumed['optimizer']['state'].keys()
    # the best checkpoint by mean_acc was kept
    assert any(f.startswith('best_mean_acc') for f in
               os.listdir(tmp_path / 'straight'))


def test_test_script_reports_accuracy_and_dumps(tmp_path, trimmed_set):
    train(TAC_CONFIG, tmp_path / 'wd', trimmed_set, epochs=1)
    dump = tmp_path / 'out.pkl'
    log = run([
        sys.executable, 'tools/test.py', TAC_CONFIG,
        str(tmp_path / 'wd' / 'epoch_1.pth'), '--work-dir',
        str(tmp_path / 'test'), '--dump', str(dump), '--cfg-options',
        *tiny_tac_options(trimmed_set)
    ])
    assert 'acc_action' in log and 'mean_acc' in log
    with open(dump, 'rb') as f:
        results = pickle.load(f)
    assert len(results) == 2  # the two validation videos
    assert results[0]['pred_action'].shape == (2, )


def test_dist_train_two_cpu_processes(tmp_path, trimmed_set):
    work_dir = tmp_path / 'dist'
    log = run([
        'bash', 'tools/dist_train.sh', TAC_CONFIG, '2', '--work-dir',
        str(work_dir), '--cfg-options', *tiny_tac_options(trimmed_set),
        'train_cfg.max_epochs=1',
        # a frozen stem (as in TSP) must not break DDP's gradient checks
        'model.backbone.frozen_stages=0'
    ], env=dict(PYTHON=sys.executable, PORT=str(free_port())))
    assert 'Distributed training: True' in log
    # 6 training videos, 2 ranks, batch 2 -> 2 iterations per epoch (one
    # process would need 3): the ranks split the data
    assert 'Epoch(train) [1][2/2]' in log
    assert osp.isfile(work_dir / 'epoch_1.pth')
    ckpt = weights(work_dir / 'epoch_1.pth')
    assert not any(k.startswith('module.') for k in ckpt['state_dict'])

