"""Clip grid, interpolation, decoding, batching and output formats of the
feature extraction (tsptools.apis)."""
import json
import os

import decord
import h5py
import numpy as np
import pytest
import torch
from mmengine.config import Config

from tests.conftest import save_tiny_encoder, write_tiny_videos
from tsptools.apis import (clip_centre_times, clip_frame_indices,
                           clip_starts, extract_to_dir,
                           extract_video_features, init_encoder,
                           iter_video_features, load_features,
                           make_extract_cfg, num_clips, resize_features)
from tsptools.apis.feature_io import (FORMATS, MERGED_NAMES, append_record,
                                      merge_parts, read_records,
                                      save_video_output)
from tsptools.apis.feature_extraction import list_videos

# Frame counts of the test videos (30 fps, 64x86):
#   a: 70 frames -> 35 sampled frames -> T = (35 - 16) // 16 + 1 = 2
#   b: 45 -> 22 -> T = 1;  d: 100 -> 50 -> T = 3
#   c: 20 -> 10 < 16: shorter than one clip -> T = 1, 'short'
LENGTHS = dict(a=70, b=45, c=20, d=100)
# the TAC config's normalisation (torchvision Kinetics statistics x 255)
MEAN = [110.2008, 100.63983, 95.99475]
STD = [58.14765, 56.46975, 55.332195]


@pytest.fixture(scope='module')
def videos(tmp_path_factory):
    root = tmp_path_factory.mktemp('fx_videos')
    write_tiny_videos(root, LENGTHS)
    (root / 'bad.mp4').write_bytes(b'\x00\x00\x00\x18ftypmp42' + b'x' * 999)
    return root


@pytest.fixture(scope='module')
def tiny(tmp_path_factory):
    paths = save_tiny_encoder(tmp_path_factory.mktemp('fx_model'), 3)
    return dict(paths,
                extract_cfg=Config.fromfile(paths['config']).extract_cfg,
                model=init_encoder(paths['config'], paths['checkpoint']))


# --------------------------------------------------------------------------
# clip grid
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    'frames, fi, stride, tail, expected',
    [
        (70, 2, 16, 'drop', 2),  # 35 sampled: (35 - 16) // 16 + 1
        (64, 2, 16, 'drop', 2),  # 32 sampled: exactly two clips
        (63, 2, 16, 'drop', 2),  # ceil(63 / 2) = 32 sampled (official)
        (61, 2, 16, 'drop', 1),  # 31 sampled
        (32, 2, 16, 'drop', 1),  # exactly one clip
        (100, 2, 8, 'drop', 5),  # 50 sampled: (50 - 16) // 8 + 1
        (100, 2, 1, 'drop', 35),  # THUMOS-style stride 1: 50 - 16 + 1
        (48, 1, 16, 'drop', 3),  # frame_interval 1
        (70, 2, 16, 'pad', 3),  # 3 sampled frames left -> one padded clip
        (64, 2, 16, 'pad', 2),  # nothing left
        (80, 2, 32, 'pad', 2),  # 40 sampled, next start 32 < 40
        (60, 2, 32, 'pad', 1),  # 30 sampled, next start 32 >= 30
        (100, 2, 8, 'pad', 6),  # clips end at 47 < 50: one more at 40
        (100, 2, 1, 'pad', 35),  # stride 1 covers every frame: no pad
        (98, 2, 1, 'pad', 34),
        (20, 2, 16, 'drop', 1),  # short
        (1, 2, 16, 'pad', 1),  # a single frame
    ])
