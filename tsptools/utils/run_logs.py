"""Reading the scalars that mmengine's ``LocalVisBackend`` writes.

A work dir holds one ``<timestamp>/vis_data/scalars.json`` per launch (a
resumed run adds one). Each line is a JSON record: training records carry
``epoch``, ``iter`` and ``lr``; validation records carry the metrics and
``step`` = the epoch they evaluate.
"""
import glob
import json
import os.path as osp
from typing import Dict, List, Tuple


def load_run_scalars(work_dir: str) -> Tuple[List[dict], Dict[int, dict]]:
    """All training records (in order) and the last validation record of
    each epoch, over every launch in ``work_dir``.

    Raises:
        FileNotFoundError: ``work_dir`` has no ``scalars.json``.
    """
    paths = sorted(
        glob.glob(osp.join(work_dir, '*', 'vis_data', 'scalars.json')))
    if not paths:
        raise FileNotFoundError(f'No */vis_data/scalars.json in {work_dir}')
    train, val = [], {}
    for path in paths:
        with open(path) as f:
            for lineno, line in enumerate(f, start=1):
                line = line.strip()
                if not line:
                    continue
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as err:
                    raise ValueError(f'{path}:{lineno}: not JSON ({err})')
                if 'lr' in record or 'iter' in record:
                    # a resumed run repeats no iteration: keep the order
                    train = [r for r in train
                             if r.get('step', -1) < record.get('step', 0)]
                    train.append(record)
                else:
                    val[int(record['step'])] = record
    return train, val


def epoch_summary(work_dir: str) -> List[dict]:
    """One row per epoch: the last training record's loss values and lr, and
    that epoch's validation metrics."""
    train, val = load_run_scalars(work_dir)
    last_train = {}
    for record in train:
        last_train[int(record.get('epoch', 0))] = record
    rows = []
    for epoch in sorted(set(last_train) | set(val)):
        row = dict(epoch=epoch)
        for key, value in last_train.get(epoch, {}).items():
            if key.startswith('loss') or key == 'lr':
                row[f'train/{key}'] = value
        for key, value in val.get(epoch, {}).items():
            if key not in ('step', 'data_time', 'time'):
                row[f'val/{key}'] = value
        rows.append(row)
    return rows
