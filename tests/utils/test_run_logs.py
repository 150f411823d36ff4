import json
import subprocess
import sys

import pytest

from tests.conftest import REPO_ROOT
from tsptools.utils.run_logs import epoch_summary


def write(path, records):
    path.parent.mkdir(parents=True)
    path.write_text('\n'.join(json.dumps(r) for r in records) + '\n')


@pytest.fixture
def work_dir(tmp_path):
    # first launch: epochs 1-2, killed during epoch 3
    write(tmp_path / '20260101_000000' / 'vis_data' / 'scalars.json', [
        dict(lr=0.1, loss=2.0, loss_action=2.0, epoch=1, iter=2, step=2),
        dict(acc_action=0.3, mean_acc=0.3, time=1.0, step=1),
        dict(lr=0.05, loss=1.5, loss_action=1.5, epoch=2, iter=4, step=4),
        dict(acc_action=0.5, mean_acc=0.5, step=2),
        dict(lr=0.04, loss=9.0, loss_action=9.0, epoch=3, iter=5, step=5),
    ])
    # resumed from epoch 2: epoch 3 again
    write(tmp_path / '20260101_010000' / 'vis_data' / 'scalars.json', [
        dict(lr=0.02, loss=1.0, loss_action=1.0, epoch=3, iter=6, step=6),
        dict(acc_action=0.7, mean_acc=0.7, step=3),
    ])
    return tmp_path


def test_epoch_summary_merges_launches(work_dir):
    rows = epoch_summary(str(work_dir))
    assert [r['epoch'] for r in rows] == [1, 2, 3]
    assert rows[2]['train/loss'] == 1.0  # the resumed run's record
    assert rows[2]['val/acc_action'] == 0.7
    assert 'val/time' not in rows[0]


def test_cli_prints_table_and_best_epoch(work_dir):
    out = subprocess.run(
        [sys.executable, 'tools/analysis_tools/summarize_runs.py',
         str(work_dir)], cwd=REPO_ROOT, capture_output=True, text=True,
        check=True).stdout
    assert 'best epoch 3: acc_action=0.7000' in out


def test_missing_logs_name_the_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match=str(tmp_path)):
        epoch_summary(str(tmp_path))
