"""tsptools.core.annotations: the one reader of ActivityNet JSON and TSP CSV
files (hand-written files), its strictness parameters and its errors."""
import gzip
import json

import numpy as np
import pytest

from tsptools.core import annotations as an

DB = {
    'version': '1.3',
    'database': {
        'v1': {
            'subset': 'training', 'duration': 10.0, 'fps': 30.0,
            'num_frames': 300,
            'annotations': [{'segment': [1, 2.5], 'label': 'jump'},
                            {'segment': ['3', 9], 'label': ' run '}]
        },
        'v2': {'subset': 'validation', 'duration': 4, 'annotations': []},
    }
}


def write(tmp_path, obj, name='ann.json', compress=False):
    path = tmp_path / name
    data = json.dumps(obj).encode()
    path.write_bytes(gzip.compress(data) if compress else data)
    return str(path)


def one(segment=(1, 2), label='a', duration=10.0, **entry):
    return {'database': {'vid': dict(
        subset='training', duration=duration,
        annotations=[dict(segment=list(segment), label=label)], **entry)}}


@pytest.mark.parametrize('compress', [False, True])
def test_records_and_round_trip(tmp_path, compress):
    videos = an.read_activitynet_json(write(tmp_path, DB, compress=compress))
    v1, v2 = videos
    assert (v1.name, v1.subset, v1.duration, v1.fps, v1.num_frames) == \
        ('v1', 'training', 10.0, 30.0, 300)
    assert v1.segments.dtype == np.float64
    np.testing.assert_array_equal(v1.segments, [[1, 2.5], [3, 9]])
    assert v1.labels == ['jump', 'run']
    assert v2.segments.shape == (0, 2) and v2.labels == []
    back = an.read_activitynet_json(
        write(tmp_path, an.to_database(videos), 'back.json'))
    for a, b in zip(videos, back):
        assert (a.name, a.subset, a.duration, a.fps, a.num_frames,
                a.labels) == (b.name, b.subset, b.duration, b.fps,
                              b.num_frames, b.labels)
        np.testing.assert_array_equal(a.segments, b.segments)
    only = an.read_activitynet_json(DB, subset='validation')
    assert [v.name for v in only] == ['v2']


@pytest.mark.parametrize('data, message', [
    (one(segment=(5, 4)), 'segment ends before it starts'),
    (one(segment=(1, )), r'"segment" must be \[start, end\]'),
    (one(segment=(1, 'x')), r'"segment" must be \[start, end\]'),
    (one(segment=(1, float('inf'))), r'segment \[1, inf\] is not finite'),
    (one(label=''), 'missing or empty "label"'),
    (one(label=3), 'missing or empty "label"'),
    (one(segment=(1, 20)), r'segment \[1.0, 20.0\] is outside the video'),
])
def test_errors_name_file_video_and_index(tmp_path, data, message):
    # a second, valid annotation first: the index in the message is 1
    entry = data['database']['vid']
    entry['annotations'].insert(0, dict(segment=[0, 1], label='ok'))
    path = write(tmp_path, data, 'bad.json')
    with pytest.raises(an.AnnotationError,
                       match=r"bad\.json, video 'vid', annotation 1: " +
                       message):
        an.read_activitynet_json(path, out_of_video='error')


def test_video_level_errors(tmp_path):
    path = write(tmp_path, one(duration=-1), 'neg.json')
    with pytest.raises(an.AnnotationError,
                       match=r"neg\.json, video 'vid': \"duration\" must be "
                       'a number > 0'):
        an.read_activitynet_json(path)
    data = one()
    del data['database']['vid']['duration']
    path = write(tmp_path, data, 'nodur.json')
    with pytest.raises(an.AnnotationError, match=r"nodur\.json, video 'vid': "
                       'missing key "duration"'):
        an.read_activitynet_json(path, require_duration=True)
    assert an.read_activitynet_json(path)[0].duration is None
    with pytest.raises(an.AnnotationError, match='missing top-level key'):
        an.read_activitynet_json({'results': {}})
    with pytest.raises(an.AnnotationError, match=r'"annotations" must be'):
        an.read_activitynet_json({'database': {'v': {'annotations': {}}}})
    with pytest.raises(OSError, match='cannot read'):
        an.read_activitynet_json(str(tmp_path / 'missing.json'))
    (tmp_path / 'broken.json').write_text('{"database": ')
    with pytest.raises(an.AnnotationError, match='not valid JSON'):
        an.read_activitynet_json(str(tmp_path / 'broken.json'))


def test_out_of_video_clip_and_error():
    data = one(segment=(-0.5, 12))
    data['database']['vid']['annotations'] += [
        dict(segment=[10.5, 11], label='b'),  # nothing left: dropped
        dict(segment=[9.9995, 10.0005], label='c')  # within the tolerance
    ]
    with pytest.raises(an.AnnotationError,
                       match="video 'vid', annotation 0: segment "
                       r'\[-0.5, 12.0\] is outside the video \[0, 10.0\]'):
        an.read_activitynet_json(data, out_of_video='error', tolerance=1e-3)
    video, = an.read_activitynet_json(data, out_of_video='clip')
    np.testing.assert_array_equal(video.segments, [[0, 10], [9.9995, 10]])
    assert video.labels == ['a', 'c']
    kept, = an.read_activitynet_json(data)  # 'keep'
    assert len(kept.segments) == 3 and kept.segments[0, 1] == 12
    # within the tolerance, 'error' clips too
    inside = one(segment=(9.9995, 10.0005))
    video, = an.read_activitynet_json(inside, out_of_video='error',
                                      tolerance=1e-3)
    np.testing.assert_array_equal(video.segments, [[9.9995, 10]])


