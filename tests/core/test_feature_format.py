"""tsptools.core.feature_format: the manifest, the one FeatureStore on every
layout (arrays written by hand), atomic writes, and the times of features
stored without them (computed by hand)."""
import json
import os
import pickle

import h5py
import numpy as np
import pytest

from tsptools.core import feature_format as ff
from tsptools.core.clip_plan import clip_centre_times, clip_starts

FEATS = {'v_a': np.arange(8, dtype=np.float32).reshape(4, 2),
         'v_b': np.ones((3, 2), np.float32)}
TIMES = {name: np.arange(len(v)) + 0.5 for name, v in FEATS.items()}

# --------------------------------------------------------------------------
# manifest
# --------------------------------------------------------------------------

FULL_MANIFEST = dict(
    tsptools_version='0.1.0', created='2025-01-01T00:00:00+0000',
    config='configs/x.py', checkpoint='x.pth', checkpoint_sha256='ab' * 8,
    format='npy', output='.', settings=dict(clip_len=16, fps=15, stride=16),
    clip_time=ff.CLIP_TIME_RULE, time_grid=dict(feat_stride=16),
    num_videos=2, num_ok=1, num_short=1, num_failed=0,
    videos=dict(v_a=dict(status='ok', T=4, fps=30.0),
                v_b=dict(status='short', T=1, fps=30.0)))


def test_manifest_round_trip_keeps_keys_and_order(tmp_path):
    manifest = ff.FeatureManifest.from_dict(FULL_MANIFEST)
    assert list(manifest.to_dict()) == list(FULL_MANIFEST)
    assert manifest.to_dict() == FULL_MANIFEST
    path = manifest.save(str(tmp_path))
    assert path == str(tmp_path / ff.MANIFEST_NAME)
    assert json.loads(open(path).read()) == FULL_MANIFEST
    again = ff.FeatureManifest.from_file(str(tmp_path))
    assert again == manifest and ff.read_manifest(str(tmp_path)) == manifest
    assert ff.read_manifest(str(tmp_path / 'nowhere')) is None
    # keys of other writers survive; missing ones read as None
    other = ff.FeatureManifest.from_dict(dict(format='h5', mine=[1]))
    assert other.format == 'h5' and other.settings is None
    assert other.videos == {} and other.to_dict()['mine'] == [1]
    # entry() is a copy
    manifest.entry('v_a')['T'] = 99
    assert manifest.videos['v_a']['T'] == 4 and manifest.entry('zz') == {}


def test_manifest_is_complete():
    assert ff.FeatureManifest.from_dict(FULL_MANIFEST).is_complete()
    for change in (dict(num_failed=1), dict(num_ok=0), dict(num_videos=3),
                   dict(num_failed=None), dict(num_videos=None)):
        assert not ff.FeatureManifest.from_dict(
            dict(FULL_MANIFEST, **change)).is_complete()
    assert not ff.FeatureManifest().is_complete()


# --------------------------------------------------------------------------
# times of features stored without them
# --------------------------------------------------------------------------

GRID = dict(clip_len=16, frame_interval=2, stride=16)  # 30 fps, q = 2


def test_padded_last_clip_is_centred_on_its_real_frames():
    # 100 frames at 30 fps, frame interval 2: 50 sampled frames; clips at
    # sampled 0, 16, 32 (source 0, 32, 64, centres (f + 16) / 30 s) and,
    # with tail='pad', one at sampled 48 = source 96, whose real frames
    # are 96..99: centre (96 + 100) / 2 = 98 frames
    expected = np.array([16, 48, 80, 98]) / 30
    np.testing.assert_allclose(
        ff.grid_feature_times(GRID, 30.0, 4, num_frames=100), expected)
    # without the frame count the grid has no end: the full-clip centre
    np.testing.assert_allclose(ff.grid_feature_times(GRID, 30.0, 4)[-1],
                               112 / 30)
    # a video shorter than one clip: one clip over its 20 frames
    np.testing.assert_allclose(
        ff.grid_feature_times(GRID, 30.0, 1, num_frames=20), [10 / 30])
    # the manifest's record gives the same
    manifest = ff.FeatureManifest(settings=GRID, videos=dict(
        v=dict(fps=30.0, num_frames=100, num_clips=4)))
    np.testing.assert_allclose(manifest.clip_times('v', 4), expected)
    assert ff.FeatureManifest(videos=manifest.videos).clip_times('v', 4) \
        is None  # no settings
    assert ff.FeatureManifest(settings=GRID).clip_times('v', 4) is None


def test_resized_features_get_the_resized_grid():
    # 3 clips (16, 48, 80 frames) rescaled to 5 steps, align_corners:
    # positions 0, .5, 1, 1.5, 2
    np.testing.assert_allclose(
        ff.grid_feature_times(GRID, 30.0, 5, num_clips=3),
        np.array([16, 32, 48, 64, 80]) / 30)


