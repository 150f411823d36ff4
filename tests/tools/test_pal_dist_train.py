"""PAL trained by two CPU processes (gloo) through tools/dist_train.sh: the
queue of negatives receives the keys of both ranks."""
import os.path as osp
import sys

import torch

from tests.conftest import REPO_ROOT, free_port
from tests.tools.test_train_and_test import run

PAL_CONFIG = osp.join(
    REPO_ROOT, 'configs', 'pal',
    'pal_r3d-18-w8_scratch-pre_1xb8-40e_synthactions-small.py')


def tiny_pal_options(root, queue_size=16):
    options = []
    for loader, split in (('train_dataloader', 'train'),
                          ('val_dataloader', 'val'),
                          ('test_dataloader', 'val')):
        options += [
            f'{loader}.dataset.ann_file={root}/{split}_list.txt',
            f'{loader}.dataset.data_prefix.video={root}/videos',
            f'{loader}.batch_size=1', f'{loader}.num_workers=0'
        ]
    return options + [
        'model.backbone.base_channels=4', 'model.neck.in_channels=32',
        'model.neck.hidden_channels=32', f'model.queue_size={queue_size}',
        'default_hooks.logger.interval=1'
    ]


def test_queue_receives_the_keys_of_both_ranks(tmp_path, trimmed_set):
    work_dir = tmp_path / 'dist'
    log = run([
        'bash', 'tools/dist_train.sh', PAL_CONFIG, '2', '--work-dir',
        str(work_dir), '--cfg-options', *tiny_pal_options(trimmed_set),
        'train_cfg.max_epochs=1'
    ], env=dict(PYTHON=sys.executable, PORT=str(free_port())))
    assert 'Distributed training: True' in log
    # 6 training videos, 2 ranks, 1 video per rank and iteration
    assert 'Epoch(train) [1][3/3]' in log
    assert 'acc_contrast' in log and 'chance_contrast' in log
    assert 'acc_retrieval' in log and 'infonce_contrast' in log
    ckpt = torch.load(
        osp.join(work_dir, 'epoch_1.pth'), map_location='cpu',
        weights_only=False)
    state = ckpt['state_dict']
    # each iteration enqueued the keys of both ranks: 2 per iteration, and
    # the dataset indices of the queued keys are those of all 6 videos (a
    # rank alone sees 3 of them)
    assert int(state['queue_ptr']) == 6
    assert sorted(state['queue_index'][:6].tolist()) == list(range(6))
    assert (state['queue_index'][6:] == -1).all()
    assert torch.allclose(state['queue'][:6].norm(dim=1), torch.ones(6),
                          atol=1e-5)
