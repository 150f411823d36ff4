"""tools/extract_features.py and tools/dist_extract_features.sh, run for real
as subprocesses on tiny mp4 files: resuming after a kill and two processes
sharing the videos (formats and resizing: tests/apis)."""
import json
import os
import subprocess
import sys

import h5py
import numpy as np
import pytest
import torch
from mmengine.config import Config

from tests.conftest import (REPO_ROOT, free_port, load_script,
                            save_tiny_encoder, write_tiny_videos)

# 30 fps, 64x86. T with clip_len 16, frame_interval 2, stride 16, 'drop':
#   a: 70 frames -> 35 sampled -> (35 - 16) // 16 + 1 = 2
#   b: 45 -> 22 -> 1;  d: 100 -> 50 -> 3;  e: 66 -> 33 -> 2
#   c: 20 -> 10 < 16 -> one padded clip, 'short'
LENGTHS = dict(a=70, b=45, c=20, d=100, e=66)
EXPECTED_T = dict(a=2, b=1, c=1, d=3, e=2)


@pytest.fixture(scope='module')
def setup(tmp_path_factory):
    root = tmp_path_factory.mktemp('extract_cli')
    videos = root / 'videos'
    videos.mkdir()
    write_tiny_videos(videos, LENGTHS)
    (videos / 'bad.mp4').write_bytes(b'garbage, not an mp4 file' * 40)
    return dict(root=root, videos=videos, **save_tiny_encoder(root, 3))


def extract(setup, *args, env=None, expect=0):
    proc = subprocess.run(
        [sys.executable, 'tools/extract_features.py', setup['config'],
         setup['checkpoint'], '--no-progress', *args],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=300,
        env={**os.environ, **(env or {})})
    out = proc.stdout + proc.stderr
    assert proc.returncode == expect, out[-4000:]
    return out


def hand_times(name, starts):
    """Clip centres by the documented rule, 30 fps, clip 16 x 2."""
    n = LENGTHS[name]
    return [(2 * s + min(2 * (s + 16), n)) / 2 / 30 for s in starts]


def test_killed_run_resumes_without_redoing_finished_videos(setup, tmp_path):
    out = tmp_path / 'feats'
    # the test hook kills the process (SIGKILL) after two videos, a and b
    extract(setup, '--video-dir', str(setup['videos']), '--out-dir',
            str(out), '--num-workers', '1',
            env=dict(TSPTOOLS_EXTRACT_KILL_AFTER='2'), expect=-9)
    done = sorted(p.name for p in out.glob('*.npy'))
    assert done == ['a.npy', 'b.npy']
    assert not (out / 'manifest.json').exists()
    mtimes = {p: os.stat(out / p).st_mtime_ns for p in done}
    first = {p: np.load(out / p) for p in done}
    # what a kill in the middle of a write leaves behind
    (out / '.d.npy.12345.tmp').write_bytes(b'\x93NUMPY truncated')
    (out / 'clip_times' / '.d.npy.12345.tmp').write_bytes(b'')

    log = extract(setup, '--video-dir', str(setup['videos']), '--out-dir',
                  str(out), '--num-workers', '1', expect=1)
    assert '2 already done, 4 to extract' in log
    assert 'Video cannot be decoded' in log and 'bad.mp4' in log
    for p in done:  # not rewritten
        assert os.stat(out / p).st_mtime_ns == mtimes[p]
        np.testing.assert_array_equal(np.load(out / p), first[p])
    assert not list(out.glob('.*.tmp'))
    assert not list((out / 'clip_times').glob('.*.tmp'))

    manifest = json.loads((out / 'manifest.json').read_text())
    assert manifest['num_failed'] == 1 and manifest['num_short'] == 1
    assert manifest['format'] == 'npy'
    assert len(manifest['checkpoint_sha256']) == 16
    assert manifest['settings']['crop_size'] == 32  # from extract_cfg
    videos = manifest['videos']
    assert videos['bad']['status'] == 'failed'
    assert 'bad.mp4' in videos['bad']['error']
    assert videos['c']['status'] == 'short'
    for name, n in LENGTHS.items():
        T = EXPECTED_T[name]
        assert videos[name]['T'] == T
        assert videos[name]['num_frames'] == n
        assert videos[name]['fps'] == 30.0
        feats = np.load(out / f'{name}.npy')
        assert feats.shape == (T, 32) and feats.dtype == np.float32
        np.testing.assert_allclose(
            np.load(out / 'clip_times' / f'{name}.npy'),
            hand_times(name, [16 * k for k in range(T)]))



def test_two_processes_do_each_video_exactly_once(setup, tmp_path):
    out = tmp_path / 'dist'
    proc = subprocess.run(
        ['bash', 'tools/dist_extract_features.sh', setup['config'],
         setup['checkpoint'], '2', '--video-dir', str(setup['videos']),
         '--out-dir', str(out), '--format', 'h5', '--no-progress'],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=300,
        env={**os.environ, 'PYTHON': sys.executable,
             'PORT': str(free_port())})
    log = proc.stdout + proc.stderr
    assert proc.returncode != 0, log[-4000:]  # bad.mp4 failed
    seen = []
    for rank in (0, 1):
        lines = (out / '.extract' / f'log.rank{rank}.jsonl').read_text()
        names = [json.loads(line)['name'] for line in lines.splitlines()]
        assert names, f'rank {rank} did nothing'
        seen += names
    assert sorted(seen) == sorted([*LENGTHS, 'bad'])  # each exactly once
    manifest = json.loads((out / 'manifest.json').read_text())
    assert set(manifest['videos']) == {*LENGTHS, 'bad'}
    assert manifest['num_failed'] == 1
    with h5py.File(out / 'features.h5', 'r') as f:
        assert sorted(f) == sorted(LENGTHS)
        for name, T in EXPECTED_T.items():
            assert f[name].shape == (T, 32)