@pytest.mark.parametrize('settings,fps', [
    (dict(GRID, tail='pad'), 30.0),
    (dict(clip_len=16, fps=15, frame_interval=2, stride=16, tail='pad'),
     29.97),
    (dict(clip_len=8, fps=None, frame_interval=1, stride=4, tail='drop'),
     25.0)])
def test_grid_times_equal_the_extraction_times(settings, fps):
    grid = dict(clip_len=settings['clip_len'],
                frame_interval=settings['frame_interval'],
                fps=fps, target_fps=settings.get('fps'))
    for num_frames in (10, 47, 100, 333):
        starts, _ = clip_starts(num_frames, stride=settings['stride'],
                                tail=settings['tail'], **grid)
        extracted = clip_centre_times(starts, num_frames, **grid)
        np.testing.assert_array_equal(
            ff.grid_feature_times(settings, fps, len(starts),
                                  num_frames=num_frames), extracted)


def test_spread_times():
    np.testing.assert_allclose(ff.spread_times(4, 8.0), [1, 3, 5, 7])


# --------------------------------------------------------------------------
# atomic writes
# --------------------------------------------------------------------------


class Boom(RuntimeError):
    pass


def _fail_after_writing(f):
    f.write(b'half a file')
    raise Boom()


def test_atomic_write_leaves_no_partial_file(tmp_path):
    path = str(tmp_path / 'sub' / 'x.npy')
    with pytest.raises(Boom):
        ff.atomic_write(path, _fail_after_writing)
    assert os.listdir(tmp_path / 'sub') == []
    # an existing file keeps its old content
    ff.atomic_write(path, lambda f: f.write(b'old'))
    with pytest.raises(Boom):
        ff.atomic_write(path, _fail_after_writing)
    assert os.listdir(tmp_path / 'sub') == ['x.npy']
    assert open(path, 'rb').read() == b'old'
    assert ff.tmp_path(path) == str(
        tmp_path / 'sub' / f'.x.npy.{os.getpid()}{ff.TMP_SUFFIX}')


def test_atomic_write_h5_leaves_no_partial_file(tmp_path):
    path = str(tmp_path / 'features.h5')

    def fill(f):
        f.create_dataset('v', data=np.zeros(3))
        raise Boom()

    with pytest.raises(Boom):
        ff.atomic_write_h5(path, fill)
    assert os.listdir(tmp_path) == []
    ff.atomic_save_json(str(tmp_path / 'a.json'), dict(x=1))
    assert json.loads((tmp_path / 'a.json').read_text()) == dict(x=1)
    # leftovers of a killed run are found and removed
    (tmp_path / '.b.json.123.tmp').write_text('{')
    assert ff.remove_stale_tmp(str(tmp_path)) == 1
    assert os.listdir(tmp_path) == ['a.json']


# --------------------------------------------------------------------------
# FeatureStore on every layout
# --------------------------------------------------------------------------


def _check(store, times=TIMES):
    assert store.names() == set(FEATS)
    for name, value in FEATS.items():
        features, stored = store.load(name)
        assert features.dtype == np.float32
        np.testing.assert_allclose(features, value)
        assert store.shape(name) == value.shape
        if times is None:
            assert stored is None
        else:
            assert stored.dtype == np.float64
            np.testing.assert_allclose(stored, times[name])


def _write_output(folder, fmt):
    for name, value in FEATS.items():
        ff.save_video_output(str(folder), name, fmt, value, TIMES[name],
                             dict(fps=30.0, num_frames=99,
                                  num_clips=len(value), status='ok'))
    if fmt in ff.MERGED_NAMES:
        ff.merge_parts(str(folder), fmt, list(FEATS))
    ff.FeatureManifest(format=fmt, output=os.path.basename(
        ff.merged_path(str(folder), fmt)) if fmt in ff.MERGED_NAMES else '.',
        videos={n: dict(status='ok', fps=30.0) for n in FEATS}).save(
            str(folder))


@pytest.mark.parametrize('fmt', ff.FORMATS)
def test_store_reads_each_output_format(tmp_path, fmt):
    _write_output(tmp_path, fmt)
    store = ff.FeatureStore(str(tmp_path))
    assert store.format == fmt
    _check(store)
    assert store.manifest_entry('v_a') == dict(status='ok', fps=30.0)
    assert store.manifest_entry('nope') == {}
    loaded = ff.load_features(str(tmp_path))
    assert sorted(loaded) == sorted(FEATS)
    np.testing.assert_allclose(loaded['v_b'][1], TIMES['v_b'])
    if fmt in ff.MERGED_NAMES:  # the file itself, manifest next to it
        store = ff.FeatureStore(ff.merged_path(str(tmp_path), fmt))
        _check(store)
        assert store.manifest is not None
        assert store.file_of('v_a') == \
            f"{ff.merged_path(str(tmp_path), fmt)}['v_a']"
    else:
        assert store.file_of('v_a') == str(tmp_path / f'v_a.{fmt}')


