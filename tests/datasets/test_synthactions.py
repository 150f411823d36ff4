"""SynthActions: generator determinism, annotation formats against what decord
reads, the world's motion-only classes, and the PyAV writer."""
import csv
import json
import os
import os.path as osp

import decord
import numpy as np
import pytest

from tsptools.datasets.synthactions import (FPS, MAX_CLASSES, MIN_BACKGROUND,
                                            MOTION_NAMES, SynthVideo,
                                            class_names, count_frames,
                                            generate_synthactions,
                                            get_preset, motion_id,
                                            write_video)
from tsptools.datasets.synthactions.plan import plan_trimmed, plan_untrimmed
from tsptools.datasets.synthactions.writer import partial_path
from tsptools.datasets.tsp_segments import background_segments

ANN = osp.join('untrimmed', 'annotations')
SPLITS = {'training': 'train', 'validation': 'valid', 'testing': 'test'}
GT_HEADER = ('video-name,t-start,t-end,action-label,video-duration,filename,'
             'fps,video-frames,temporal-region-label')
# fewer, shorter videos for the second seed and the resume test
SMALLER = dict(
    untrimmed=dict(counts=dict(training=1, validation=1, testing=0),
                   duration=(6.0, 8.0)),
    trimmed=dict(clip_duration=1.0, clips_per_class=dict(train=1, val=0)))


@pytest.fixture(scope='module')
def tiny(tmp_path_factory):
    """The tiny preset, seed 0, made in this process."""
    root = tmp_path_factory.mktemp('synth_a')
    meta = generate_synthactions(str(root), preset='tiny', seed=0, workers=1,
                                 progress=False)
    return root, meta


@pytest.fixture(scope='module')
def tiny_again(tmp_path_factory):
    """The same dataset made again by two worker processes."""
    root = tmp_path_factory.mktemp('synth_b')
    generate_synthactions(str(root), preset='tiny', seed=0, workers=2,
                          progress=False)
    return root


@pytest.fixture(scope='module')
def other_seed(tmp_path_factory):
    root = tmp_path_factory.mktemp('synth_c')
    generate_synthactions(str(root), preset='tiny', seed=1, workers=1,
                          overrides=SMALLER, progress=False)
    return root


def read_csv(path):
    with open(path, newline='') as f:
        return list(csv.DictReader(f))


def list_files(root):
    out = []
    for folder, _, files in os.walk(root):
        out += [osp.relpath(osp.join(folder, f), root) for f in files]
    return sorted(out)


def decode(path):
    reader = decord.VideoReader(str(path))
    return reader.get_batch(list(range(len(reader)))).asnumpy()


def test_layout_and_meta(tiny):
    root, meta = tiny
    names = class_names(10)
    for rel in [
            'meta.json', f'{ANN}/synthactions.json',
            f'{ANN}/class_index.json',
            f'{ANN}/synthactions_action_label_mapping.json',
            f'{ANN}/synthactions_temporal_region_label_mapping.json',
            'trimmed/train_list.txt', 'trimmed/val_list.txt'
    ] + [
            f'{ANN}/synthactions_{s}_{kind}.csv'
            for s in ('train', 'valid', 'test')
            for kind in ('metadata', 'tsp_groundtruth')
    ]:
        assert osp.isfile(root / rel), rel
    with open(root / 'meta.json') as f:
        assert json.load(f) == meta
    assert meta['complete'] and meta['preset'] == 'tiny' and meta['seed'] == 0
    assert meta['classes'] == names and meta['num_classes'] == 10
    assert (meta['width'], meta['height'], meta['fps']) == (86, 64, 30)
    assert meta['resolution'] == '86x64'
    videos = os.listdir(root / 'untrimmed' / 'videos')
    assert len(videos) == sum(meta['counts']['untrimmed'].values()) == 8
    assert all(v.startswith('v_') and v.endswith('.mp4') for v in videos)
    # no temporary files are left
    assert not [f for f in list_files(root) if f.endswith('.part')]


