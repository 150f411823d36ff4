"""tools/data/make_tsp_segments.py and tools/data/check_tsp_segments.py."""
import json
from pathlib import Path

import pytest

from tests.conftest import load_script
from tsptools.datasets.tsp_segments import CSV_COLUMNS, read_tsp_csv
from tsptools.datasets.untrimmed_video_dataset import UntrimmedVideoDataset

ROOT = Path(__file__).parents[2]
OFFICIAL = ROOT.parent / 'shared' / 'data' / 'tsp_official'


def _tool(name):
    return load_script(f'tools/data/{name}.py')


make_tool = _tool('make_tsp_segments')
check_tool = _tool('check_tsp_segments')

HEADER = ','.join(CSV_COLUMNS)


def _ann(tmp_path):
    """'vid' (training, 10 s): actions [1, 3] A, [2.5, 5] B, [9.5, 12] A;
    union [1, 5] + [9.5, 10]; gaps [0, 1] (1.0 s) and [5, 9.5] (4.5 s).
    'w' (validation, 6 s): no action, one background [0, 6]."""
    database = dict(
        vid=dict(
            subset='training',
            duration=10.0,
            annotations=[
                dict(segment=[1.0, 3.0], label='A'),
                dict(segment=[2.5, 5.0], label='B'),
                dict(segment=[9.5, 12.0], label='A')
            ]),
        w=dict(subset='validation', duration=6.0, annotations=[]))
    path = tmp_path / 'ann.json'
    path.write_text(json.dumps(dict(database=database)))
    return str(path)


def test_make_default(tmp_path, capsys):
    out = tmp_path / 'out' / 'seg.csv'
    stats = make_tool.main([_ann(tmp_path), '--out', str(out)])
    # [0, 1] is shorter than one clip (16/15 s): dropped
    assert out.read_text().splitlines() == [
        HEADER,
        'vid,1.0,3.0,A,10.0,vid.mp4,30.0,300,Action',
        'vid,2.5,5.0,B,10.0,vid.mp4,30.0,300,Action',
        'vid,9.5,12.0,A,10.0,vid.mp4,30.0,300,Action',
        'vid,5.0,9.5,,10.0,vid.mp4,30.0,300,No action',
        'w,0.0,6.0,,6.0,w.mp4,30.0,180,No action',
    ]
    assert stats['rows'] == 5 and stats['short_gaps'] == 1
    printed = capsys.readouterr().out
    assert 'warning: 2 videos have no fps: assuming 30' in printed
    assert '2 videos (1 without actions), 3 action rows, 2 background rows' \
        in printed
    # the written file loads: 4 segments ([9.5, 12] clipped to 0.5 s is
    # dropped), 20 samples
    ds = UntrimmedVideoDataset(ann_file=str(out), test_mode=True)
    assert len(ds) == 20
    assert [ds[i]['segment'] for i in (0, 5, 10, 15)] == [[1.0,
                                                           3.0], [2.5, 5.0],
                                                          [5.0, 9.5],
                                                          [0.0, 6.0]]


def test_make_options(tmp_path):
    ann = _ann(tmp_path)
    out = tmp_path / 'seg.csv'
    make_tool.main([
        ann, '--out',
        str(out), '--min-background', '0.5', '--subset', 'training', '--fps',
        '25'
    ])
    rows = out.read_text().splitlines()
    assert rows[1:] == [
        'vid,1.0,3.0,A,10.0,vid.mp4,25.0,250,Action',
        'vid,2.5,5.0,B,10.0,vid.mp4,25.0,250,Action',
        'vid,9.5,12.0,A,10.0,vid.mp4,25.0,250,Action',
        'vid,0.0,1.0,,10.0,vid.mp4,25.0,250,No action',
        'vid,5.0,9.5,,10.0,vid.mp4,25.0,250,No action',
    ]
    meta = tmp_path / 'meta.csv'
    meta.write_text('filename,video-duration,fps,video-frames\n'
                    'v_vid.mp4,9.0,30,270\nv_w.mp4,6.0,30,180\n')
    make_tool.main([
        ann, '--out',
        str(out), '--metadata',
        str(meta), '--filename-tmpl', 'v_{}.mp4', '--min-background', '5'
    ])
    # duration 9 s from the metadata; [5, 9] is 4 s < 5 s: dropped
    assert out.read_text().splitlines()[1:] == [
        'vid,1.0,3.0,A,9.0,v_vid.mp4,30.0,270,Action',
        'vid,2.5,5.0,B,9.0,v_vid.mp4,30.0,270,Action',
        'vid,9.5,12.0,A,9.0,v_vid.mp4,30.0,270,Action',
        'w,0.0,6.0,,6.0,v_w.mp4,30.0,180,No action',
    ]
    with pytest.raises(SystemExit, match='no video selected'):
        make_tool.main([ann, '--out', str(out), '--subset', 'testing'])


