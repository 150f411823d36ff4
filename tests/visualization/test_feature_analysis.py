"""tsptools.visualization.feature_analysis on hand-computed values."""
import json
import pickle

import numpy as np
import pytest

from tsptools.visualization import feature_analysis as fa

R = 1 / np.sqrt(2)


def test_cosine_similarity_matrix():
    feats = np.array([[1, 0], [0, 2], [1, 1], [0, 0]], dtype=np.float32)
    expected = np.array([[1, 0, R, 0], [0, 1, R, 0], [R, R, 1, 0],
                         [0, 0, 0, 0]])
    np.testing.assert_allclose(fa.cosine_similarity_matrix(feats), expected,
                               atol=1e-12)
    with pytest.raises(ValueError, match='T x C'):
        fa.cosine_similarity_matrix(np.zeros(3))


def test_foreground_mask_includes_segment_ends():
    times = np.array([0.5, 1.0, 1.5, 2.5, 3.5])
    mask = fa.foreground_mask(times, [[1.0, 2.5]])
    assert mask.tolist() == [False, True, True, True, False]
    assert not fa.foreground_mask(times, np.zeros((0, 2))).any()


def test_boundary_times_drop_video_edges():
    segments = [[0.0, 2.0], [3.0, 5.0], [1.0, 2.0]]
    assert fa.boundary_times(segments, duration=5.0).tolist() == [1, 2, 3]
    # without the duration, the end at 5 counts
    assert fa.boundary_times(segments).tolist() == [1, 2, 3, 5]


def test_boundary_pair_mask():
    times = np.array([0.5, 1.5, 2.5, 3.5, 4.5])
    segments = [[0.0, 2.0], [3.0, 5.0]]
    assert fa.boundary_pair_mask(times, segments, duration=5.0).tolist() == \
        [False, True, True, False]
    assert fa.boundary_pair_mask(times, segments, tolerance=0.6,
                                 duration=5.0).tolist() == [True] * 4
    # half-open window [t_k, t_{k+1}): a boundary on a clip time belongs to
    # the pair that starts there
    assert fa.boundary_pair_mask(np.array([0., 1., 2.]),
                                 [[1.0, 9.0]]).tolist() == [False, True]
    assert fa.boundary_pair_mask(np.array([1.0]), [[0.5, 2]]).shape == (0, )


def test_consecutive_abs_differences():
    feats = np.array([[3, 4], [0, 5]], dtype=np.float32)
    np.testing.assert_allclose(fa.consecutive_abs_differences(feats),
                               [[0.6, 0.2]])
    np.testing.assert_allclose(
        fa.consecutive_abs_differences(feats, normalize=False), [[3, 1]])


def test_split_boundary_differences():
    feats = np.array([[1, 0], [1, 0], [0, 1], [0, 1]], dtype=np.float32)
    times = np.array([0.5, 1.5, 2.5, 3.5])
    boundary, other = fa.split_boundary_differences(
        feats, times, [[2.0, 9.0]], duration=4.0)
    np.testing.assert_allclose(boundary, [[1, 1]])
    np.testing.assert_allclose(other, [[0, 0], [0, 0]])
    with pytest.raises(ValueError, match='times'):
        fa.split_boundary_differences(feats, times[:3], [[2.0, 9.0]])


def test_fg_bg_similarities():
    feats = np.array([[1, 0], [2, 0], [0, 1], [1, 1]], dtype=np.float32)
    out = fa.fg_bg_similarities(feats, [True, True, False, False])
    assert out['fg_fg'] == pytest.approx(1.0)
    assert out['bg_bg'] == pytest.approx(R)
    # (fg, bg) pairs: 0, R, 0, R
    assert out['fg_bg'] == pytest.approx(R / 2)
    assert (out['n_fg'], out['n_bg']) == (2, 2)
    single = fa.fg_bg_similarities(feats[1:], [True, False, False])
    assert np.isnan(single['fg_fg'])
    assert single['fg_bg'] == pytest.approx((0 + R) / 2)


def test_aggregate_fg_bg_counts_each_video_once():
    nan = float('nan')
    out = fa.aggregate_fg_bg([
        dict(fg_fg=1.0, bg_bg=R, fg_bg=R / 2),
        dict(fg_fg=0.5, bg_bg=nan, fg_bg=nan),
    ])
    assert out['fg_fg'] == pytest.approx(0.75)
    assert out['bg_bg'] == pytest.approx(R)
    assert out['fg_bg'] == pytest.approx(R / 2)
    assert out['gap'] == pytest.approx((0.75 + R) / 2 - R / 2)
    assert out['videos'] == 1


