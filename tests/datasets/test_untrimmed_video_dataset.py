"""UntrimmedVideoDataset: segments, clip positions, labels, GVF, errors.

Hand-built example (default clip: 16 frames x 2 at 30 fps = 16/15 s):

    10 s video 'vid', actions [1, 3] 'A', [2.5, 5] 'B', [9.5, 12] 'A'
    foreground kept:  [1, 3] (A), [2.5, 5] (B); [9.5, 12] -> [9.5, 10] is
                      0.5 s, shorter than one clip: dropped
    background kept:  [5, 9.5]; the gap [0, 1] is shorter than one clip
    segments:         0: [1, 3]  1: [2.5, 5]  2: [5, 9.5]   (fg first)
    samples:          3 segments x 5 clips = 15

Clip start = t_start + u * (t_end - t_start - 16/15):

    segment [1, 3]:   span 2 - 16/15 = 14/15
    segment [2.5, 5]: span 2.5 - 16/15 = 43/30
    segment [5, 9.5]: span 4.5 - 16/15 = 103/30
    test mode, u = 0, 1/4, 1/2, 3/4, 1:
      [1, 3]:   1, 1.2333.., 1.4666.., 1.7, 1.9333..
      [2.5, 5]: 2.5, 2.8583.., 3.2166.., 3.575, 3.9333..
      [5, 9.5]: 5, 5.8583.., 6.7166.., 7.575, 8.4333..
"""
import json
import logging
import pickle
from pathlib import Path

import numpy as np
import pytest

from mmengine.logging import MMLogger

from tsptools.datasets.untrimmed_video_dataset import UntrimmedVideoDataset
from tsptools.registry import DATASETS
from tests.conftest import segment_row, write_segment_csv

OFFICIAL = Path(
    __file__).parents[2].parent / 'shared' / 'data' / 'tsp_official'
CLIP = 16 / 15
ACTIONS = [(1.0, 3.0, 'A'), (2.5, 5.0, 'B'), (9.5, 12.0, 'A')]
TEST_STARTS = [
    [1.0, 1 + 14 / 60, 1 + 14 / 30, 1 + 14 / 20, 3 - CLIP],
    [2.5, 2.5 + 43 / 120, 2.5 + 43 / 60, 2.5 + 43 / 40, 5 - CLIP],
    [5.0, 5 + 103 / 120, 5 + 103 / 60, 5 + 103 / 40, 9.5 - CLIP],
]
SEGMENTS = [[1.0, 3.0], [2.5, 5.0], [5.0, 9.5]]


class _Lines(logging.Handler):

    def __init__(self):
        super().__init__()
        self.lines = []

    def emit(self, record):
        self.lines.append(record.getMessage())


@pytest.fixture
def log_lines():
    """Messages logged through ``print_log(..., logger='current')``."""
    logger = MMLogger.get_current_instance()
    handler = _Lines()
    logger.addHandler(handler)
    yield handler.lines
    logger.removeHandler(handler)


def _json(tmp_path, database=None, name='ann.json'):
    if database is None:
        database = dict(
            vid=dict(
                subset='training',
                duration=10.0,
                fps=30,
                annotations=[
                    dict(segment=[a, b], label=label)
                    for a, b, label in ACTIONS
                ]))
    path = tmp_path / name
    path.write_text(json.dumps(dict(database=database)))
    return str(path)


def _dataset(tmp_path, **kwargs):
    kwargs.setdefault('ann_file', _json(tmp_path))
    kwargs.setdefault('data_prefix', dict(video='/data/videos'))
    return UntrimmedVideoDataset(**kwargs)


def test_registered():
    assert DATASETS.get('UntrimmedVideoDataset') is UntrimmedVideoDataset