def _official_style_csv(tmp_path):
    """Background rows as the official files have them:

    'nested' (30 s): actions [0.5, 20] and [5, 8]; the official-style row
        [8, 30] lies inside the first action; our rule gives [20, 30].
    'beyond' (10 s): actions [2, 4], [12, 13], [14, 15] (annotated past the
        end); official-style rows [0, 2], [4, 12], [13, 14]; our rule gives
        [0, 2] and [4, 10].
    'same' (10 s): action [3, 6]; rows [0, 3] and [6, 10] for both rules.
    """
    rows = [
        ('nested', 0.5, 20.0, 'A', 30.0),
        ('nested', 5.0, 8.0, 'A', 30.0),
        ('beyond', 2.0, 4.0, 'A', 10.0),
        ('beyond', 12.0, 13.0, 'A', 10.0),
        ('beyond', 14.0, 15.0, 'A', 10.0),
        ('same', 3.0, 6.0, 'A', 10.0),
        ('nested', 8.0, 30.0, '', 30.0),
        ('beyond', 0.0, 2.0, '', 10.0),
        ('beyond', 4.0, 12.0, '', 10.0),
        ('beyond', 13.0, 14.0, '', 10.0),
        ('same', 0.0, 3.0, '', 10.0),
        ('same', 6.0, 10.0, '', 10.0),
    ]
    lines = [HEADER] + [
        f'{v},{a},{b},{label},{d},{v}.mp4,30.0,{int(d * 30)},'
        f'{"Action" if label else "No action"}' for v, a, b, label, d in rows
    ]
    path = tmp_path / 'official_style.csv'
    path.write_text('\n'.join(lines) + '\n')
    return str(path)


def test_check_rules(tmp_path, capsys):
    path = _official_style_csv(tmp_path)
    result = check_tool.main([path, '--min-background', '1', '--show', '9'])
    assert (result['official'], result['reproduced'], result['missing'],
            result['extra'], result['rule']) == (6, 3, 3, 2, 5)
    assert (result['beyond_duration'], result['inside_action'],
            result['other']) == (2, 1, 0)
    printed = capsys.readouterr().out
    assert 'reproduced: 3 (50.00%)' in printed
    assert 'missing: nested [8.000, 30.000]' in printed
    result = check_tool.compare(
        read_tsp_csv(path), min_background=1.0, rule='consecutive')
    assert (result['reproduced'], result['extra']) == (6, 0)


OFFICIAL_CHECKS = [
    # file, min-background, reproduced, official background rows
    ('thumos14_valid', None, 2174, 2178),
    ('thumos14_test', None, 2545, 2573),
    ('activitynet_v1-3_valid', 5 * 16 / 15, 7677, 7747),
]


@pytest.mark.skipif(
    not OFFICIAL.is_dir(),
    reason=f'official TSP files not found in {OFFICIAL}')
@pytest.mark.parametrize('name,min_background,reproduced,official',
                         OFFICIAL_CHECKS)
def test_check_official(name, min_background, reproduced, official):
    records = read_tsp_csv(str(OFFICIAL / f'{name}_tsp_groundtruth.csv'))
    result = check_tool.compare(records, min_background)
    assert (result['reproduced'], result['official']) == (reproduced, official)