def test_label_modes_and_unknown_labels():
    with pytest.raises(an.AnnotationError,
                       match=r"annotation 0: unknown label 'a' \(not in "
                       r'classes\.json, 2 classes\)'):
        an.read_activitynet_json(one(), classes={'x': 0, 'y': 1},
                                 classes_source='classes.json')
    no_label = one()
    del no_label['database']['vid']['annotations'][0]['label']
    with pytest.raises(an.AnnotationError, match='missing key "label"'):
        an.read_activitynet_json(no_label, labels='str_or_int')
    assert an.read_activitynet_json(no_label, labels='raw')[0].labels == \
        [None]
    assert an.read_activitynet_json(no_label, labels='coerce')[0].labels == \
        ['None']
    assert an.read_activitynet_json(one(label=7),
                                    labels='str_or_int')[0].labels == [7]
    with pytest.raises(an.AnnotationError, match='string or an integer'):
        an.read_activitynet_json(one(label=True), labels='str_or_int')


def test_strictness_parameters():
    empty = one(segment=(2, 2))
    assert len(an.read_activitynet_json(empty)[0].segments) == 1
    with pytest.raises(an.AnnotationError, match='annotation 0: segment '
                       r'\[2.0, 2.0\] is empty'):
        an.read_activitynet_json(empty, allow_empty_segments=False)
    zero = one(duration=0)
    with pytest.raises(an.AnnotationError, match='> 0'):
        an.read_activitynet_json(zero)
    assert an.read_activitynet_json(
        zero, positive_duration=False)[0].duration == 0
    nosub = {'database': {'v': {'annotations': []}}}
    with pytest.raises(an.AnnotationError, match='missing key "subset"'):
        an.read_activitynet_json(nosub, require_subset=True)
    second = {'database': {'v': {'duration_second': 3.5, 'annotations': []}}}
    assert an.read_activitynet_json(
        second, duration_keys=('duration', 'duration_second'))[0].duration \
        == 3.5
    bare = {'v': {'duration': 1, 'annotations': []}}
    assert an.read_activitynet_json(bare, allow_bare=True)[0].name == 'v'
    # the evaluation readers' JSON-path wording
    with pytest.raises(an.AnnotationError,
                       match=r'f\.json: database\["vid"\]\["annotations"\]'
                       r'\[0\]: segment end 4.0 < start 5.0'):
        an.read_activitynet_json(
            one(segment=(5, 4)), name='f.json',
            where=an.JSON_VIDEO_WHERE, ann_where=an.JSON_ANNOTATION_WHERE,
            messages=dict(order='segment end {end} < start {start}'))


HEADER = ','.join(an.CSV_COLUMNS) + '\n'


def test_tsp_csv_records_and_videos(tmp_path):
    path = tmp_path / 'gt.csv'
    path.write_text(HEADER +
                    'v1,1.0,2.0,jump,10.0,v1.mp4,30.0,300,Action\n'
                    'v1,2.0,10.0,,10.0,v1.mp4,30.0,300,No action\n'
                    'v2,0.0,4.0,,4.0,v2.mp4,25.0,100,No action\n')
    records = an.read_tsp_csv(str(path))
    assert [r['source'] for r in records] == [
        'gt.csv, line 2', 'gt.csv, line 3', 'gt.csv, line 4']
    videos = an.csv_videos(records)
    assert list(videos) == ['v1', 'v2']
    v1, v2 = videos.values()
    np.testing.assert_array_equal(v1.segments, [[1, 2]])
    assert (v1.labels, v1.duration, v1.fps, v1.num_frames, v1.filename) == \
        (['jump'], 10.0, 30.0, 300, 'v1.mp4')
    assert v2.segments.shape == (0, 2) and v2.fps == 25.0


@pytest.mark.parametrize('row, message', [
    ('v1,3.0,2.0,a,10.0,v1.mp4,30.0,300,Action',
     'line 2: segment ends before it starts'),
    ('v1,x,2.0,a,10.0,v1.mp4,30.0,300,Action', 'line 2: t-start is not a'),
    ('v1,1.0,2.0,a,0,v1.mp4,30.0,300,Action',
     'line 2: video-duration must be > 0'),
    ('v1,1.0,2.0,a,10.0,v1.mp4,30.0,3.5,Action',
     'line 2: video-frames is not an integer'),
])
def test_tsp_csv_errors_name_file_and_line(tmp_path, row, message):
    path = tmp_path / 'bad.csv'
    path.write_text(HEADER + row + '\n')
    with pytest.raises(an.AnnotationError, match=r'bad\.csv, ' + message):
        an.read_tsp_csv(str(path))