def test_segments_and_test_mode_clips(tmp_path):
    ds = _dataset(tmp_path, test_mode=True)
    assert len(ds) == 15
    assert ds.metainfo['classes'] == ('A', 'B')
    assert ds.metainfo['region_classes'] == ('Action', 'No action')
    for idx in range(15):
        seg, k = divmod(idx, 5)
        info = ds[idx]  # pipeline=[]: the data info itself
        assert info['segment'] == SEGMENTS[seg]
        assert info['clip_index'] == k
        assert info['segment_index'] == seg
        assert info['sample_idx'] == idx
        assert info['clip_start'] == pytest.approx(TEST_STARTS[seg][k])
        assert info['action_label'] == [0, 1, -1][seg]
        assert info['region_label'] == [0, 0, 1][seg]
        assert info['filename'] == '/data/videos/vid.mp4'
        assert info['video_name'] == 'vid'
        assert (info['fps'], info['total_frames'],
                info['duration']) == (30.0, 300, 10.0)
        assert 'gvf' not in info
    # the epoch does not move test-mode clips
    ds.set_epoch(3)
    assert ds[7]['clip_start'] == pytest.approx(TEST_STARTS[1][2])
    # negative indices, range
    assert ds[-1]['clip_start'] == pytest.approx(TEST_STARTS[2][4])
    with pytest.raises(IndexError):
        ds.get_data_info(15)


def test_training_clips_reproducible(tmp_path):
    ds = _dataset(tmp_path)
    spans = [b - a - CLIP for a, b in SEGMENTS]
    starts = []
    for idx in range(len(ds)):
        seg = idx // 5
        u = np.random.default_rng([0, 0, idx]).random()
        info = ds.get_data_info(idx)
        assert info['clip_start'] == pytest.approx(SEGMENTS[seg][0] +
                                                   u * spans[seg])
        t_start, t_end = SEGMENTS[seg]
        assert t_start <= info['clip_start'] <= t_end - CLIP
        starts.append(info['clip_start'])
    # same seed, epoch and idx: same clip, in another instance ("rank") and
    # in a pickled copy ("worker")
    other = _dataset(tmp_path)
    copy = pickle.loads(pickle.dumps(ds))
    assert [other[i]['clip_start'] for i in range(15)] == starts
    assert [copy[i]['clip_start'] for i in range(15)] == starts
    # another epoch or seed: other clips
    ds.set_epoch(1)
    epoch1 = [ds[i]['clip_start'] for i in range(15)]
    assert all(a != b for a, b in zip(starts, epoch1))
    u = np.random.default_rng([0, 1, 4]).random()
    assert epoch1[4] == pytest.approx(1 + u * spans[0])
    seeded = _dataset(tmp_path, seed=7)
    assert all(seeded[i]['clip_start'] != starts[i] for i in range(15))


def test_training_clips_in_dataloader_workers(tmp_path):
    torch = pytest.importorskip('torch')
    ds = _dataset(tmp_path)
    ds.set_epoch(2)
    expected = [ds[i]['clip_start'] for i in range(len(ds))]
    loader = torch.utils.data.DataLoader(
        ds, batch_size=3, num_workers=2, collate_fn=lambda batch: batch)
    got = [info['clip_start'] for batch in loader for info in batch]
    assert got == expected


def test_data_info_is_a_new_dict(tmp_path):
    ds = _dataset(tmp_path, serialize_data=False)
    info = ds.get_data_info(0)
    info['segment'][0] = 99.0
    info['clip_start'] = -1
    assert ds.get_data_info(0)['segment'] == [1.0, 3.0]
    assert ds.get_data_info(0) is not ds.get_data_info(0)


