"""tools/analysis_tools/eval_localization.py: tables, JSON and errors.

One run goes through a subprocess (the real command line, gzip input); the
others call ``main(argv)`` in-process to keep the suite fast.
"""
import gzip
import json
import os.path as osp
import subprocess
import sys

import pytest

from tests.conftest import load_script

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
SCRIPT = osp.join(ROOT, 'tools', 'analysis_tools', 'eval_localization.py')

# v1: 3 instances of "a"; v2 (training subset) is ignored by default.
GT = {'version': '1.3', 'database': {
    'v1': {'subset': 'validation', 'duration': 60.0, 'annotations': [
        {'segment': [0, 10], 'label': 'a'},
        {'segment': [20, 30], 'label': 'a'},
        {'segment': [40, 50], 'label': 'a'}]},
    'v2': {'subset': 'training', 'duration': 60.0, 'annotations': [
        {'segment': [0, 5], 'label': 'b'}]}}}
# By score: TP (tIoU 1), FP (duplicate), tIoU 0.83 (TP at <= 0.8), FP on a
# video without ground truth. At 0.5..0.8: T F T F -> AP 5/9; at
# 0.85..0.95: T F F F -> 1/3. Average over the 10 thresholds:
# (7 * 5/9 + 3 * 1/3) / 10 = 44/90.
DET = {'results': {
    'v1': [{'segment': [0, 10], 'score': 0.9, 'label': 'a'},
           {'segment': [1, 10], 'score': 0.8, 'label': 'a'},
           {'segment': [20, 28.3], 'score': 0.7, 'label': 'a'}],
    'zz': [{'segment': [0, 10], 'score': 0.6, 'label': 'a'}]}}


def load_cli():
    return load_script('tools/analysis_tools/eval_localization.py')


def write(tmp_path, name, obj, compress=False):
    path = tmp_path / name
    data = json.dumps(obj).encode()
    path.write_bytes(gzip.compress(data) if compress else data)
    return str(path)