def dist_extract(setup, out, env=None):
    proc = subprocess.run(
        ['bash', 'tools/dist_extract_features.sh', setup['config'],
         setup['checkpoint'], '2', '--video-dir', str(setup['videos']),
         '--out-dir', str(out), '--no-progress'],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=300,
        env={**os.environ, 'PYTHON': sys.executable,
             'PORT': str(free_port()), **(env or {})})
    return proc.returncode, proc.stdout + proc.stderr


def test_killed_two_process_run_resumes_without_loss_or_repeat(
        setup, tmp_path):
    out = tmp_path / 'dist_killed'
    # each rank SIGKILLs itself after writing one video
    code, log = dist_extract(setup, out,
                             env=dict(TSPTOOLS_EXTRACT_KILL_AFTER='1'))
    assert code != 0, log[-3000:]
    first = sorted(p.name for p in out.glob('*.npy'))
    assert 1 <= len(first) <= 2 and not (out / 'manifest.json').exists()
    mtimes = {p: os.stat(out / p).st_mtime_ns for p in first}

    code, log = dist_extract(setup, out)
    assert code == 1, log[-3000:]  # bad.mp4 fails, the rest is done
    assert f'{len(first)} already done' in log
    for p in first:  # not redone
        assert os.stat(out / p).st_mtime_ns == mtimes[p]
    # over both runs, every video was done exactly once, by some rank
    seen = []
    for rank in (0, 1):
        lines = (out / '.extract' / f'log.rank{rank}.jsonl').read_text()
        seen += [json.loads(line)['name'] for line in lines.splitlines()]
    assert sorted(seen) == sorted([*LENGTHS, 'bad'])
    assert sorted(p.stem for p in out.glob('*.npy')) == sorted(LENGTHS)
    assert not list(out.glob('.*.tmp'))
    manifest = json.loads((out / 'manifest.json').read_text())
    assert set(manifest['videos']) == {*LENGTHS, 'bad'}
    for name, T in EXPECTED_T.items():
        assert np.load(out / f'{name}.npy').shape == (T, 32)


def test_two_stream_encoder_needs_no_checkpoint(setup, tmp_path):
    """The BSP two-stream encoder loads its streams' checkpoints itself:
    CKPT is left out (or "none"); its features are the streams' features
    side by side, and the manifest names both checkpoints."""
    from tsptools.registry import MODELS
    torch.manual_seed(1)
    model = MODELS.build(Config.fromfile(setup['config']).model)
    other = tmp_path / 'other.pth'
    torch.save({'state_dict': model.state_dict(), 'meta': {}}, other)
    config = tmp_path / 'two_stream.py'
    config.write_text(
        "default_scope = 'tsptools'\n"
        "model = dict(type='TwoStreamEncoder', encoders=[\n"
        f"    dict(config={setup['config']!r},\n"
        f"         checkpoint={setup['checkpoint']!r}),\n"
        f"    dict(config={setup['config']!r}, checkpoint={str(other)!r})])\n"
        'extract_cfg = dict(short_side=40, crop_size=32, batch_size=3, '
        'num_workers=0)\n')
    video_list = tmp_path / 'videos.txt'
    video_list.write_text('a.mp4\nd.mp4\n')

    def run(cfg, *ckpt, out):
        proc = subprocess.run(
            [sys.executable, 'tools/extract_features.py', cfg, *ckpt,
             '--video-list', str(video_list), '--video-root',
             str(setup['videos']), '--out-dir', str(out), '--no-progress'],
            cwd=REPO_ROOT, capture_output=True, text=True, timeout=300)
        log = proc.stdout + proc.stderr
        assert proc.returncode == 0, log[-4000:]
        return log

    log = run(str(config), out=tmp_path / 'two')
    assert 'randomly initialised' not in log
    run(setup['config'], setup['checkpoint'], out=tmp_path / 'first')
    run(setup['config'], str(other), out=tmp_path / 'second')
    for name in ('a', 'd'):
        both = np.load(tmp_path / 'two' / f'{name}.npy')
        assert both.shape == (EXPECTED_T[name], 64)
        np.testing.assert_allclose(
            both[:, :32], np.load(tmp_path / 'first' / f'{name}.npy'),
            rtol=1e-5, atol=1e-6)
        np.testing.assert_allclose(
            both[:, 32:], np.load(tmp_path / 'second' / f'{name}.npy'),
            rtol=1e-5, atol=1e-6)
    manifest = json.loads((tmp_path / 'two' / 'manifest.json').read_text())
    assert manifest['checkpoint'] == [setup['checkpoint'], str(other)]
    parts = manifest['checkpoint_sha256'].split('+')
    assert len(parts) == 2 and parts[0] != parts[1]
    assert all(len(p) == 16 for p in parts)

    # "none" is the same as leaving CKPT out; other paths are unchanged
    tool = load_script('tools/extract_features.py')
    rest = ['--video-dir', 'v', '--out-dir', 'o']
    assert tool.parse_args([str(config), 'none', *rest]).checkpoint is None
    assert tool.parse_args([str(config), 'NONE', *rest]).checkpoint is None
    assert tool.parse_args([str(config), *rest]).checkpoint is None
    assert tool.parse_args(['c.py', 'x.pth', *rest]).checkpoint == 'x.pth'
    # any other model needs CKPT ("none": random weights on purpose)
    with pytest.raises(SystemExit, match='needs a checkpoint'):
        tool.main([setup['config'], *rest])
    assert tool.loads_own_weights(Config.fromfile(str(config)))
    assert not tool.loads_own_weights(Config.fromfile(setup['config']))
