"""Segment rule, readers and writer of ``tsptools.datasets.tsp_segments``.

Hand-built example used throughout (default clip: 16 frames every 2nd frame
at 30 fps = 32/30 = 16/15 s ~ 1.0667 s):

    10 s video, actions [1, 3] 'A', [2.5, 5] 'B', [9.5, 12] 'A'
    clipped to [0, 10]:          [1, 3], [2.5, 5], [9.5, 10]
    union:                       [1, 5], [9.5, 10]
    gaps of the union in [0,10]: [0, 1] (1.0 s), [5, 9.5] (4.5 s)
    min_background = one clip:   [0, 1] is dropped (1.0 < 1.0667)
"""
import json

import pytest

from tsptools.datasets.tsp_segments import (
    BACKGROUND, CSV_COLUMNS, FOREGROUND, background_segments, clip_duration,
    clip_segment, filter_segments, load_label_mapping, make_segments,
    read_activitynet_json, read_metadata_csv, read_tsp_csv, write_tsp_csv)

ACTIONS = [(1.0, 3.0, 'A'), (2.5, 5.0, 'B'), (9.5, 12.0, 'A')]
CLIP = 16 / 15


def _video(name='vid', duration=10.0, actions=ACTIONS, fps=30.0):
    return dict(
        video_name=name,
        filename=f'{name}.mp4',
        duration=duration,
        fps=fps,
        total_frames=int(round(duration * fps)),
        annotations=list(actions))


def _pairs(records):
    return [(r['t_start'], r['t_end']) for r in records]


# --------------------------------------------------------------------------
# background_segments (contract kept for other callers)
# --------------------------------------------------------------------------


def test_background_segments_example():
    actions = [a[:2] for a in ACTIONS]
    assert background_segments(actions, 10) == [(0.0, 1.0), (5.0, 9.5)]
    # gaps strictly shorter than min_background are dropped
    assert background_segments(actions, 10, CLIP) == [(5.0, 9.5)]
    # a gap exactly min_background long is kept
    assert background_segments(actions, 10, 1.0) == [(0.0, 1.0), (5.0, 9.5)]
    assert background_segments(actions, 10, 4.6) == []


def test_background_segments_edge_cases():
    assert background_segments([], 7.5) == [(0.0, 7.5)]
    assert background_segments([(-1, 20)], 10) == []
    # unsorted, nested and touching actions merge; outside ones are ignored
    actions = [(6, 8), (2, 4), (2.5, 3), (4, 5), (11, 12), (-3, -1)]
    assert background_segments(actions, 10) == [(0.0, 2.0), (5.0, 6.0),
                                                (8.0, 10.0)]
    assert clip_segment((-1, 12), 10) == (0.0, 10.0)


def test_clip_duration():
    assert clip_duration(16, 2, 30) == pytest.approx(16 / 15)
    assert clip_duration(4, 5, 10) == 2.0


# --------------------------------------------------------------------------
# make_segments / filter_segments
# --------------------------------------------------------------------------


def test_make_segments_example():
    records, stats = make_segments([_video()])
    # actions as annotated (not clipped), then the background gaps
    assert _pairs(records) == [(1.0, 3.0), (2.5, 5.0), (9.5, 12.0), (5.0, 9.5)]
    assert [r['label'] for r in records] == ['A', 'B', 'A', '']
    assert [r['region'] for r in records] == [FOREGROUND] * 3 + [BACKGROUND]
    assert stats == dict(
        videos=1,
        foreground=3,
        background=1,
        short_gaps=1,
        videos_without_actions=0)
    # min_background in seconds: 0.5 keeps [0, 1]; 5 drops both gaps
    records, stats = make_segments([_video()], min_background=0.5)
    assert _pairs(records)[3:] == [(0.0, 1.0), (5.0, 9.5)]
    records, stats = make_segments([_video()], min_background=5)
    assert [r['label'] for r in records] == ['A', 'B', 'A']
    assert stats['short_gaps'] == 2


def test_make_segments_order():
    # All foreground rows first (video order), then all background rows.
    # v2 (4 s, action [1, 2.5]): gaps [0, 1] (1.0 s < one clip, dropped) and
    # [2.5, 4] (1.5 s, kept).
    videos = [_video('v1'), _video('v2', 4.0, [(1.0, 2.5, 'B')])]
    records, stats = make_segments(videos)
    assert [(r['video_name'], r['label']) for r in records] == [('v1', 'A'),
                                                                ('v1', 'B'),
                                                                ('v1', 'A'),
                                                                ('v2', 'B'),
                                                                ('v1', ''),
                                                                ('v2', '')]
    assert _pairs(records)[4:] == [(5.0, 9.5), (2.5, 4.0)]
    assert stats['short_gaps'] == 2


