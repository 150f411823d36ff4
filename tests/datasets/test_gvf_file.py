"""tsptools.datasets.gvf_file: the one reader and writer of the GVF file
(used by UntrimmedVideoDataset.load_gvf and tsptools.apis.gvf)."""
import subprocess
import sys

import numpy as np
import pytest

from tests.conftest import REPO_ROOT
from tsptools.datasets.gvf_file import (GVF_EXTENSIONS, gvf_format, read_gvf,
                                        write_gvf)

GVFS = dict(v1=np.arange(4, dtype=np.float64), v2=np.ones((1, 4)))


@pytest.mark.parametrize('ext', GVF_EXTENSIONS)
def test_write_then_read(tmp_path, ext):
    if ext != '.npz':
        pytest.importorskip('h5py')
    path = str(tmp_path / f'gvf{ext}')
    write_gvf(path, GVFS, attrs=dict(pool='max'))
    stored = read_gvf(path)
    assert sorted(stored) == ['v1', 'v2']
    assert all(v.dtype == np.float32 and v.shape == (4, )
               for v in stored.values())
    np.testing.assert_array_equal(stored['v1'], [0, 1, 2, 3])
    np.testing.assert_array_equal(stored['v2'], [1, 1, 1, 1])
    if ext != '.npz':
        import h5py
        with h5py.File(path, 'r') as f:
            assert f.attrs['pool'] == 'max' and f['v2'].shape == (4, )
    assert not [p for p in tmp_path.iterdir() if p.name.startswith('.')]


def test_videos_by_name_or_file_stem(tmp_path):
    path = str(tmp_path / 'gvf.npz')
    # (1, D) entries, keyed by file stem as the official GVF files
    np.savez(path, v_a=np.full((1, 3), 2.0), b=np.full(3, 5.0), c=np.ones(3))
    stored = read_gvf(path, {'a': '/x/v_a.mp4', 'b': '/x/other.mp4'})
    assert sorted(stored) == ['a', 'b']
    np.testing.assert_array_equal(stored['a'], [2, 2, 2])
    np.testing.assert_array_equal(stored['b'], [5, 5, 5])


def test_errors_name_the_file_and_the_problem(tmp_path):
    with pytest.raises(ValueError, match=r'gvf\.pkl: a GVF file must end '
                       r'with \.h5, \.hdf5 or \.npz'):
        read_gvf(str(tmp_path / 'gvf.pkl'))
    with pytest.raises(ValueError, match=r'gvf\.txt: a GVF file'):
        write_gvf(str(tmp_path / 'gvf.txt'), GVFS)
    with pytest.raises(ValueError, match=r'gvf\.json: a GVF file'):
        gvf_format('gvf.json')
    broken = tmp_path / 'broken.npz'
    broken.write_text('not a zip')
    with pytest.raises(OSError, match=r'broken\.npz: cannot read the GVF'):
        read_gvf(str(broken))
    with pytest.raises(OSError, match=r'absent\.npz: cannot read the GVF'):
        read_gvf(str(tmp_path / 'absent.npz'))
    partial = tmp_path / 'partial.npz'
    np.savez(partial, v1=np.zeros(4))
    with pytest.raises(ValueError,
                       match=r"partial\.npz: no global video feature for "
                       r"video 'v2' \(1 of 2 videos missing"):
        read_gvf(str(partial), {'v1': 'v1.mp4', 'v2': 'v2.mp4'})
    clips = tmp_path / 'clips.npz'
    np.savez(clips, v1=np.zeros((7, 4)))
    with pytest.raises(ValueError, match=r"clips\.npz: the GVF of video "
                       r"'v1' has shape \(7, 4\)"):
        read_gvf(str(clips))
    mixed = tmp_path / 'mixed.npz'
    np.savez(mixed, v1=np.zeros(4), v2=np.zeros(3))
    with pytest.raises(ValueError, match=r'mixed\.npz: GVFs of different '
                       'shapes'):
        read_gvf(str(mixed))
    with pytest.raises(ValueError, match='cannot contain "/"'):
        write_gvf(str(tmp_path / 'g.h5'), {'a/b': np.zeros(2)})


def test_one_owner_and_no_apis_import():
    import tsptools.apis
    import tsptools.apis.gvf
    assert tsptools.apis.read_gvf is read_gvf
    assert tsptools.apis.gvf.write_gvf is write_gvf
    assert tsptools.apis.gvf.GVF_EXTENSIONS is GVF_EXTENSIONS
    # the datasets read the file without importing tsptools.apis
    code = ('import sys, tsptools.datasets.gvf_file, '
            'tsptools.datasets.untrimmed_video_dataset; '
            'assert not [m for m in sys.modules '
            "if m.startswith('tsptools.apis')], sys.modules")
    proc = subprocess.run([sys.executable, '-c', code], cwd=REPO_ROOT,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
