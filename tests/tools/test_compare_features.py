"""tools/analysis_tools/compare_features.py on features built by hand, in the
layouts people exchange (per-video npy, official h5, pkl)."""
import json
import pickle
import subprocess
import sys

import h5py
import numpy as np
import pytest

from tests.conftest import REPO_ROOT

TOOL = 'tools/analysis_tools/compare_features.py'


def run(*args):
    proc = subprocess.run([sys.executable, TOOL, *map(str, args)],
                          cwd=REPO_ROOT, capture_output=True, text=True,
                          timeout=120)
    return proc.returncode, proc.stdout + proc.stderr


@pytest.fixture
def features():
    rng = np.random.default_rng(0)
    return dict(v1=rng.normal(size=(3, 4)).astype(np.float32),
                v2=np.ones((2, 4), np.float32))


def write_npy_folder(folder, feats):
    folder.mkdir()
    for name, value in feats.items():
        np.save(folder / f'{name}.npy', value)


def write_official_h5(path, feats):
    with h5py.File(path, 'w') as f:
        for name, value in feats.items():
            f.create_dataset(name, data=value)


def test_equal_features_in_two_layouts(tmp_path, features):
    write_npy_folder(tmp_path / 'mine', features)
    write_official_h5(tmp_path / 'released.h5', features)
    code, out = run(tmp_path / 'mine', tmp_path / 'released.h5', '--json',
                    tmp_path / 'r.json')
    assert code == 0, out
    assert 'EQUAL within tolerance: 2 videos compared' in out
    result = json.loads((tmp_path / 'r.json').read_text())
    assert result['videos']['v2'] == dict(T_a=2, T_b=2, C_a=4, C_b=4,
                                          rel_error=0.0, min_cosine=1.0,
                                          max_abs=0.0)


def test_a_perturbed_video_is_reported_with_its_numbers(tmp_path,
                                                        features):
    other = {k: v.copy() for k, v in features.items()}
    other['v2'][1, 0] = 1.1  # B, the reference
    with open(tmp_path / 'ref.pkl', 'wb') as f:
        pickle.dump({k: dict(features=v) for k, v in other.items()}, f)
    write_npy_folder(tmp_path / 'mine', features)
    code, out = run(tmp_path / 'mine', tmp_path / 'ref.pkl', '--json',
                    tmp_path / 'r.json')
    assert code == 1 and 'DIFFERENT' in out
    v2 = json.loads((tmp_path / 'r.json').read_text())['videos']['v2']
    # ||A - B|| = 0.1, ||B|| = sqrt(7 + 1.21); the changed clip:
    # cos = (3 + 1.1) / (2 * sqrt(3 + 1.21))
    assert v2['rel_error'] == pytest.approx(0.1 / np.sqrt(8.21), rel=1e-5)
    assert v2['min_cosine'] == pytest.approx(4.1 / (2 * np.sqrt(4.21)),
                                             rel=1e-6)
    assert v2['max_abs'] == pytest.approx(0.1, rel=1e-5)
    # within a looser tolerance it passes
    code, _ = run(tmp_path / 'mine', tmp_path / 'ref.pkl', '--rtol', '0.05',
                  '--min-cosine', '0.99')
    assert code == 0


def test_other_clip_counts_and_missing_videos_fail(tmp_path, features):
    write_npy_folder(tmp_path / 'mine', features)
    other = dict(v1=features['v1'][:2], v3=features['v2'])
    write_official_h5(tmp_path / 'ref.h5', other)
    code, out = run(tmp_path / 'mine', tmp_path / 'ref.h5')
    assert code == 1
    assert 'v1: shapes differ: A 3 x 4, B 2 x 4' in out
    assert 'only in A: 1 videos, e.g. v2' in out
    assert 'only in B: 1 videos, e.g. v3' in out


def test_unreadable_input_is_a_clear_error(tmp_path, features):
    write_npy_folder(tmp_path / 'mine', features)
    code, out = run(tmp_path / 'mine', tmp_path / 'missing.h5')
    assert code == 2 and 'missing.h5' in out
    (tmp_path / 'text.pkl').write_bytes(pickle.dumps(['not', 'a', 'dict']))
    code, out = run(tmp_path / 'mine', tmp_path / 'text.pkl')
    assert code == 2 and 'expected a dict of videos' in out