def test_make_segments_per_video_fps():
    # At 10 fps one clip of 16x2 frames is 3.2 s: the 3 s gap [0, 3] is
    # dropped, the 3.5 s gap [4.5, 8] is kept.
    video = _video(duration=8.0, actions=[(3.0, 4.5, 'A')], fps=10.0)
    records, stats = make_segments([video])
    assert _pairs(records) == [(3.0, 4.5), (4.5, 8.0)]
    assert stats['short_gaps'] == 1
    # a video without actions is one background segment
    records, stats = make_segments([_video('empty', 3.0, [])])
    assert _pairs(records) == [(0.0, 3.0)]
    assert stats['videos_without_actions'] == 1


def test_filter_segments_example():
    records, _ = make_segments([_video(actions=ACTIONS + [(11, 12, 'B')])])
    kept, stats = filter_segments(records)
    # [9.5, 12] -> [9.5, 10] is 0.5 s < one clip: dropped;
    # [11, 12] lies after the video's end: dropped as outside
    assert _pairs(kept) == [(1.0, 3.0), (2.5, 5.0), (5.0, 9.5)]
    assert stats == dict(
        foreground=2,
        background=1,
        clipped=0,
        short_foreground=1,
        short_background=0,
        outside_foreground=1,
        outside_background=0,
        min_background=0,
        videos=1,
        videos_total=1)
    # records are copied, not modified
    assert records[2]['t_end'] == 12.0


def test_filter_segments_clipping_and_min_background():
    video = _video(actions=[(-2.0, 3.0, 'A'), (8.0, 11.0, 'B')])
    records, _ = make_segments([video], min_background=0)
    # background: [3, 8]
    kept, stats = filter_segments(records, min_background=6.0)
    assert _pairs(kept) == [(0.0, 3.0), (8.0, 10.0)]
    assert stats['clipped'] == 2
    assert stats['min_background'] == 1
    # a segment exactly one clip long is kept (float round-off tolerated)
    exact = dict(records[0], t_start=1.0, t_end=1.0 + CLIP - 1e-9)
    kept, stats = filter_segments([exact])
    assert len(kept) == 1
    # a smaller clip (4 frames x 5 at 30 fps = 2/3 s) keeps short segments
    short = dict(records[0], t_start=1.0, t_end=1.8)
    assert len(filter_segments([short])[0]) == 0
    assert len(filter_segments([short], clip_len=4, frame_interval=5)[0]) == 1


# --------------------------------------------------------------------------
# CSV reader / writer
# --------------------------------------------------------------------------


def test_write_read_roundtrip(tmp_path):
    records, _ = make_segments([_video(), _video('w', 3.3, [])])
    path = tmp_path / 'seg.csv'
    assert write_tsp_csv(str(path), records) == 5
    lines = path.read_text().splitlines()
    assert lines[0] == ','.join(CSV_COLUMNS)
    assert lines[1] == 'vid,1.0,3.0,A,10.0,vid.mp4,30.0,300,Action'
    assert lines[4] == 'vid,5.0,9.5,,10.0,vid.mp4,30.0,300,No action'
    assert lines[5] == 'w,0.0,3.3,,3.3,w.mp4,30.0,99,No action'
    back = read_tsp_csv(str(path))
    for a, b in zip(records, back):
        for key in ('video_name', 't_start', 't_end', 'label', 'duration',
                    'filename', 'fps', 'total_frames', 'region'):
            assert a[key] == b[key]
    assert back[0]['source'] == 'seg.csv, line 2'


def _write(path, text):
    path.write_text(text)
    return str(path)


HEADER = ','.join(CSV_COLUMNS) + '\n'


def test_read_tsp_csv_errors(tmp_path):
    bad = _write(tmp_path / 'cols.csv', 'video-name,t-start\nv,1\n')
    with pytest.raises(
            ValueError,
            match=r'cols\.csv: missing column\(s\) '
            r't-end, action-label'):
        read_tsp_csv(bad)
    bad = _write(
        tmp_path / 'order.csv', HEADER + 'v,1,3,A,10,v.mp4,30,300,Action\n'
        'v,5,4,A,10,v.mp4,30,300,Action\n')
    with pytest.raises(
            ValueError,
            match=r'order\.csv, line 3: segment ends '
            'before it starts'):
        read_tsp_csv(bad)
    bad = _write(tmp_path / 'num.csv',
                 HEADER + 'v,one,3,A,10,v.mp4,30,300,Action\n')
    with pytest.raises(
            ValueError,
            match=r'num\.csv, line 2: t-start is not '
            "a number: 'one'"):
        read_tsp_csv(bad)
    bad = _write(tmp_path / 'nan.csv',
                 HEADER + 'v,nan,3,A,10,v.mp4,30,300,Action\n')
    with pytest.raises(ValueError, match='not finite'):
        read_tsp_csv(bad)
    bad = _write(
        tmp_path / 'video.csv', HEADER + 'v,1,3,A,10,v.mp4,30,300,Action\n'
        'v,4,5,A,11,v.mp4,30,300,Action\n')
    with pytest.raises(ValueError, match=r'video\.csv, line 3: video .v. has'):
        read_tsp_csv(bad)
    with pytest.raises(ValueError, match='empty file'):
        read_tsp_csv(_write(tmp_path / 'empty.csv', ''))
    with pytest.raises(OSError, match='nothere.csv'):
        read_tsp_csv(str(tmp_path / 'nothere.csv'))
    binary = tmp_path / 'binary.csv'
    binary.write_bytes(b'\xff\xfe\x00\x81garbage')
    with pytest.raises(ValueError, match=r'binary\.csv: cannot read'):
        read_tsp_csv(str(binary))