def test_detection_command_line(tmp_path):
    out = tmp_path / 'out.json'
    proc = subprocess.run(
        [sys.executable, SCRIPT, 'detection',
         write(tmp_path, 'gt.json', GT),
         write(tmp_path, 'det.json.gz', DET, compress=True),
         '--per-class', '--out', str(out)],
        capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    # Printed table: percentages with two decimals.
    assert '| mAP (%) | 55.56 |' in proc.stdout
    assert '48.89' in proc.stdout  # 44/90
    res = json.loads(out.read_text())
    assert list(res['mAP']) == [f'{0.5 + 0.05 * i:.2f}' for i in range(10)]
    assert res['mAP']['0.50'] == pytest.approx(5 / 9)
    assert res['mAP']['0.80'] == pytest.approx(5 / 9)
    assert res['mAP']['0.85'] == pytest.approx(1 / 3)
    assert res['average_mAP'] == pytest.approx(44 / 90)
    assert res['per_class']['a']['average_AP'] == pytest.approx(44 / 90)


def test_bad_input_exits_with_one_line(tmp_path):
    # sys.exit(message): Python prints the message on stderr, status 1.
    gt = json.loads(json.dumps(GT))
    gt['database']['v1']['annotations'][1]['segment'] = [30, 20]
    with pytest.raises(SystemExit) as exc:
        load_cli().main(['detection', write(tmp_path, 'gt.json', gt),
                         write(tmp_path, 'det.json', DET)])
    assert exc.value.code == (
        'error: gt.json: database["v1"]["annotations"][1]: segment end '
        '20.0 < start 30.0')


@pytest.mark.parametrize('mutate, message', [
    (lambda d: d['results']['v1'].append(
        {'segment': [0, 1], 'score': 1.0, 'label': 'b'}),
     "no ground-truth class: 'b'"),
    (lambda d: d.pop('results'), 'missing top-level key "results"'),
    (lambda d: d['results']['v1'][0].pop('score'), 'missing key "score"'),
])
def test_detection_errors(tmp_path, capsys, mutate, message):
    det = json.loads(json.dumps(DET))
    mutate(det)
    with pytest.raises(SystemExit) as exc:
        load_cli().main(['detection', write(tmp_path, 'gt.json', GT),
                         write(tmp_path, 'det.json', det)])
    assert message in str(exc.value.code)
    assert str(exc.value.code).startswith('error: ')


def test_empty_file_and_drop_unknown(tmp_path):
    empty = tmp_path / 'empty.json'
    empty.write_text('')
    cli = load_cli()
    with pytest.raises(SystemExit, match='empty.json: the file is empty'):
        cli.main(['detection', write(tmp_path, 'gt.json', GT), str(empty)])
    det = json.loads(json.dumps(DET))
    det['results']['v1'].append(
        {'segment': [0, 1], 'score': 1.0, 'label': 'b'})
    out = tmp_path / 'o.json'
    cli.main(['detection', write(tmp_path, 'gt.json', GT),
              write(tmp_path, 'd.json', det), '--drop-unknown', '--out',
              str(out), '--tiou-thresholds', '0.3', '0.4', '0.5', '0.6',
              '0.7'])
    res = json.loads(out.read_text())
    assert list(res['mAP']) == ['0.30', '0.40', '0.50', '0.60', '0.70']
    assert res['average_mAP'] == pytest.approx(5 / 9)  # every tIoU <= 0.8


def test_detection_length_breakdown(tmp_path, capsys):
    out = tmp_path / 'o.json'
    load_cli().main(['detection', write(tmp_path, 'gt.json', GT),
                     write(tmp_path, 'd.json', DET), '--length-breakdown',
                     '--tiou-thresholds', '0.5', '--out', str(out)])
    res = json.loads(out.read_text())['length_breakdown']
    # Every instance lasts 10 s: XS holds all of them -> the overall 5/9.
    assert res['XS'] == dict(num_instances=3, share=1.0,
                             average_mAP=pytest.approx(5 / 9))
    assert res['XL']['average_mAP'] is None
    assert '| XS     | 100.0' in capsys.readouterr().out


def test_proposal(tmp_path, capsys):
    # 4 proposals on v1 (ratio 100 / 4 keeps all): by score a miss, GT1,
    # GT2, GT3 (exact). Point k uses min(k, 4): AR@1 = 0, AR@5 = 1;
    # AUC: AR 0 at AN 1, 1/3 at 2, 2/3 at 3, 1 from 4 -> trapezoids
    # 1/6 + 1/2 + 5/6 + 96 = 97.5, / 100.
    props = {'results': {'v1': [
        {'segment': [70, 80], 'score': 0.9},
        {'segment': [0, 10], 'score': 0.8},
        {'segment': [20, 30], 'score': 0.7},
        {'segment': [40, 50], 'score': 0.6}]}}
    out = tmp_path / 'o.json'
    load_cli().main(['proposal', write(tmp_path, 'gt.json', GT),
                     write(tmp_path, 'p.json', props), '--out', str(out)])
    res = json.loads(out.read_text())
    assert res == pytest.approx({'AR@1': 0.0, 'AR@5': 1.0, 'AR@10': 1.0,
                                 'AR@100': 1.0, 'AUC': 0.975})
    assert '| 0.00 | 100.00 | 100.00 | 100.00 | 97.50 |' in \
        capsys.readouterr().out
    load_cli().main(['proposal', write(tmp_path, 'gt.json', GT),
                     write(tmp_path, 'p.json', props), '--out', str(out),
                     '--max-avg-proposals', '10'])
    keys = set(json.loads(out.read_text()))
    assert keys == {'AR@1', 'AR@5', 'AR@10', 'AUC'}


def test_grounding(tmp_path, capsys):
    # Queries v1#0 [0,10], v1#1 [20,30], v1#2 [40,50].
    pred = {'results': {
        'v1#0': [{'segment': [0, 5], 'score': 0.9},  # top-1 tIoU 0.5
                 {'segment': [0, 10], 'score': 0.1}],
        'v1#1': [{'segment': [22, 30], 'score': 0.5}]}}  # tIoU 0.8
    out = tmp_path / 'o.json'
    load_cli().main(['grounding', write(tmp_path, 'gt.json', GT),
                     write(tmp_path, 'g.json', pred), '--out', str(out)])
    res = json.loads(out.read_text())
    # R@1: v1#0 at 0.3/0.5, v1#1 everywhere, v1#2 missing -> 2/3, 2/3, 1/3
    assert res['R@1'] == pytest.approx({'0.30': 2 / 3, '0.50': 2 / 3,
                                        '0.70': 1 / 3})
    assert res['R@5'] == pytest.approx({'0.30': 2 / 3, '0.50': 2 / 3,
                                        '0.70': 2 / 3})
    assert res['mean_tIoU'] == pytest.approx((0.5 + 0.8) / 3)
    pred['results']['nope#0'] = []
    with pytest.raises(SystemExit, match='not in the ground truth'):
        load_cli().main(['grounding', write(tmp_path, 'gt.json', GT),
                         write(tmp_path, 'g.json', pred)])


def test_actionness(tmp_path):
    gt = {'database': {'v': {'subset': 'validation', 'duration': 1.0,
                             'annotations': [{'segment': [0.4, 0.8]}]}}}
    # Centres 0.1 .. 0.9, foreground 0.5 and 0.7; scores at the centres
    # 0.1, 0.4, 0.8 (fg), 0.3 (fg), 0.2 -> P at the fg: 1, 2/3 -> 5/6.
    pred = {'results': {'v': {'scores': [0.1, 0.4, 0.8, 0.3, 0.2],
                              'stride': 0.2, 'offset': 0.1}}}
    out = tmp_path / 'o.json'
    load_cli().main(['actionness', write(tmp_path, 'gt.json', gt),
                     write(tmp_path, 'a.json', pred), '--out', str(out)])
    assert json.loads(out.read_text()) == dict(
        AP=pytest.approx(5 / 6), num_segments=5, num_foreground=2)
    with pytest.raises(SystemExit, match='no actionness scores'):
        load_cli().main(['actionness', write(tmp_path, 'gt.json', gt),
                         write(tmp_path, 'a.json', {'results': {}})])


def test_cli_imports_neither_torch_nor_mmengine(tmp_path):
    # A new interpreter: loading the script's module and scoring detections
    # and proposals must need numpy only (the test session has torch loaded).
    code = f"""if True:
        import importlib.util, sys
        spec = importlib.util.spec_from_file_location('cli', {SCRIPT!r})
        cli = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(cli)
        loaded = lambda: [m for m in ('torch', 'mmengine') if m in sys.modules]
        print('import', loaded())
        cli.main(['detection', {write(tmp_path, 'gt.json', GT)!r},
                  {write(tmp_path, 'det.json', DET)!r}])
        cli.main(['proposal', {str(tmp_path / 'gt.json')!r},
                  {str(tmp_path / 'det.json')!r}])
        print('run', loaded())
    """
    proc = subprocess.run([sys.executable, '-c', code], capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert 'import []' in proc.stdout
    assert 'run []' in proc.stdout
    assert '| mAP (%) | 55.56 |' in proc.stdout