def test_number_of_clips_follows_the_rules(frames, fi, stride, tail,
                                           expected):
    assert num_clips(frames, 16, fi, stride, tail) == expected
    starts, short = clip_starts(frames, 16, fi, stride, tail)
    assert list(starts) == [k * stride for k in range(expected)]
    assert short == (-(-frames // fi) < 16)  # ceil(frames / fi)


def test_official_formula_on_many_lengths():
    for frames in range(32, 400, 7):
        n15 = (frames + 1) // 2  # len(arange(frames)[::2])
        assert num_clips(frames) == (n15 - 16) // 16 + 1


def test_clip_frames_and_centre_times_by_hand():
    # 70 frames at 30 fps, clip_len 16, frame_interval 2, stride 16
    assert list(clip_frame_indices(0, 70)) == list(range(0, 32, 2))
    assert list(clip_frame_indices(16, 70)) == list(range(32, 64, 2))
    # padded tail clip (tail='pad'): 64, 66, 68 then the last grid frame
    assert list(clip_frame_indices(32, 70)) == [64, 66, 68] + [68] * 13
    times = clip_centre_times([0, 16, 32], 70, 30.0)
    # centres of frames [0, 32), [32, 64) and of the real frames [64, 70)
    np.testing.assert_allclose(times, [16 / 30, 48 / 30, 67 / 30])
    # a 20-frame video: one clip of frames 0, 2, ..., 18, then 18 repeated;
    # its time is the centre of the video
    assert list(clip_frame_indices(0, 20)) == list(range(0, 20, 2)) + [18] * 6
    np.testing.assert_allclose(clip_centre_times([0], 20, 30.0), [10 / 30])
    # 25 fps, frame_interval 1, clip_len 8
    np.testing.assert_allclose(
        clip_centre_times([0, 4], 100, 25.0, clip_len=8, frame_interval=1),
        [4 / 25, 8 / 25])


def test_resize_features_by_hand():
    feats = np.array([[0.0, 1.0], [10.0, 3.0], [20.0, 5.0]], np.float32)
    out = resize_features(feats, 5)  # positions 0, .5, 1, 1.5, 2
    np.testing.assert_allclose(out[:, 0], [0, 5, 10, 15, 20])
    np.testing.assert_allclose(out[:, 1], [1, 2, 3, 4, 5])
    assert out.dtype == np.float32
    four = np.array([1.0, 2.0, 4.0, 8.0])
    np.testing.assert_allclose(resize_features(four, 3),
                               [1.0, 3.0, 8.0])  # positions 0, 1.5, 3
    np.testing.assert_allclose(resize_features(four, 2), [1.0, 8.0])
    np.testing.assert_allclose(
        resize_features(np.array([[7.0, 8.0]]), 3), [[7, 8]] * 3)
    # the same as PyTorch's linear interpolation with align_corners=True
    rng = np.random.default_rng(0)
    x = rng.normal(size=(13, 4)).astype(np.float32)
    ref = torch.nn.functional.interpolate(
        torch.from_numpy(x.T[None]), size=100, mode='linear',
        align_corners=True)[0].T.numpy()
    np.testing.assert_allclose(resize_features(x, 100), ref, atol=1e-5)


def test_settings_merge_and_validation():
    cfg = make_extract_cfg(dict(stride=8), stride=4, crop_size=None)
    assert cfg['stride'] == 4 and cfg['crop_size'] == 112
    assert cfg['clip_len'] == 16 and cfg['tail'] == 'drop'
    with pytest.raises(KeyError, match='strides'):
        make_extract_cfg(dict(strides=8))
    with pytest.raises(ValueError, match='crop_size'):
        make_extract_cfg(crop_size=200)
    with pytest.raises(ValueError, match='tail'):
        make_extract_cfg(tail='wrap')
    with pytest.raises(ValueError, match='resize_to'):
        make_extract_cfg(resize_to=1)


# --------------------------------------------------------------------------
# decoding and features
# --------------------------------------------------------------------------


def direct_clip_features(model, path, frame_indices):
    """Features of one clip decoded by decord directly: frames resized to
    short side 40 (64x86 -> 40x54), centre crop 32 (top 4, left 11)."""
    reader = decord.VideoReader(path, width=54, height=40)
    frames = reader.get_batch(frame_indices).asnumpy()[:, 4:36, 11:43]
    x = torch.from_numpy(frames).permute(3, 0, 1, 2)[None].float()
    mean = torch.tensor(MEAN).view(1, 3, 1, 1, 1)
    std = torch.tensor(STD).view(1, 3, 1, 1, 1)
    with torch.no_grad():
        return model.extract_feat((x - mean) / std)[0].numpy()


def test_features_equal_the_model_on_directly_decoded_clips(videos, tiny):
    path = str(videos / 'a.mp4')
    result = extract_video_features(tiny['model'], path, tiny['extract_cfg'])
    assert result.status == 'ok' and result.name == 'a'
    assert result.features.shape == (2, 32)
    assert result.features.dtype == np.float32
    assert (result.num_frames, result.fps) == (70, 30.0)
    np.testing.assert_allclose(result.clip_times, [16 / 30, 48 / 30])
    for k, indices in enumerate([list(range(0, 32, 2)),
                                 list(range(32, 64, 2))]):
        expected = direct_clip_features(tiny['model'], path, indices)
        np.testing.assert_allclose(result.features[k], expected, rtol=1e-4,
                                   atol=1e-5)
    assert not np.allclose(result.features[0], result.features[1])


def test_short_video_gives_one_padded_clip(videos, tiny, monkeypatch):
    import tsptools.apis.feature_extraction as fx
    messages = []
    monkeypatch.setattr(fx, '_log', lambda msg, *a: messages.append(msg))
    path = str(videos / 'c.mp4')
    result = extract_video_features(tiny['model'], path, tiny['extract_cfg'])
    assert result.status == 'short'
    assert any('c.mp4: 20 frames is shorter than one clip' in m
               for m in messages)
    assert result.features.shape == (1, 32)
    np.testing.assert_allclose(result.clip_times, [10 / 30])
    expected = direct_clip_features(tiny['model'], path,
                                    list(range(0, 20, 2)) + [18] * 6)
    np.testing.assert_allclose(result.features[0], expected, rtol=1e-4,
                               atol=1e-5)


def test_tail_pad_adds_the_padded_clip(videos, tiny):
    path = str(videos / 'a.mp4')
    cfg = dict(tiny['extract_cfg'], tail='pad')
    result = extract_video_features(tiny['model'], path, cfg)
    assert result.features.shape == (3, 32)
    np.testing.assert_allclose(result.clip_times[-1], 67 / 30)
    expected = direct_clip_features(tiny['model'], path,
                                    [64, 66, 68] + [68] * 13)
    np.testing.assert_allclose(result.features[2], expected, rtol=1e-4,
                               atol=1e-5)


def test_workers_batch_across_videos_and_report_bad_files(videos, tiny):
    entries = [(n, str(videos / f'{n}.mp4'))
               for n in ('a', 'bad', 'b', 'c', 'd')]
    batches = []
    cfg = dict(tiny['extract_cfg'], num_workers=2, batch_size=4)
    results = {
        r.name: r
        for r in iter_video_features(tiny['model'], entries, cfg,
                                     on_clips=batches.append)
    }
    assert sorted(results) == ['a', 'b', 'bad', 'c', 'd']
    assert results['bad'].status == 'failed'
    assert 'bad.mp4' in results['bad'].error
    assert results['c'].status == 'short'
    # 2 + 1 + 1 + 3 clips; full batches of 4 hold clips of several videos
    assert sum(batches) == 7 and max(batches) == 4
    for name in ('a', 'b', 'c', 'd'):
        alone = extract_video_features(tiny['model'],
                                       str(videos / f'{name}.mp4'),
                                       tiny['extract_cfg'])
        assert len(alone.features) == num_clips(LENGTHS[name])
        np.testing.assert_allclose(results[name].features, alone.features,
                                   rtol=1e-4, atol=1e-5)


def test_missing_file_is_a_failed_result(tmp_path, tiny):
    result = extract_video_features(tiny['model'], str(tmp_path / 'no.mp4'),
                                    tiny['extract_cfg'])
    assert result.status == 'failed' and 'no.mp4' in result.error


def test_init_encoder_drops_head_and_checks_weights(tmp_path, tiny):
    model = tiny['model']
    assert not hasattr(model, 'head') and not model.training
    bad = tmp_path / 'other.pth'
    torch.save({'state_dict': {'head.fc.weight': torch.zeros(1)}}, bad)
    with pytest.raises(KeyError, match='encoder weights'):
        init_encoder(tiny['config'], str(bad))


# --------------------------------------------------------------------------
# outputs
# --------------------------------------------------------------------------


@pytest.mark.parametrize('fmt', FORMATS)
def test_each_format_round_trips(tmp_path, fmt):
    rng = np.random.default_rng(0)
    data = {
        'v1': (rng.normal(size=(5, 8)).astype(np.float32),
               np.arange(5) * 1.0667 + 0.5333),
        'v2': (rng.normal(size=(1, 8)).astype(np.float32), np.array([0.3])),
    }
    for name, (feats, times) in data.items():
        save_video_output(str(tmp_path), name, fmt, feats, times,
                          dict(fps=30.0, num_frames=99, num_clips=len(feats),
                               status='ok'))
    if fmt in MERGED_NAMES:
        merge_parts(str(tmp_path), fmt, ['v1', 'v2'])
        assert not os.listdir(tmp_path / '.extract' / 'parts')
    loaded = load_features(str(tmp_path), fmt)
    assert sorted(loaded) == ['v1', 'v2']
    for name, (feats, times) in data.items():
        np.testing.assert_allclose(loaded[name][0], feats, rtol=1e-6)
        assert loaded[name][0].dtype == np.float32
        np.testing.assert_allclose(loaded[name][1], times)
    if fmt == 'npy':  # what OpenTAD reads
        assert np.load(tmp_path / 'v1.npy').shape == (5, 8)
    if fmt == 'csv':  # what mmaction2's LoadLocalizationFeature reads
        raw = np.loadtxt(tmp_path / 'v1.csv', delimiter=',', skiprows=1)
        assert raw.shape == (5, 8)
    if fmt == 'h5':  # the official TSP layout
        with h5py.File(tmp_path / 'features.h5', 'r') as f:
            assert f['v2'][()].shape == (1, 8)
            assert f['v1'].attrs['fps'] == 30.0
            assert len(f['v1'].attrs['clip_times']) == 5


def test_merge_keeps_videos_of_earlier_runs(tmp_path):
    out = str(tmp_path)
    feats = np.ones((2, 3), np.float32)
    save_video_output(out, 'old', 'h5', feats, [0.5, 1.5], {})
    merge_parts(out, 'h5', ['old'])
    save_video_output(out, 'new', 'h5', 2 * feats, [0.5, 1.5], {})
    merge_parts(out, 'h5', ['new'])
    loaded = load_features(os.path.join(out, 'features.h5'))
    assert sorted(loaded) == ['new', 'old']
    np.testing.assert_array_equal(loaded['new'][0], 2 * feats)


def test_long_clip_time_vectors_fit_in_h5(tmp_path):
    times = np.arange(30000) / 15.0  # > 64 KiB of attribute
    save_video_output(str(tmp_path), 'long', 'h5',
                      np.zeros((30000, 2), np.float32), times, {})
    merge_parts(str(tmp_path), 'h5', ['long'])
    np.testing.assert_array_equal(
        load_features(str(tmp_path / 'features.h5'))['long'][1], times)


def test_records_ignore_a_line_cut_by_a_kill(tmp_path):
    log = str(tmp_path / 'log.rank0.jsonl')
    append_record(log, dict(name='a', status='failed', time=1.0))
    append_record(log, dict(name='a', status='ok', time=2.0))
    append_record(log, dict(name='b', status='ok', time=3.0))
    with open(log, 'a') as f:
        f.write('{"name": "c", "sta')
    records = read_records(str(tmp_path))
    assert sorted(records) == ['a', 'b'] and records['a']['status'] == 'ok'


def test_list_videos(tmp_path):
    (tmp_path / 'sub').mkdir()
    for name in ('x.mp4', 'sub/y.mkv', '.x.mp4.part', 'notes.txt'):
        (tmp_path / name).write_bytes(b'')
    assert list_videos(video_dir=str(tmp_path)) == [
        ('x', str(tmp_path / 'x.mp4')), ('y', str(tmp_path / 'sub/y.mkv'))]
    listing = tmp_path / 'list.txt'
    listing.write_text('# comment\nx.mp4\n\nsub/y.mkv\n')
    assert list_videos(str(listing), video_root=str(tmp_path))[1] == \
        ('y', os.path.join(str(tmp_path), 'sub/y.mkv'))
    listing.write_text('a/x.mp4\nb/x.mp4\n')
    with pytest.raises(ValueError, match="two videos named 'x'"):
        list_videos(str(listing))


def test_extract_to_dir_in_process(videos, tiny, tmp_path):
    entries = [(n, str(videos / f'{n}.mp4')) for n in ('a', 'c', 'bad')]
    cfg = dict(tiny['extract_cfg'], resize_to=4)
    summary = extract_to_dir(tiny['model'], entries, str(tmp_path), cfg,
                             fmt='pkl', progress=False)
    assert summary['failed'] == ['bad'] and summary['num_short'] == 1
    loaded = load_features(str(tmp_path))
    assert sorted(loaded) == ['a', 'c']
    alone = extract_video_features(tiny['model'], entries[0][1],
                                   tiny['extract_cfg'])
    np.testing.assert_allclose(loaded['a'][0],
                               resize_features(alone.features, 4),
                               rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(loaded['a'][1],
                               np.linspace(16 / 30, 48 / 30, 4))
    manifest = json.loads((tmp_path / 'manifest.json').read_text())
    assert manifest['videos']['a']['T'] == 4
    assert manifest['videos']['a']['num_clips'] == 2
    assert manifest['videos']['c']['status'] == 'short'
    # other settings in the same folder are refused
    with pytest.raises(ValueError, match='other settings'):
        extract_to_dir(tiny['model'], entries, str(tmp_path),
                       dict(cfg, stride=8), fmt='pkl', progress=False)


def test_h5_with_padding_and_resizing(videos, tiny, tmp_path):
    entries = [(n, str(videos / f'{n}.mp4')) for n in ('a', 'd')]
    cfg = dict(tiny['extract_cfg'], tail='pad', resize_to=5)
    extract_to_dir(tiny['model'], entries, str(tmp_path), cfg, fmt='h5',
                   progress=False)
    with h5py.File(tmp_path / 'features.h5', 'r') as f:
        assert sorted(f) == ['a', 'd']
        assert f['a'].shape == f['d'].shape == (5, 32)
        # a: 35 sampled frames -> clips at 0, 16 and a padded one at 32
        # (centres 16/30, 48/30, 67/30 s); resized from 3 to 5 steps:
        # positions 0, .5, 1, 1.5, 2
        t = [16 / 30, 48 / 30, 67 / 30]
        np.testing.assert_allclose(
            f['a'].attrs['clip_times'],
            [t[0], (t[0] + t[1]) / 2, t[1], (t[1] + t[2]) / 2, t[2]])
        assert f['a'].attrs['num_clips'] == 3
        alone = extract_video_features(tiny['model'], entries[0][1],
                                       dict(tiny['extract_cfg'], tail='pad'))
        np.testing.assert_allclose(
            f['a'][1], (alone.features[0] + alone.features[1]) / 2,
            rtol=1e-4, atol=1e-5)
    manifest = json.loads((tmp_path / 'manifest.json').read_text())
    assert manifest['videos']['d']['num_clips'] == 4  # 50 sampled + pad
    assert manifest['videos']['d']['T'] == 5
    assert manifest['output'] == 'features.h5'
    assert not os.listdir(tmp_path / '.extract' / 'parts')