def test_manifest_clip_times_follow_the_extraction_grid():
    settings = dict(clip_len=16, frame_interval=2, stride=16)
    # 100 frames, --tail pad: the last clip is cut at the end of the video
    entry = dict(fps=30.0, num_frames=100, num_clips=4)
    np.testing.assert_allclose(
        fa.manifest_clip_times(entry, settings, 4),
        [16 / 30, 48 / 30, 80 / 30, 98 / 30])
    # resized from 3 clips to 5 steps
    entry = dict(fps=30.0, num_frames=100, num_clips=3)
    np.testing.assert_allclose(
        fa.manifest_clip_times(entry, settings, 5),
        np.interp(np.linspace(0, 2, 5), [0, 1, 2],
                  [16 / 30, 48 / 30, 80 / 30]))


def test_regular_and_spread_times():
    np.testing.assert_allclose(fa.regular_times(3, 16, 15),
                               [8 / 15, 24 / 15, 40 / 15])
    np.testing.assert_allclose(fa.regular_times(3, 16, 15, offset=0),
                               [0, 16 / 15, 32 / 15])
    np.testing.assert_allclose(fa.spread_times(4, 8.0), [1, 3, 5, 7])


def test_resolve_times_priority():
    stored = np.array([0.1, 0.2])
    assert fa.resolve_times(2, stored, 10.0, 16, 15) is not None
    np.testing.assert_allclose(fa.resolve_times(2, stored, 10.0, 16, 15),
                               stored)
    np.testing.assert_allclose(fa.resolve_times(2, None, 10.0, 16, 15),
                               [8 / 15, 24 / 15])
    np.testing.assert_allclose(fa.resolve_times(2, None, 10.0), [2.5, 7.5])
    with pytest.raises(ValueError, match='no clip times'):
        fa.resolve_times(2)


@pytest.fixture
def feature_dirs(tmp_path):
    feats = {'v_a': np.arange(8, dtype=np.float32).reshape(4, 2),
             'v_b': np.ones((3, 2), np.float32)}
    # npy folder with clip times
    npy = tmp_path / 'npy'
    (npy / 'clip_times').mkdir(parents=True)
    for name, value in feats.items():
        np.save(npy / f'{name}.npy', value)
        np.save(npy / 'clip_times' / f'{name}.npy',
                np.arange(len(value)) + 0.5)
    (npy / 'manifest.json').write_text(json.dumps(dict(format='npy')))
    # bare folder, manifest times only
    bare = tmp_path / 'bare'
    bare.mkdir()
    for name, value in feats.items():
        np.save(bare / f'{name}.npy', value)
    videos = {name: dict(fps=30.0, num_frames=200, num_clips=len(v))
              for name, v in feats.items()}
    (bare / 'manifest.json').write_text(json.dumps(dict(
        format='npy', settings=dict(clip_len=16, frame_interval=2,
                                    stride=16), videos=videos)))
    # h5 file without clip times (official layout) and pkl with them
    import h5py
    with h5py.File(tmp_path / 'features.h5', 'w') as f:
        for name, value in feats.items():
            f[name] = value
    with open(tmp_path / 'features.pkl', 'wb') as f:
        pickle.dump({n: dict(features=v, clip_times=np.arange(len(v)) * 2.)
                     for n, v in feats.items()}, f)
    # csv folder
    csv_dir = tmp_path / 'csv'
    csv_dir.mkdir()
    for name, value in feats.items():
        np.savetxt(csv_dir / f'{name}.csv', value, delimiter=',',
                   header='f0,f1', comments='')
    (csv_dir / 'manifest.json').write_text(json.dumps(dict(format='csv')))
    return tmp_path, feats


