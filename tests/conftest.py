"""Shared fixtures: tiny real mp4 videos written with PyAV and a tiny TAC
config that trains on them in seconds."""
import os.path as osp
import socket

import numpy as np
import pytest

from tsptools.datasets.synthactions.writer import write_video

REPO_ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
TAC_CONFIG = osp.join(
    REPO_ROOT, 'configs', 'tac',
    'tac_r2plus1d-18-w16_scratch-pre_2xb8-16x2-8e_synthactions-small.py')


def moving_square_frames(num_frames, label, height=32, width=32, seed=0):
    """A bright square on a dark background; class 0 moves horizontally,
    class 1 vertically. Frame ``t`` carries ``t`` as the grey level
    ``20 + 4 t`` of its bottom-left 8x8 block so that tests can tell which
    frame was decoded."""
    rng = np.random.default_rng(seed)
    frames = np.full((num_frames, height, width, 3), 30, np.uint8)
    frames += rng.integers(0, 20, size=(1, height, width, 1), dtype=np.uint8)
    for t in range(num_frames):
        offset = int(8 + 6 * np.sin(t / 3))
        y, x = (12, offset) if label == 0 else (offset, 12)
        frames[t, y:y + 8, x:x + 8] = 220
        frames[t, -8:, :8] = min(20 + 4 * t, 255)
    return frames


@pytest.fixture(scope='session')
def trimmed_set(tmp_path_factory):
    """8 trimmed videos (2 classes, 40 frames, 32x32) and their lists."""
    root = tmp_path_factory.mktemp('trimmed')
    (root / 'videos').mkdir()
    lines = []
    for i in range(8):
        label = i % 2
        name = f'cls{label}_{i}.mp4'
        write_video(str(root / 'videos' / name),
                    moving_square_frames(40, label, seed=i))
        lines.append(f'{name} {label}')
    (root / 'train_list.txt').write_text('\n'.join(lines[:6]) + '\n')
    (root / 'val_list.txt').write_text('\n'.join(lines[6:]) + '\n')
    return root


def tiny_tac_options(root):
    """``--cfg-options`` that point the SynthActions TAC config at
    ``trimmed_set`` and shrink the model and inputs."""
    return [
        f'train_dataloader.dataset.dataset.ann_file={root}/train_list.txt',
        f'train_dataloader.dataset.dataset.data_prefix.video={root}/videos',
        'train_dataloader.dataset.times=1',
        f'val_dataloader.dataset.ann_file={root}/val_list.txt',
        f'val_dataloader.dataset.data_prefix.video={root}/videos',
        'test_dataloader.dataset.ann_file=' f'{root}/val_list.txt',
        f'test_dataloader.dataset.data_prefix.video={root}/videos',
        'train_dataloader.batch_size=2', 'val_dataloader.batch_size=2',
        'train_dataloader.num_workers=0', 'val_dataloader.num_workers=0',
        'test_dataloader.num_workers=0',
        'model.backbone.base_channels=4', 'model.head.in_channels=32',
        'model.head.num_classes=2', 'default_hooks.logger.interval=1',
    ]


def free_port():
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def write_segment_csv(tmp_path, rows, name='gt.csv'):
    """A TSP segments CSV of ``rows`` (tuples in ``CSV_COLUMNS`` order)."""
    from tsptools.datasets.tsp_segments import CSV_COLUMNS
    path = tmp_path / name
    path.write_text(','.join(CSV_COLUMNS) + '\n' +
                    ''.join(','.join(map(str, r)) + '\n' for r in rows))
    return str(path)


def segment_row(video, t0, t1, label, duration=10.0):
    """One CSV row: an action (``label``) or background (``label=None``)
    segment of a 30 fps video."""
    region = 'Action' if label else 'No action'
    return (video, t0, t1, label, duration, f'{video}.mp4', 30.0,
            int(duration * 30), region)


def data_samples(**fields):
    """Data samples whose field ``key`` holds ``values[i]`` as a tensor."""
    import torch
    from mmengine.structures import BaseDataElement
    n = len(next(iter(fields.values())))
    out = []
    for i in range(n):
        sample = BaseDataElement()
        for key, values in fields.items():
            sample.set_field(torch.as_tensor(values[i]), key)
        out.append(sample)
    return out


def tiny_encoder_config(batch_size):
    """A config text: the TAC R(2+1)D-18 at 4 base channels (32-d features)
    extracting 32 x 32 crops of a 40 px short side, ``batch_size`` clips."""
    return f"""
_base_ = ['{TAC_CONFIG}']
model = dict(backbone=dict(base_channels=4),
             head=dict(in_channels=32, num_classes=2))
extract_cfg = dict(short_side=40, crop_size=32, batch_size={batch_size},
                   num_workers=0)
"""


def write_tiny_videos(folder, lengths):
    """``<name>.mp4`` of ``n`` frames (30 fps, 64 x 86, a moving square) for
    each ``name: n`` of ``lengths``."""
    for i, (name, n) in enumerate(lengths.items()):
        write_video(str(folder / f'{name}.mp4'),
                    moving_square_frames(n, i % 2, 64, 86, seed=i))


def save_tiny_encoder(root, batch_size):
    """Write ``tiny.py`` (:func:`tiny_encoder_config`) and a checkpoint of
    its seeded random model (``tiny.pth``) into ``root``; returns their
    paths as ``dict(config, checkpoint)``."""
    import torch
    from mmengine.config import Config

    from tsptools.registry import MODELS
    from tsptools.utils import register_all_modules
    config = root / 'tiny.py'
    config.write_text(tiny_encoder_config(batch_size))
    register_all_modules()
    torch.manual_seed(0)
    model = MODELS.build(Config.fromfile(str(config)).model)
    ckpt = root / 'tiny.pth'
    torch.save({'state_dict': model.state_dict(), 'meta': {}}, ckpt)
    return dict(config=str(config), checkpoint=str(ckpt))


def load_script(path):
    """Import a script of the repository (``path`` relative to its root,
    e.g. ``'tools/train.py'``) as a module, for testing its functions."""
    import importlib.util
    name = osp.splitext(osp.basename(path))[0]
    spec = importlib.util.spec_from_file_location(
        name, osp.join(REPO_ROOT, path))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
