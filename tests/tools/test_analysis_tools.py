"""tools/analysis_tools/{plot_similarity, plot_boundary_differences,
fg_bg_separability, plot_training_curves}.py run as subprocesses on tiny
features written here; each PNG must be a valid image."""
import json
import os
import subprocess
import sys

import numpy as np
import pytest
from matplotlib import image as mpimg

from tests.conftest import REPO_ROOT

FPS = 30.0
SEGMENTS = {'v_a': [[5.0, 12.0], [20.0, 26.0]], 'v_b': [[0.0, 9.0]]}
DURATION = {'v_a': 30.0, 'v_b': 16.0}


def clip_times(duration):
    """Clip centres of tools/extract_features.py's default grid (16 x 2
    clips, stride 16) on a 30 fps video."""
    n = int((duration * FPS // 2 - 16) // 16) + 1
    return (np.arange(n) * 32 + 16) / FPS


def encoder_features(times, segments, separated, rng):
    """Non-negative features: foreground and background clips differ a lot
    for a ``separated`` (TSP-like) encoder and little otherwise."""
    dim = 24
    common = rng.uniform(0.5, 1.0, dim)
    action = rng.uniform(0.0, 1.0, dim)
    fg = np.zeros(len(times), bool)
    for s, e in segments:
        fg |= (times >= s) & (times <= e)
    weight = 1.5 if separated else 0.15
    feats = common + weight * fg[:, None] * action + \
        0.05 * rng.random((len(times), dim))
    if separated:
        feats[~fg] += 1.0 * rng.random(dim)
    return feats.astype(np.float32), fg


def write_features(out, separated, with_times):
    rng = np.random.default_rng(1 if separated else 2)
    os.makedirs(out / 'clip_times', exist_ok=True)
    videos = {}
    for video, segments in SEGMENTS.items():
        times = clip_times(DURATION[video])
        feats, _ = encoder_features(times, segments, separated, rng)
        np.save(out / f'{video}.npy', feats)
        if with_times:
            np.save(out / 'clip_times' / f'{video}.npy', times)
        videos[video] = dict(status='ok', T=len(feats), num_clips=len(feats),
                             fps=FPS, num_frames=int(DURATION[video] * FPS),
                             duration=DURATION[video], file=f'{video}.npy')
    manifest = dict(format='npy', output='.', settings=dict(
        clip_len=16, frame_interval=2, stride=16, tail='drop',
        resize_to=None), videos=videos)
    (out / 'manifest.json').write_text(json.dumps(manifest))


@pytest.fixture(scope='module')
def features(tmp_path_factory):
    root = tmp_path_factory.mktemp('analysis')
    write_features(root / 'tac', separated=False, with_times=True)
    # manifest only: times computed from the manifest's clip grid
    write_features(root / 'tsp', separated=True, with_times=False)
    database = {
        video: dict(subset='validation', duration=DURATION[video], fps=FPS,
                    annotations=[dict(segment=s, label='jump') for s in segs])
        for video, segs in SEGMENTS.items()
    }
    (root / 'ann.json').write_text(json.dumps(dict(database=database)))
    return root


def run_tool(script, *args):
    proc = subprocess.run(
        [sys.executable, f'tools/analysis_tools/{script}', *map(str, args)],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return proc.stdout


def assert_png(path):
    assert path.is_file(), path
    assert path.read_bytes()[:8] == b'\x89PNG\r\n\x1a\n'
    img = mpimg.imread(path)
    assert img.ndim == 3 and img.shape[0] > 50 and img.shape[1] > 50
    assert img.std() > 0  # not a blank canvas


def feature_args(root):
    return ['--features', f'TAC={root / "tac"}', f'TSP={root / "tsp"}',
            '--ann', root / 'ann.json']


def test_plot_similarity(features, tmp_path):
    out = run_tool('plot_similarity.py', *feature_args(features),
                   '--out-dir', tmp_path, '--video', 'v_a')
    assert_png(tmp_path / 'similarity_v_a.png')
    assert 'similarity_v_a.png' in out
    assert not (tmp_path / 'similarity_v_b.png').exists()


def test_plot_boundary_differences(features, tmp_path):
    out = run_tool('plot_boundary_differences.py', *feature_args(features),
                   '--out-dir', tmp_path)
    assert_png(tmp_path / 'boundary_differences.png')
    rows = {r['encoder']: r for r in json.loads(
        (tmp_path / 'boundary_differences.json').read_text())['encoders']}
    # v_a: 4 boundaries; v_b: its end at 9 s (its start at 0 is the edge)
    assert rows['TAC']['boundary_pairs'] == 5
    pairs = sum(len(clip_times(d)) - 1 for d in DURATION.values())
    assert rows['TAC']['other_pairs'] == pairs - 5 == 36
    assert rows['TSP']['ratio'] > rows['TAC']['ratio'] > 1
    assert 'mean |diff| boundary' in out and 'TSP' in out


def test_fg_bg_separability(features, tmp_path):
    out = run_tool('fg_bg_separability.py', *feature_args(features),
                   '--out-dir', tmp_path)
    assert_png(tmp_path / 'fg_bg_separability.png')
    result = json.loads((tmp_path / 'fg_bg_separability.json').read_text())
    tac, tsp = result['encoders']['TAC'], result['encoders']['TSP']
    assert tac['videos'] == tsp['videos'] == 2
    assert tsp['gap'] > tac['gap'] > 0
    assert tsp['fg_bg'] < tac['fg_bg']
    header = next(line for line in out.splitlines() if 'fg-fg' in line)
    assert 'bg-bg' in header and 'gap' in header
    tsp_row = next(line for line in out.splitlines() if '| TSP' in line)
    assert f'{tsp["gap"]:.3f}' in tsp_row


def test_plot_training_curves(tmp_path):
    work_dir = tmp_path / 'run'
    records = []
    for it in range(1, 7):
        records.append(dict(lr=0.01 * it / 6, loss=2.0 / it,
                            loss_speed=2.0 / it, acc_speed=0.1 * it,
                            epoch=(it - 1) // 3 + 1, iter=it, step=it,
                            time=0.5, data_time=0.1))
        if it % 3 == 0:
            records.append(dict(acc_speed=0.2 * it, mean_acc=0.2 * it,
                                step=it // 3, time=0.1, data_time=0.0))
    # a resumed run adds a second launch folder
    first, second = records[:4], records[4:]
    for stamp, part in (('20250101_000000', first),
                        ('20250101_010000', second)):
        folder = work_dir / stamp / 'vis_data'
        folder.mkdir(parents=True)
        (folder / 'scalars.json').write_text(
            '\n'.join(json.dumps(r) for r in part) + '\n')
    out_dir = tmp_path / 'plots'
    out = run_tool('plot_training_curves.py', f'speed={work_dir}',
                   '--out-dir', out_dir)
    assert_png(out_dir / 'training_curves.png')
    assert 'training_curves.png' in out