def test_load_video_features_stored_then_manifest_times(feature_dirs):
    """The one FeatureStore (tests/core/test_feature_format.py) behind the
    analysis: stored clip times, else the manifest's grid, else None."""
    root, feats = feature_dirs
    store = fa.FeatureStore(str(root / 'npy'))
    assert sorted(store.names()) == ['v_a', 'v_b']
    values, times = fa.load_video_features(store, 'v_a')
    np.testing.assert_array_equal(values, feats['v_a'])
    np.testing.assert_allclose(times, [0.5, 1.5, 2.5, 3.5])
    _, times = fa.load_video_features(fa.FeatureStore(str(root / 'bare')),
                                      'v_a')
    np.testing.assert_allclose(times, (np.arange(4) * 32 + 16) / 30)
    h5 = fa.FeatureStore(str(root / 'features.h5'))
    values, times = fa.load_video_features(h5, 'v_b')
    assert sorted(h5.names()) == ['v_a', 'v_b'] and times is None
    np.testing.assert_array_equal(values, feats['v_b'])
    _, times = fa.load_video_features(
        fa.FeatureStore(str(root / 'features.pkl')), 'v_b')
    np.testing.assert_allclose(times, [0, 2, 4])
    values, times = fa.load_video_features(
        fa.FeatureStore(str(root / 'csv')), 'v_a')
    np.testing.assert_allclose(values, feats['v_a'])
    assert times is None
    np.save(root / 'npy' / 'clip_times' / 'v_b.npy', np.zeros(5))
    with pytest.raises(ValueError, match='3 features but 5 clip times'):
        fa.load_video_features(store, 'v_b')
    with pytest.raises(FileNotFoundError):
        fa.FeatureStore(str(root / 'nowhere'))


def test_load_annotations_json_and_tsp_csv(tmp_path):
    ann = dict(database={'abc': dict(duration=10.0, fps=30, annotations=[
        dict(segment=[1, 2], label='x'), dict(segment=[5, 7.5], label='y')])})
    (tmp_path / 'ann.json').write_text(json.dumps(ann))
    out = fa.load_annotations(str(tmp_path / 'ann.json'))
    assert out['abc']['duration'] == 10.0 and out['abc']['labels'] == \
        ['x', 'y']
    np.testing.assert_allclose(out['abc']['segments'], [[1, 2], [5, 7.5]])
    # ActivityNet file names carry a v_ prefix that the JSON keys lack
    assert fa.find_annotation('v_abc', out) is out['abc']
    assert fa.find_annotation('zzz', out) is None
    header = ('video-name,t-start,t-end,action-label,video-duration,'
              'filename,fps,video-frames,temporal-region-label\n')
    rows = ('v1,1.0,2.0,jump,10.0,v1.mp4,30.0,300,Action\n'
            'v1,2.0,10.0,,10.0,v1.mp4,30.0,300,No action\n'
            'v2,0.0,4.0,,4.0,v2.mp4,30.0,120,No action\n')
    (tmp_path / 'gt.csv').write_text(header + rows)
    out = fa.load_annotations(str(tmp_path / 'gt.csv'))
    np.testing.assert_allclose(out['v1']['segments'], [[1, 2]])
    assert out['v2']['segments'].shape == (0, 2)
    assert out['v2']['duration'] == 4.0


def test_parse_named_paths():
    assert fa.parse_named_paths(['TAC=a/tac', 'b/tsp/']) == [
        ('TAC', 'a/tac'), ('tsp', 'b/tsp/')]
    with pytest.raises(ValueError, match='unique'):
        fa.parse_named_paths(['x=a', 'x=b'])


def test_load_encoder_features_selects_common_annotated_videos(
        feature_dirs):
    root, _ = feature_dirs
    annotations = {'v_a': dict(duration=40.0, segments=np.zeros((0, 2)))}
    named = [('A', str(root / 'npy')), ('B', str(root / 'features.h5'))]
    videos, data = fa.load_encoder_features(named, annotations)
    assert videos == ['v_a']
    np.testing.assert_allclose(data['v_a']['A'][1], [0.5, 1.5, 2.5, 3.5])
    # no stored times in the h5: spread over the annotated duration
    np.testing.assert_allclose(data['v_a']['B'][1], [5, 15, 25, 35])
    _, data = fa.load_encoder_features(named, annotations, stride=16, fps=15)
    np.testing.assert_allclose(data['v_a']['B'][1],
                               (np.arange(4) * 16 + 8) / 15)
    with pytest.raises(KeyError, match='v_b'):
        fa.load_encoder_features(named, annotations, videos=['v_b'])
    with pytest.raises(KeyError, match='v_zz'):
        fa.load_encoder_features(named, None, videos=['v_zz'])