def test_min_background_and_clip_options(tmp_path):
    # 0.5 s: the gap [0, 1] passes min_background but is shorter than one
    # clip, so it is still dropped
    ds = _dataset(tmp_path, min_background=0.5)
    assert len(ds) == 15
    # 5 s: no background left ([5, 9.5] is 4.5 s)
    ds = _dataset(tmp_path, min_background=5.0)
    assert len(ds) == 10
    assert {ds[i]['action_label'] for i in range(10)} == {0, 1}
    # 4 frames x 5 at 10 fps = 2 s clips and 3 clips per segment: segments
    # [1, 3], [2.5, 5], [5, 9.5] (>= 2 s); [0, 1] and [9.5, 10] too short.
    # test mode, u = 0, 1/2, 1 on [5, 9.5] (span 2.5): 5, 6.25, 7.5
    database = dict(
        vid=dict(
            duration=10.0,
            fps=10,
            annotations=[dict(segment=[a, b], label=l)
                         for a, b, l in ACTIONS]))
    ds = _dataset(
        tmp_path,
        ann_file=_json(tmp_path, database, 'fps10.json'),
        clip_len=4,
        frame_interval=5,
        clips_per_segment=3,
        test_mode=True)
    assert len(ds) == 9
    assert [ds[i]['clip_start'] for i in range(6, 9)] == [5.0, 6.25, 7.5]
    assert ds[0]['total_frames'] == 100


def test_region_mapping_paper_convention(tmp_path):
    # The paper writes y^r = 1 for foreground: reverse the mapping.
    ds = _dataset(tmp_path, region_label_mapping=['No action', 'Action'])
    assert [ds[i]['region_label'] for i in (0, 5, 10)] == [1, 1, 0]
    with pytest.raises(
            ValueError,
            match=r"temporal region 'Action' is not "
            'in the region mapping'):
        _dataset(tmp_path, region_label_mapping=['fg', 'bg'])


def test_csv_input_and_label_mapping(tmp_path):
    rows = [
        segment_row('v1', 1.0, 3.0, 'B'),
        segment_row('v1', 2.5, 5.0, 'A'),
        segment_row('v1', 5.0, 9.5, ''),
        segment_row('v1', 0.0, 0.5, ''),  # shorter than one clip
        segment_row('v2', 0.5, 30.0, 'B', 20.0),  # clipped to [0.5, 20]
        segment_row('v2', 25.0, 30.0, 'A', 20.0),  # outside the video
    ]
    mapping = tmp_path / 'classes.json'
    mapping.write_text('["B", "A"]')
    ds = _dataset(
        tmp_path,
        ann_file=write_segment_csv(tmp_path, rows),
        action_label_mapping=str(mapping),
        test_mode=True)
    assert len(ds) == 4 * 5
    assert [ds[i * 5]['segment'] for i in range(4)] == [[1.0, 3.0], [2.5, 5.0],
                                                        [5.0, 9.5],
                                                        [0.5, 20.0]]
    assert [ds[i * 5]['action_label'] for i in range(4)] == [0, 1, -1, 0]
    assert ds[19]['clip_start'] == pytest.approx(20.0 - CLIP)
    assert ds[15]['filename'] == '/data/videos/v2.mp4'
    assert ds[15]['total_frames'] == 600
    # without a mapping: sorted names found in the file
    ds = _dataset(tmp_path, ann_file=write_segment_csv(tmp_path, rows))
    assert ds.metainfo['classes'] == ('A', 'B')
    assert ds[0]['action_label'] == 1


def test_unknown_label_is_an_error(tmp_path):
    mapping = tmp_path / 'classes.json'
    mapping.write_text('["A"]')
    rows = [segment_row('v1', 1.0, 3.0, 'A'), segment_row('v1', 4.0, 9.0, 'Zumba')]
    csv_file = write_segment_csv(tmp_path, rows, 'zumba.csv')
    with pytest.raises(
            ValueError,
            match=r"zumba\.csv \(zumba\.csv, line 3\):"
            r" action label 'Zumba' is not in .*classes\.json"):
        _dataset(
            tmp_path, ann_file=csv_file, action_label_mapping=str(mapping))
    with pytest.raises(
            ValueError,
            match=r"ann\.json.*video 'vid'.*action "
            r"label 'B' is not in"):
        _dataset(tmp_path, action_label_mapping=str(mapping))