def test_label_mappings_match_official_layout(tiny):
    root, meta = tiny
    region = (root / ANN /
              'synthactions_temporal_region_label_mapping.json').read_text()
    assert region == '["Action",\n "No action"]'
    action = (root / ANN / 'synthactions_action_label_mapping.json')
    assert json.loads(action.read_text()) == meta['classes']
    # sorted, as the official mappings
    assert action.read_text().startswith('["bounce",\n "circle",\n')
    assert meta['classes'] == sorted(meta['classes'])
    index = json.loads((root / ANN / 'class_index.json').read_text())
    assert index == {name: i for i, name in enumerate(meta['classes'])}


def test_metadata_csv_matches_decord(tiny):
    root, _ = tiny
    database = json.loads((root / ANN / 'synthactions.json').read_text())
    database = database['database']
    seen = set()
    for subset, split in SPLITS.items():
        path = root / ANN / f'synthactions_{split}_metadata.csv'
        assert path.read_text().splitlines()[0] == \
            'filename,video-duration,fps,video-frames'
        for row in read_csv(path):
            name = row['filename'][:-len('.mp4')]
            seen.add(name)
            reader = decord.VideoReader(
                str(root / 'untrimmed' / 'videos' / row['filename']))
            frames = int(row['video-frames'])
            assert len(reader) == frames
            assert reader.get_avg_fps() == pytest.approx(30.0)
            assert row['fps'] == '30'
            # official formatting: 15 significant digits
            assert row['video-duration'] == f'{frames / 30:.15g}'
            entry = database[name]
            assert entry['subset'] == subset
            assert entry['num_frames'] == frames
            assert entry['duration'] == frames / 30
            assert entry['fps'] == 30.0
            height, width = reader[0].shape[:2]
            assert entry['resolution'] == f'{width}x{height}' == '86x64'
    assert seen == set(database)


def test_groundtruth_csv(tiny):
    root, meta = tiny
    database = json.loads(
        (root / ANN / 'synthactions.json').read_text())['database']
    for subset, split in SPLITS.items():
        path = root / ANN / f'synthactions_{split}_tsp_groundtruth.csv'
        assert path.read_text().splitlines()[0] == GT_HEADER
        rows = read_csv(path)
        regions = [r['temporal-region-label'] for r in rows]
        # every action row first, then every background row
        assert regions == sorted(regions)
        videos = [n for n, e in database.items() if e['subset'] == subset]
        assert {r['video-name'] for r in rows} == set(videos)
        for name in videos:
            entry = database[name]
            mine = [r for r in rows if r['video-name'] == name]
            for r in mine:
                assert r['filename'] == f'{name}.mp4'
                assert r['fps'] == '30.0'
                assert int(r['video-frames']) == entry['num_frames']
                assert float(r['video-duration']) == entry['duration']
                assert r['video-duration'] == repr(entry['duration'])
                assert 0.0 <= float(r['t-start']) < float(r['t-end']) \
                    <= entry['duration']
            actions = [(float(r['t-start']), float(r['t-end']),
                        r['action-label']) for r in mine
                       if r['temporal-region-label'] == 'Action']
            assert actions == [(a['segment'][0], a['segment'][1], a['label'])
                               for a in entry['annotations']]
            assert all(label in meta['classes'] for *_, label in actions)
            assert 1 <= len(actions) <= 2
            for (_, end, _), (start, _, _) in zip(actions, actions[1:]):
                assert start - end >= 1.5 - 1e-9  # background between
            background = [(float(r['t-start']), float(r['t-end']))
                          for r in mine
                          if r['temporal-region-label'] == 'No action']
            assert all(r['action-label'] == '' for r in mine
                       if r['temporal-region-label'] == 'No action')
            assert background == background_segments(
                [a[:2] for a in actions], entry['duration'], MIN_BACKGROUND)
            # actions and background tile the video but for short gaps
            covered = sum(e - s for s, e, _ in actions) + sum(
                e - s for s, e in background)
            assert covered == pytest.approx(entry['duration'], abs=2 * 16 / 15)


