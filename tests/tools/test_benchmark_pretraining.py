"""tools/benchmark_pretraining.py on precomputed features (no extraction):
one encoder x two seeds of real tools/train.py and tools/test.py runs,
one table printed and saved as JSON and Markdown, resumable."""
import json
import os

import pytest

from tests.conftest import load_script
from tests.models.localizers.test_feature_pyramid_localizer import \
    make_feature_set
from tests.tools.test_localizer_test_script import CONFIG


def load_tool():
    return load_script('tools/benchmark_pretraining.py')


def test_specs_and_errors(tmp_path):
    tool = load_tool()
    assert tool.parse_spec('tsp', 'a/b.py:c.pth') == dict(
        name='tsp', config='a/b.py', checkpoint='c.pth')
    assert tool.parse_spec('x', 'features:/d') == dict(name='x',
                                                       features='/d')
    # an encoder that loads its own weights (the BSP two-stream encoder)
    for spec in ('a/2stream.py:none', 'a/2stream.py:None', 'a/2stream.py:'):
        assert tool.parse_spec('two', spec) == dict(
            name='two', config='a/2stream.py', checkpoint=None)
    encoders_file = tmp_path / 'encoders.json'
    encoders_file.write_text(json.dumps([
        dict(name='two', config='a.py', checkpoint=None),
        dict(name='three', config='a.py', checkpoint='none'),
        dict(name='tsp', config='a.py', checkpoint='b.pth')]))
    encoders = tool.load_encoders(tool.parse_args(
        [CONFIG, '--encoders-file', str(encoders_file)]))
    assert [e['checkpoint'] for e in encoders] == [None, None, 'b.pth']
    # ... extracted with CKPT "none" (tools/extract_features.py)
    commands = []
    tool.run_logged = lambda cmd, log, env=None: commands.append(cmd) or 1.0
    args = tool.parse_args([CONFIG, '--video-dir', 'v', '--work-dir',
                            str(tmp_path)])
    tool.extract(encoders[0], args)
    tool.extract(encoders[2], args)
    assert commands[0][2:4] == ['a.py', 'none']
    assert commands[1][2:4] == ['a.py', 'b.pth']
    with pytest.raises(ValueError, match='CONFIG:CKPT'):
        tool.parse_spec('x', 'nothing')
    with pytest.raises(ValueError, match='unique'):
        tool.main([CONFIG, '--encoders', 'a=features:x', 'a=features:y'])
    with pytest.raises(ValueError, match='--video-dir'):
        tool.main([CONFIG, '--encoders', f'a={CONFIG}:none.pth',
                   '--work-dir', str(tmp_path)])
    cell = tool.format_cell(dict(mean=0.1234, std=0.0100))
    assert cell == '12.34 ± 1.00'
    # one seed: no spread to report
    one = tool.summarize([dict(metrics={'average_mAP': 0.25})])
    assert one['average_mAP']['std'] is None
    assert tool.format_cell(one['average_mAP']) == '25.00 ± –'


def test_summary_and_tables_of_two_encoders():
    tool = load_tool()
    runs = [dict(metrics={'average_mAP': a, 'mAP@0.50': b, 'mAP@0.75': 0.1,
                          'mAP@0.95': 0.0, 'mAP@0.55': 0.3, 'AUC': 0.6,
                          'average_mAP/S': float('nan')})
            for a, b in ((0.2, 0.5), (0.4, 0.7))]
    summary = tool.summarize(runs)
    assert summary['average_mAP']['mean'] == pytest.approx(0.3)
    assert summary['average_mAP']['std'] == pytest.approx(0.1414, abs=1e-4)
    rows = tool.table_rows({'tac': summary, 'tsp': summary},
                           {'tac': 2, 'tsp': 2})
    # ActivityNet's headline thresholds only, then AUC
    assert rows[0] == ['encoder', 'runs', 'avg mAP', 'mAP@0.50', 'mAP@0.75',
                       'mAP@0.95', 'AUC']
    assert rows[1][:4] == ['tac', '2', '30.00 ± 14.14', '60.00 ± 14.14']
    markdown = tool.markdown_table(rows)
    assert markdown.splitlines()[1] == '|' + '|'.join([' --- '] * 7) + '|'
    assert '| tsp | 2 | 30.00 ± 14.14 |' in markdown


def test_benchmark_on_features_two_seeds_resumes(tmp_path, capsys):
    fset = make_feature_set(str(tmp_path / 'data'), num_videos=3,
                            subsets=('training', 'validation', 'testing'))
    tool = load_tool()
    work = tmp_path / 'bench'
    args = [
        CONFIG, '--encoders', f'tiny=features:{fset["features"]}',
        '--ann-file', fset['ann_file'], '--class-index',
        fset['class_index'], '--num-seeds', '2', '--jobs', '2',
        '--work-dir', str(work), '--cfg-options', 'model.num_classes=3',
        'model.embed_dims=16', 'model.num_levels=3',
        'train_cfg.max_epochs=1'
    ]
    report = tool.main(args)
    out = capsys.readouterr().out
    assert 'downstream localization' in out and 'avg mAP' in out
    assert '| tiny ' in out and ' ± ' in out
    entry = report['encoders']['tiny']
    assert [r['seed'] for r in entry['runs']] == [0, 1]
    assert entry['feature_channels'] == 16
    for key in ('average_mAP', 'mAP@0.50', 'mAP@0.95', 'AUC'):
        assert len(entry['summary'][key]['values']) == 2
        assert 0 <= entry['summary'][key]['mean'] <= 1
    with open(work / 'benchmark.json') as f:
        saved = json.load(f)
    assert saved['table'][0][:3] == ['encoder', 'runs', 'avg mAP']
    markdown = (work / 'benchmark.md').read_text()
    assert '| encoder | runs | avg mAP |' in markdown
    assert markdown.count('\n| tiny | 2 |') == 1

    # a second call reuses the finished runs
    log = work / 'runs' / 'tiny' / 'seed0' / 'train.log'
    mtime = os.path.getmtime(log)
    again = tool.main(args)
    assert os.path.getmtime(log) == mtime
    assert again['encoders']['tiny']['summary']['average_mAP'] == \
        entry['summary']['average_mAP']
    # groups without instances (DETAD's S ... XL here) are null in the JSON
    assert saved['encoders']['tiny']['summary']['average_mAP/XL'][
        'mean'] is None