def test_json_subset_metadata_and_fps(tmp_path, log_lines):
    database = dict(
        a=dict(
            subset='training',
            duration=12.0,
            annotations=[dict(segment=[2, 6], label='A')]),
        b=dict(
            subset='validation',
            duration=8.0,
            annotations=[dict(segment=[0, 4], label='A')]))
    ann = _json(tmp_path, database, 'sub.json')
    ds = _dataset(tmp_path, ann_file=ann, subset='validation', test_mode=True)
    # b: [0, 4] and background [4, 8]
    assert [ds[i]['segment'] for i in (0, 5)] == [[0.0, 4.0], [4.0, 8.0]]
    assert ds[0]['fps'] == 30.0  # default, with a warning
    assert any('assuming 30 fps' in line for line in log_lines)
    meta = tmp_path / 'meta.csv'
    meta.write_text('filename,video-duration,fps,video-frames\n'
                    'v_a.mp4,11.0,25,275\n')
    ds = _dataset(
        tmp_path,
        ann_file=ann,
        metadata_file=str(meta),
        filename_tmpl='v_{}.mp4',
        test_mode=True)
    assert any('1 videos of' in line and 'are skipped (e.g. b)' in line
               for line in log_lines)
    # b is not in the metadata: skipped; a: [2, 6], gaps [0, 2] and [6, 11]
    assert [ds[i]['segment'] for i in (0, 5, 10)] == [[2.0, 6.0], [0.0, 2.0],
                                                      [6.0, 11.0]]
    assert (ds[0]['fps'], ds[0]['total_frames'],
            ds[0]['duration']) == (25.0, 275, 11.0)
    assert ds[0]['filename'] == '/data/videos/v_a.mp4'
    ds = _dataset(tmp_path, ann_file=ann, fps=15, subset=['training'])
    assert ds[0]['fps'] == 15.0 and ds[0]['total_frames'] == 180
    with pytest.raises(ValueError, match="no video in subset 'testing'"):
        _dataset(tmp_path, ann_file=ann, subset='testing')


def test_segment_is_foreground(tmp_path):
    # balancing them is BalancedSegmentSampler's job
    # (tests/datasets/samplers/test_balanced_segment_sampler.py)
    rows = [
        segment_row('v', 0.0, 2.0, 'A'),
        segment_row('v', 6.0, 10.0, ''),
        segment_row('v', 2.0, 4.0, 'A'),
    ]
    ds = _dataset(tmp_path, ann_file=write_segment_csv(tmp_path, rows))
    assert ds.segment_is_foreground().tolist() == [True, False, True]
    assert len(ds) == 15  # every segment, no balancing
    with pytest.raises(TypeError, match='balance'):
        _dataset(tmp_path, ann_file=write_segment_csv(tmp_path, rows), balance='over')


def test_gvf_npz_and_h5(tmp_path):
    rows = [segment_row('v1', 1.0, 3.0, 'A'), segment_row('v2', 0.0, 4.0, '', 4.0)]
    ann = write_segment_csv(tmp_path, rows)
    feats = dict(v1=np.arange(4, dtype=np.float64), v2=np.ones((1, 4)))
    npz = tmp_path / 'gvf.npz'
    np.savez(npz, **feats)
    ds = _dataset(tmp_path, ann_file=ann, gvf_file=str(npz))
    assert ds[0]['gvf'].dtype == np.float32
    np.testing.assert_array_equal(ds[0]['gvf'], [0, 1, 2, 3])
    np.testing.assert_array_equal(ds[5]['gvf'], [1, 1, 1, 1])
    ds[0]['gvf'][0] = 5  # a copy per sample
    assert ds[0]['gvf'][0] == 0
    h5py = pytest.importorskip('h5py')
    h5 = tmp_path / 'gvf.h5'
    with h5py.File(h5, 'w') as f:
        # keyed by file stem, as the official GVF files
        f['v1'] = np.full(3, 2.0)
        f['v2'] = np.full(3, 3.0)
    ds = _dataset(tmp_path, ann_file=ann, gvf_file=str(h5))
    np.testing.assert_array_equal(ds[9]['gvf'], [3, 3, 3])
    # reload (e.g. after recomputing the GVFs)
    ds.load_gvf(str(npz))
    np.testing.assert_array_equal(ds[0]['gvf'], [0, 1, 2, 3])