def test_trimmed_lists(tiny):
    root, meta = tiny
    names = meta['classes']
    for split, per_class in (('train', 1), ('val', 1)):
        lines = (root / 'trimmed' / f'{split}_list.txt').read_text().split(
            '\n')
        assert lines[-1] == ''
        entries = [line.split(' ') for line in lines[:-1]]
        labels = sorted(int(label) for _, label in entries)
        assert labels == sorted(list(range(10)) * per_class)
        for rel, label in entries:
            label = int(label)
            assert 0 <= label < meta['num_classes']
            assert rel.split('/')[0] == names[label]
            assert rel.split('/')[1].startswith(split + '_')
            reader = decord.VideoReader(str(root / 'trimmed' / 'videos' / rel))
            assert len(reader) == 2 * FPS  # tiny clips last 2 s
            assert reader.get_avg_fps() == pytest.approx(30.0)


def test_same_seed_same_dataset_whatever_the_workers(tiny, tiny_again):
    root_a, _ = tiny
    files = list_files(root_a)
    assert files == list_files(tiny_again)
    for rel in files:
        same = (root_a / rel).read_bytes() == (tiny_again / rel).read_bytes()
        assert same, rel
    video = osp.join('untrimmed', 'videos', 'v_000000.mp4')
    np.testing.assert_array_equal(decode(root_a / video),
                                  decode(tiny_again / video))


def test_other_seed_other_dataset(tiny, other_seed):
    root_a, _ = tiny
    for name in ('synthactions.json',
                 'synthactions_train_tsp_groundtruth.csv'):
        assert (root_a / ANN / name).read_text() != \
            (other_seed / ANN / name).read_text()
    a = decode(root_a / 'untrimmed' / 'videos' / 'v_000000.mp4')
    b = decode(other_seed / 'untrimmed' / 'videos' / 'v_000000.mp4')
    n = min(len(a), len(b))
    assert np.abs(a[:n].astype(int) - b[:n]).mean() > 10
    meta = json.loads((other_seed / 'meta.json').read_text())
    assert meta['counts']['untrimmed'] == dict(training=1, validation=1,
                                               testing=0)
    assert read_csv(other_seed / ANN / 'synthactions_test_metadata.csv') == []


def test_resume_and_refuse_other_settings(other_seed):
    video = other_seed / 'untrimmed' / 'videos' / 'v_000001.mp4'
    expected = video.read_bytes()
    untouched = other_seed / 'untrimmed' / 'videos' / 'v_000000.mp4'
    mtime = untouched.stat().st_mtime_ns
    video.unlink()
    # a partial file left by a killed run is replaced
    with open(partial_path(str(video)), 'wb') as f:
        f.write(b'not a video')
    generate_synthactions(str(other_seed), preset='tiny', seed=1, workers=1,
                          overrides=SMALLER, progress=False)
    assert video.read_bytes() == expected
    assert untouched.stat().st_mtime_ns == mtime
    assert not osp.exists(partial_path(str(video)))
    with pytest.raises(RuntimeError, match='other settings'):
        generate_synthactions(str(other_seed), preset='tiny', seed=2,
                              workers=1, overrides=SMALLER, progress=False)


@pytest.mark.parametrize('preset,num_classes', [('small', 10),
                                                ('standard', 10),
                                                ('standard', 12)])
def test_plans_cover_every_class_in_every_subset(preset, num_classes):
    cfg = get_preset(preset)
    videos = plan_untrimmed(0, cfg, num_classes)
    low, high = cfg['untrimmed']['duration']
    for subset, count in cfg['untrimmed']['counts'].items():
        chosen = [v for v in videos if v['subset'] == subset]
        assert len(chosen) == count
        labels = {i['label'] for v in chosen for i in v['instances']}
        assert labels == set(range(num_classes)), subset
    for v in videos:
        assert low <= v['duration'] <= high
        assert 1 <= len(v['instances']) <= 4
        prev_end = 0
        for inst in v['instances']:
            t0, t1 = inst['segment']
            assert 1.5 - 1e-9 <= t1 - t0 <= 20 + 1e-9
            assert inst['start_frame'] == round(t0 * FPS)
            assert inst['end_frame'] == round(t1 * FPS) <= v['num_frames']
            assert t0 >= prev_end
            prev_end = t1 + 1.5  # least background between instances
    clips = plan_trimmed(0, cfg, class_names(num_classes))
    for c in clips:
        # the clip lies inside its action
        assert c['action_start'] < 0 and c['action_end'] > c['num_frames']


