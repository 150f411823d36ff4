"""tools/train.py, resume, tools/test.py and tools/dist_train.sh, run for real
as subprocesses on tiny mp4 files."""
import os
import os.path as osp
import pickle
import subprocess
import sys
import time

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



FAILING_RANK_HOOK = """
import torch.distributed as dist
from mmengine.hooks import Hook

from tsptools.registry import HOOKS


@HOOKS.register_module()
class FailOnSecondRank(Hook):

    def before_train_iter(self, runner, batch_idx, data_batch=None):
        if dist.get_rank() == 1:
            raise RuntimeError('planned failure of rank 1')
"""


def test_a_failing_rank_ends_the_run_with_its_reason(tmp_path, trimmed_set):
    (tmp_path / 'failing_rank_hook.py').write_text(FAILING_RANK_HOOK)
    config = tmp_path / 'failing.py'
    config.write_text(f"""
_base_ = ['{TAC_CONFIG}']
custom_imports = dict(imports=['failing_rank_hook'],
                      allow_failed_imports=False)
custom_hooks = [dict(type='FailOnSecondRank')]
""")
    start = time.time()
    proc = subprocess.run(
        ['bash', 'tools/dist_train.sh', str(config), '2', '--work-dir',
         str(tmp_path / 'work'), '--cfg-options',
         *tiny_tac_options(trimmed_set), 'train_cfg.max_epochs=1'],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=300,
        env={**os.environ, 'PYTHON': sys.executable,
             'PORT': str(free_port()),
             'PYTHONPATH': f'{tmp_path}:{os.environ.get("PYTHONPATH", "")}'})
    log = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert 'rank 1 of 2 failed: RuntimeError: planned failure of rank 1' \
        in log, log[-3000:]
    # the other rank is stopped, not left waiting for the process-group
    # timeout (30 min)
    assert time.time() - start < 240


KILL_HOOK = """
import os
import signal

from mmengine.hooks import Hook

from tsptools.registry import HOOKS


@HOOKS.register_module()
class KillAtIteration(Hook):
    # SIGKILL every rank before iteration $TSPTOOLS_TEST_KILL_AT

    def before_train_iter(self, runner, batch_idx, data_batch=None):
        if str(runner.iter) == os.environ.get('TSPTOOLS_TEST_KILL_AT'):
            os.kill(os.getpid(), signal.SIGKILL)
"""


def test_killed_two_process_training_resumes_to_the_same_weights(
        tmp_path, trimmed_set):
    (tmp_path / 'kill_hook.py').write_text(KILL_HOOK)
    config = tmp_path / 'tac_killable.py'
    config.write_text(DETERMINISTIC_CONFIG + """
custom_imports = dict(imports=['kill_hook'], allow_failed_imports=False)
custom_hooks = [dict(type='KillAtIteration')]
""")

    def dist_train(work_dir, extra=(), kill_at=None):
        env = {**os.environ, 'PYTHON': sys.executable,
               'PORT': str(free_port()),
               'PYTHONPATH': f'{tmp_path}:{os.environ.get("PYTHONPATH", "")}'}
        if kill_at is not None:
            env['TSPTOOLS_TEST_KILL_AT'] = str(kill_at)
        return subprocess.run(
            ['bash', 'tools/dist_train.sh', str(config), '2', '--work-dir',
             str(work_dir), '--seed', '0', *extra, '--cfg-options',
             *tiny_tac_options(trimmed_set), 'train_cfg.max_epochs=2'],
            cwd=REPO_ROOT, capture_output=True, text=True, timeout=300,
            env=env)

    straight = dist_train(tmp_path / 'straight')
    assert straight.returncode == 0, straight.stderr[-3000:]
    # 2 iterations an epoch: killed in the middle of epoch 2
    killed = dist_train(tmp_path / 'resumed', kill_at=3)
    assert killed.returncode != 0
    assert (tmp_path / 'resumed' / 'epoch_1.pth').is_file()
    assert not (tmp_path / 'resumed' / 'epoch_2.pth').exists()
    resumed = dist_train(tmp_path / 'resumed', extra=['--resume'])
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert 'resumed epoch: 1' in resumed.stdout + resumed.stderr
    final = weights(tmp_path / 'straight' / 'epoch_2.pth')['state_dict']
    again = weights(tmp_path / 'resumed' / 'epoch_2.pth')['state_dict']
    for key, value in final.items():
        assert torch.equal(value, again[key]), key