def test_store_reads_a_foreign_h5_without_manifest(tmp_path):
    # the official TSP layout: one dataset per video at the root, no times
    with h5py.File(tmp_path / 'official.h5', 'w') as f:
        for name, value in FEATS.items():
            f[name] = value
    store = ff.FeatureStore(str(tmp_path / 'official.h5'))
    assert store.manifest is None and store.clip_times('v_a', 4) is None
    _check(store, times=None)
    # one group per video holding features (and clip times)
    with h5py.File(tmp_path / 'groups.hdf5', 'w') as f:
        for name, value in FEATS.items():
            f[f'{name}/features'] = value
            f[f'{name}/clip_times'] = TIMES[name]
        f.create_group('empty')
    store = ff.FeatureStore(str(tmp_path / 'groups.hdf5'))
    for name in FEATS:
        np.testing.assert_allclose(store.load(name)[1], TIMES[name])
    assert store.shape('v_a') == (4, 2)
    with pytest.raises(ValueError, match='group empty has no "features"'):
        store.load('empty')


def test_store_opens_h5_once_and_pickles_without_it(tmp_path):
    with h5py.File(tmp_path / 'official.h5', 'w') as f:
        f['v_a'] = FEATS['v_a']
    store = ff.FeatureStore(str(tmp_path / 'official.h5'))
    store.load('v_a')
    handle = store._h5
    store.shape('v_a')
    store.names()
    assert store._h5 is handle  # opened once in this process
    copy = pickle.loads(pickle.dumps(store))
    assert copy._h5 is None
    np.testing.assert_array_equal(copy.load('v_a')[0], FEATS['v_a'])
    store.close()


def test_store_reads_pkl_and_bare_folders(tmp_path):
    # a pkl file of arrays or dicts, without manifest
    with open(tmp_path / 'f.pkl', 'wb') as f:
        pickle.dump({'v_a': FEATS['v_a'],
                     'v_b': dict(features=FEATS['v_b'])}, f)
    _check(ff.FeatureStore(str(tmp_path / 'f.pkl')), times=None)
    # a folder of per-video files (npy with clip_times/, pkl, csv)
    bare = tmp_path / 'bare'
    (bare / 'clip_times').mkdir(parents=True)
    np.save(bare / 'v_a.npy', FEATS['v_a'])
    np.save(bare / 'clip_times' / 'v_a.npy', TIMES['v_a'])
    with open(bare / 'v_b.pkl', 'wb') as f:
        pickle.dump(dict(features=FEATS['v_b'], clip_times=TIMES['v_b']), f)
    store = ff.FeatureStore(str(bare))
    assert store.per_video and store.manifest is None
    _check(store)
    np.savetxt(bare / 'v_c.csv', FEATS['v_b'], delimiter=',',
               header='f0,f1', comments='')
    np.testing.assert_allclose(store.load('v_c')[0], FEATS['v_b'])
    # a folder holding features.h5 / features.pkl, without manifest
    merged = tmp_path / 'merged'
    merged.mkdir()
    with h5py.File(merged / 'features.h5', 'w') as f:
        f['v_a'] = FEATS['v_a']
    assert ff.FeatureStore(str(merged)).format == 'h5'
    # one .npy file is one video
    single = ff.FeatureStore(str(bare / 'v_a.npy'))
    assert single.names() == {'v_a'} and single.shape('v_a') == (4, 2)


def test_store_errors(tmp_path):
    with pytest.raises(FileNotFoundError, match='nowhere'):
        ff.FeatureStore(str(tmp_path / 'nowhere'))
    (tmp_path / 'x.txt').write_text('')
    with pytest.raises(ValueError, match='unknown features file'):
        ff.FeatureStore(str(tmp_path / 'x.txt'))
    with open(tmp_path / 'list.pkl', 'wb') as f:
        pickle.dump([1, 2], f)
    with pytest.raises(ValueError, match='expected a dict of videos'):
        ff.FeatureStore(str(tmp_path / 'list.pkl'))
    _write_output(tmp_path / 'out', 'npy')
    np.save(tmp_path / 'out' / 'clip_times' / 'v_b.npy', np.zeros(5))
    with pytest.raises(ValueError, match=r'v_b\.npy: 3 features but 5 clip '
                       'times'):
        ff.FeatureStore(str(tmp_path / 'out')).load('v_b')


def test_read_feature_arrays_checks_entries(tmp_path):
    with open(tmp_path / 'f.pkl', 'wb') as f:
        pickle.dump({'v': np.arange(3.0), 'w': dict(other=1)}, f)
    with pytest.raises(ValueError, match='without "features"'):
        ff.read_feature_arrays(str(tmp_path / 'f.pkl'))
    with open(tmp_path / 'f.pkl', 'wb') as f:
        pickle.dump({'v': np.arange(3.0)}, f)  # a vector is one step
    assert ff.read_feature_arrays(str(tmp_path / 'f.pkl'))['v'].shape == \
        (1, 3)
    (tmp_path / 'empty').mkdir()
    with pytest.raises(ValueError, match='no .npy, .pkl or .csv'):
        ff.read_feature_arrays(str(tmp_path / 'empty'))

