"""tools/analysis_tools/plot_benchmark.py on a report built by hand: the
bars are the means in %, the error bars the sample standard deviations
(none for one seed), the dots every seed's value, in the report's order; a
missing metric is an error naming the file."""
import json
import subprocess
import sys

import numpy as np
import pytest
from matplotlib import image as mpimg
from matplotlib.collections import LineCollection

from tests.conftest import REPO_ROOT, load_script

VALUES = {
    'tac': {'average_mAP': [0.070, 0.080, 0.090], 'AUC': [0.40, 0.41, 0.45]},
    'tsp': {'average_mAP': [0.140, 0.150, 0.130], 'AUC': [0.47, 0.48, 0.46]},
    'one-seed': {'average_mAP': [0.050], 'AUC': [0.33]},
}


def summary_entry(values):
    return dict(mean=float(np.mean(values)),
                std=float(np.std(values, ddof=1)) if len(values) > 1
                else None, values=values)


@pytest.fixture
def report_file(tmp_path):
    report = dict(
        config='configs/localizer/some_localizer.py', seeds=[0, 1, 2],
        encoders={name: dict(summary={m: summary_entry(v)
                                      for m, v in metrics.items()})
                  for name, metrics in VALUES.items()})
    path = tmp_path / 'benchmark.json'
    path.write_text(json.dumps(report))
    return path


def test_cli_writes_a_png(report_file, tmp_path):
    out = tmp_path / 'plots' / 'table.png'
    proc = subprocess.run(
        [sys.executable, 'tools/analysis_tools/plot_benchmark.py',
         str(report_file), '--out', str(out), '--metrics', 'average_mAP',
         'AUC'], cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-3000:]
    img = mpimg.imread(out)
    assert img.ndim == 3 and img.shape[0] > 50 and img.std() > 0


def test_bars_error_bars_and_dots_show_the_report(report_file):
    tool = load_script('tools/analysis_tools/plot_benchmark.py')
    report = tool.load_report(str(report_file))
    fig = tool.draw(report, ['average_mAP', 'AUC'])
    names = list(VALUES)
    for ax, metric in zip(fig.axes, ['average_mAP', 'AUC']):
        widths = [p.get_width() for p in ax.patches]
        ys = [p.get_y() + p.get_height() / 2 for p in ax.patches]
        expected = [100 * np.mean(VALUES[n][metric]) for n in names]
        np.testing.assert_allclose(widths, expected)
        np.testing.assert_allclose(ys, range(len(names)))
        # one error bar per encoder with more than one seed
        segments = [seg for c in ax.collections
                    if isinstance(c, LineCollection)
                    for seg in c.get_segments()]
        assert len(segments) == 2
        for seg, name in zip(segments, ['tac', 'tsp']):
            vals = 100 * np.array(VALUES[name][metric])
            np.testing.assert_allclose(
                sorted(seg[:, 0]),
                [vals.mean() - vals.std(ddof=1),
                 vals.mean() + vals.std(ddof=1)])
        # every seed's value as a dot, on its encoder's row
        dots = [(x, y) for line in ax.lines if line.get_marker() == 'o'
                for x, y in zip(line.get_xdata(), line.get_ydata())]
        expected_dots = [(100 * v, k) for k, n in enumerate(names)
                         for v in VALUES[n][metric]]
        np.testing.assert_allclose(sorted(dots), sorted(expected_dots))
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels == names


def test_a_missing_metric_names_the_file_and_the_metric(report_file):
    tool = load_script('tools/analysis_tools/plot_benchmark.py')
    report = tool.load_report(str(report_file))
    with pytest.raises(SystemExit) as info:
        tool.bars(report, 'AR@100', str(report_file))
    message = str(info.value)
    assert str(report_file) in message and 'AR@100' in message
    assert 'average_mAP' in message  # what it has instead


def test_not_a_report(tmp_path):
    tool = load_script('tools/analysis_tools/plot_benchmark.py')
    path = tmp_path / 'other.json'
    path.write_text('{"results": {}}')
    with pytest.raises(SystemExit, match='other.json: no "encoders"'):
        tool.load_report(str(path))