def test_class_names():
    assert class_names(10) == [
        'bounce', 'circle', 'diagonal_sweep', 'figure_eight', 'jump',
        'pulse', 'shake', 'spin', 'zigzag', 'zoom'
    ]
    assert class_names(12) == sorted(class_names(10) + ['blink', 'sway'])
    assert MOTION_NAMES[12] == 'circle+zigzag'
    assert set(class_names(13)) == set(MOTION_NAMES[:13])
    many = class_names(MAX_CLASSES)
    assert len(set(many)) == MAX_CLASSES
    assert all(MOTION_NAMES[motion_id(n)] == n for n in many)
    with pytest.raises(ValueError):
        class_names(MAX_CLASSES + 1)


def changed_pixels(a, b):
    """Most pixels that differ by more than 25 levels in one frame."""
    return int((np.abs(a - b).max(-1) > 25).sum(axis=(1, 2)).max())


def test_motion_not_appearance_defines_the_class():
    """Same video generator, different motions: identical frames before the
    action (appearance does not depend on the class), a changed regime during
    it, and different motions for different classes (ids 0-11: the 12 base
    programs)."""
    height, width, n = 64, 86, 75
    key = [5, 5]
    plain = SynthVideo(np.random.default_rng(key), height, width, n, [])
    plain_frames = np.stack(list(plain.frames())).astype(np.float32)
    per_class = []
    for label in range(12):
        video = SynthVideo(np.random.default_rng(key), height, width, n,
                           [(30, 75, label)])
        frames = np.stack(list(video.frames())).astype(np.float32)
        np.testing.assert_array_equal(frames[:30], plain_frames[:30])
        np.testing.assert_array_equal(video.actor['colors'],
                                      plain.actor['colors'])
        assert changed_pixels(frames[40:], plain_frames[40:]) > 40, label
        per_class.append(frames[40:])
    for a in range(12):
        for b in range(a):
            assert changed_pixels(per_class[a], per_class[b]) > 40, (a, b)


def test_write_video_read_by_decord(tmp_path):
    """decord reads what PyAV wrote: count, size, fps and pixel values."""
    t, height, width = 45, 48, 66
    yy, xx = np.mgrid[0:height, 0:width]
    frames = np.zeros((t, height, width, 3), np.uint8)
    for i in range(t):
        frames[i, ..., 0] = (xx * 255 // (width - 1))
        frames[i, ..., 1] = (yy * 255 // (height - 1))
        frames[i, ..., 2] = 40 + 4 * i
        frames[i, 10:26, 2 * i % 40:2 * i % 40 + 16] = (250, 250, 250)
    path = tmp_path / 'pattern.mp4'
    assert write_video(str(path), frames) == t
    assert count_frames(str(path)) == t
    reader = decord.VideoReader(str(path))
    assert len(reader) == t
    assert reader.get_avg_fps() == pytest.approx(30.0)
    decoded = reader.get_batch(list(range(t))).asnumpy()
    assert decoded.shape == frames.shape
    error = np.abs(decoded.astype(int) - frames)
    assert error.mean() < 3.0
    # the moving square is where it was drawn
    assert error[:, 12:24].mean() < 5.0
    # an odd width needs yuv444p, which decord also reads
    with pytest.raises(ValueError, match='even'):
        write_video(str(tmp_path / 'odd.mp4'), frames[:, :, :65])
    assert not osp.exists(tmp_path / 'odd.mp4')
    write_video(str(tmp_path / 'odd.mp4'), frames[:, :, :65],
                pix_fmt='yuv444p')
    odd = decode(tmp_path / 'odd.mp4')
    assert odd.shape == (t, height, 65, 3)
    assert np.abs(odd.astype(int) - frames[:, :, :65]).mean() < 3.0


def test_synthetic_video_roundtrip(tmp_path):
    """A SynthActions video decodes close to the frames that were drawn."""
    video = SynthVideo(np.random.default_rng(3), 64, 86, 40, [(10, 40, 0)])
    frames = np.stack(list(video.frames()))
    write_video(str(tmp_path / 'synth.mp4'), frames, crf=18)
    decoded = decode(tmp_path / 'synth.mp4')
    assert decoded.shape == frames.shape
    assert np.abs(decoded.astype(int) - frames).mean() < 6.0