def test_gvf_missing_video(tmp_path):
    rows = [segment_row('v1', 1.0, 3.0, 'A'), segment_row('v2', 0.0, 4.0, '', 4.0)]
    ann = write_segment_csv(tmp_path, rows)
    npz = tmp_path / 'partial.npz'
    np.savez(npz, v1=np.zeros(4))
    with pytest.raises(
            ValueError,
            match=r"partial\.npz: no global video "
            r"feature for video 'v2' \(1 of 2"):
        _dataset(tmp_path, ann_file=ann, gvf_file=str(npz))
    clips = tmp_path / 'clips.npz'
    np.savez(clips, v1=np.zeros((7, 4)), v2=np.zeros((7, 4)))
    with pytest.raises(ValueError, match=r"shape \(7, 4\)"):
        _dataset(tmp_path, ann_file=ann, gvf_file=str(clips))


def test_start_up_log(tmp_path, log_lines):
    _dataset(tmp_path)
    out = '\n'.join(log_lines)
    assert ('ann.json: 1 videos, 2 fg segments, 1 bg segments, 3 segments x '
            '5 clips = 15 samples (train mode)') in out
    assert ('dropped 1 of 4 segments: 1 fg + 0 bg shorter than one clip '
            '(16x2 frames, 1.067 s at 30 fps), 0 fg + 0 bg outside the '
            'video') in out


OFFICIAL_FILES = [
    # file, action mapping, segments kept, (fg, bg)
    ('activitynet_v1-3_train', 'activitynet_v1-3', 31187, (15231, 15956)),
    ('activitynet_v1-3_valid', 'activitynet_v1-3', 15305, (7558, 7747)),
    ('thumos14_valid', 'thumos14', 4794, (2617, 2177)),
    ('thumos14_test', 'thumos14', 5568, (3018, 2550)),
]


@pytest.mark.skipif(
    not OFFICIAL.is_dir(),
    reason=f'official TSP files not found in {OFFICIAL}')
@pytest.mark.parametrize('name,prefix,segments,groups', OFFICIAL_FILES)
def test_official_csv_loads(name, prefix, segments, groups, log_lines):
    ds = UntrimmedVideoDataset(
        ann_file=str(OFFICIAL / f'{name}_tsp_groundtruth.csv'),
        data_prefix=dict(video='videos'),
        action_label_mapping=str(OFFICIAL /
                                 f'{prefix}_action_label_mapping.json'),
        region_label_mapping=str(
            OFFICIAL / f'{prefix}_temporal_region_label_mapping.json'),
        test_mode=True)
    assert len(ds) == segments * 5
    out = '\n'.join(log_lines)
    assert f'{groups[0]} fg segments, {groups[1]} bg segments' in out
    assert f'= {segments * 5} samples' in out
    first = ds[0]
    assert first['region_label'] == 0 and first['action_label'] >= 0
    last = ds[len(ds) - 1]
    assert last['region_label'] == 1 and last['action_label'] == -1
    assert first['filename'].startswith('videos/')


def test_json_options_ignored_for_csv(tmp_path, log_lines):
    ann = write_segment_csv(tmp_path, [segment_row('v', 1.0, 3.0, 'A')])
    ds = _dataset(tmp_path, ann_file=ann, subset='training', fps=25)
    assert len(ds) == 5 and ds[0]['fps'] == 30.0
    assert any('subset, fps only apply to JSON annotations' in line
               for line in log_lines)


def test_regions_keep_only_foreground_for_tac_on_target(tmp_path):
    ds = _dataset(tmp_path, test_mode=True, regions=('Action', ))
    # the two action segments [1,3] and [2.5,5]; the gap [5, 9.5] is gone
    assert len(ds) == 10
    assert {ds[i]['region_label'] for i in range(10)} == {0}
    assert [ds[i]['action_label'] for i in (0, 5)] == [0, 1]
    with pytest.raises(ValueError, match="'Background'"):
        _dataset(tmp_path, regions=('Background', ))