def test_read_metadata_csv(tmp_path):
    path = _write(
        tmp_path / 'meta.csv', 'filename,video-duration,fps,'
        'video-frames\nv_a.mp4,12.5,30,375\n')
    assert read_metadata_csv(path) == {
        'v_a.mp4': dict(duration=12.5, fps=30.0, total_frames=375)
    }
    bad = _write(tmp_path / 'bad.csv', 'filename,fps\nv,30\n')
    with pytest.raises(ValueError, match='missing column'):
        read_metadata_csv(bad)


# --------------------------------------------------------------------------
# ActivityNet JSON reader
# --------------------------------------------------------------------------


def _anet(tmp_path, database, name='ann.json'):
    path = tmp_path / name
    path.write_text(json.dumps(dict(version='1.3', database=database)))
    return str(path)


def _entry(subset='training', duration=10.0, anns=(), **extra):
    return dict(
        subset=subset,
        duration=duration,
        annotations=[dict(segment=list(s), label=l) for *s, l in anns],
        **extra)


def test_read_activitynet_json(tmp_path):
    path = _anet(
        tmp_path,
        dict(
            a=_entry(anns=ACTIONS),
            b=_entry(
                'validation', 20.0, [(1, 2, 'C')], fps=25, num_frames=499),
            c=_entry(filename='sub/c.avi')))
    videos, info = read_activitynet_json(path, subset='training')
    assert [v['video_name'] for v in videos] == ['a', 'c']
    assert videos[0]['filename'] == 'a.mp4'
    assert videos[1]['filename'] == 'sub/c.avi'
    assert videos[0]['annotations'] == ACTIONS
    assert videos[0]['fps'] == 30.0 and videos[0]['total_frames'] == 300
    assert info['labels'] == ['A', 'B', 'C']  # all subsets, sorted
    assert info['subsets'] == ['training', 'validation']
    assert info['default_fps'] == ['a', 'c']
    videos, info = read_activitynet_json(
        path, subset=['validation'], filename_tmpl='v_{}.mp4', fps=15)
    assert videos[0]['filename'] == 'v_b.mp4'
    assert (videos[0]['fps'], videos[0]['total_frames']) == (25.0, 499)
    videos, info = read_activitynet_json(path, fps=15)
    assert [v['fps'] for v in videos] == [15.0, 25.0, 15.0]
    assert info['default_fps'] == []


def test_read_activitynet_json_metadata(tmp_path):
    path = _anet(tmp_path, dict(a=_entry(anns=ACTIONS), b=_entry()))
    meta = dict({'v_a.mp4': dict(duration=9.9, fps=30.0, total_frames=297)})
    videos, info = read_activitynet_json(
        path, metadata=meta, filename_tmpl='v_{}.mp4')
    assert [(v['video_name'], v['duration'], v['total_frames'])
            for v in videos] == [('a', 9.9, 297)]
    assert info['missing_metadata'] == ['b']
    with pytest.raises(ValueError, match='check filename_tmpl'):
        read_activitynet_json(path, metadata=meta)


def test_read_activitynet_json_errors(tmp_path):
    path = _anet(tmp_path, dict(a=_entry(anns=[(5, 4, 'A')])))
    with pytest.raises(
            ValueError,
            match=r"ann\.json, video 'a', annotation "
            '0: segment ends before it starts'):
        read_activitynet_json(path)
    path = _anet(tmp_path, dict(a=dict(annotations=[])), 'nodur.json')
    with pytest.raises(
            ValueError, match=r"nodur\.json, video 'a': no "
            '"duration"'):
        read_activitynet_json(path)
    path = _anet(tmp_path, dict(a=_entry(anns=[(1, 2, '')])), 'nolabel.json')
    with pytest.raises(ValueError, match='empty "label"'):
        read_activitynet_json(path)
    bad = tmp_path / 'bad.json'
    bad.write_text('{"version": ')
    with pytest.raises(ValueError, match=r'bad\.json: cannot read as JSON'):
        read_activitynet_json(str(bad))
    bad.write_text('[1, 2]')
    with pytest.raises(ValueError, match='not an ActivityNet-style'):
        read_activitynet_json(str(bad))


def test_load_label_mapping(tmp_path):
    path = tmp_path / 'map.json'
    path.write_text('["Action",\n "No action"]')
    assert load_label_mapping(str(path)) == ['Action', 'No action']
    assert load_label_mapping(('x', 'y')) == ['x', 'y']
    with pytest.raises(ValueError, match='duplicate'):
        load_label_mapping(['x', 'x'])
    path.write_text('{"a": 1}')
    with pytest.raises(
            ValueError, match='map.json: a label mapping is a '
            'JSON list'):
        load_label_mapping(str(path))
