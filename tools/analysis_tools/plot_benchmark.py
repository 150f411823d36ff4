"""Plot a downstream table of tools/benchmark_pretraining.py: one panel per
metric, one bar per encoder (mean over the localizer seeds, in %), the
sample standard deviation as an error bar (none for one seed) and every
seed's value as a dot.

    python tools/analysis_tools/plot_benchmark.py BENCHMARK_JSON \\
        --out PNG [--metrics average_mAP mAP@0.50 AR@100 AUC] [--title T]

Encoders are drawn in the order of the report (the order of the table).
"""
import argparse
import json
import os
import os.path as osp

import matplotlib

matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

DEFAULT_METRICS = ('average_mAP', 'mAP@0.50', 'AR@100', 'AUC')
LABELS = {'average_mAP': 'avg mAP'}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('report', help='benchmark.json of '
                        'tools/benchmark_pretraining.py')
    parser.add_argument('--out', required=True, help='PNG to write')
    parser.add_argument('--metrics', nargs='+', default=list(DEFAULT_METRICS),
                        help='summary keys, one panel each (default: '
                        f'{" ".join(DEFAULT_METRICS)})')
    parser.add_argument('--title', default=None,
                        help='figure title (default: the localizer config)')
    parser.add_argument('--dpi', type=int, default=100)
    return parser.parse_args(argv)


def load_report(path):
    """The report of ``path``; an error names the file and what is
    missing."""
    try:
        with open(path) as f:
            report = json.load(f)
    except (OSError, ValueError) as e:
        raise SystemExit(f'{path}: cannot read a benchmark report ({e})')
    if not isinstance(report, dict) or not report.get('encoders'):
        raise SystemExit(f'{path}: no "encoders" (not a report of '
                         'tools/benchmark_pretraining.py)')
    return report


def bars(report, metric, path='report'):
    """``(names, means, stds, values)`` of ``metric`` in %: std is NaN for
    one seed."""
    names, means, stds, values = [], [], [], []
    for name, encoder in report['encoders'].items():
        entry = encoder.get('summary', {}).get(metric)
        if entry is None:
            known = sorted(encoder.get('summary', {}))
            raise SystemExit(f'{path}: encoder {name} has no metric '
                             f'"{metric}" (it has: {", ".join(known)})')
        names.append(name)
        means.append(100 * entry['mean'])
        std = entry.get('std')
        stds.append(np.nan if std is None else 100 * std)
        values.append([100 * v for v in entry.get('values', [])])
    return names, np.array(means), np.array(stds), values


def draw(report, metrics=DEFAULT_METRICS, title=None, path='report'):
    """The figure: one horizontal bar panel per metric."""
    names = list(report['encoders'])
    fig, axes = plt.subplots(
        1, len(metrics), figsize=(3.2 * len(metrics) + 1.5,
                                  0.42 * len(names) + 1.4),
        sharey=True, squeeze=False)
    y = np.arange(len(names))
    for ax, metric in zip(axes[0], metrics):
        _, means, stds, values = bars(report, metric, path)
        ax.barh(y, means, color='#8fb3d9', edgecolor='#3d6a99')
        has_std = ~np.isnan(stds)
        if has_std.any():
            ax.errorbar(means[has_std], y[has_std], xerr=stds[has_std],
                        fmt='none', ecolor='black', capsize=3, lw=1)
        for k, vals in enumerate(values):
            ax.plot(vals, [k] * len(vals), 'o', ms=3, color='#c0392b')
        ax.set_title(LABELS.get(metric, metric) + ' (%)')
        ax.grid(axis='x', alpha=0.3)
        ax.set_axisbelow(True)
    axes[0][0].set_yticks(y)
    axes[0][0].set_yticklabels(names)
    axes[0][0].invert_yaxis()
    seeds = report.get('seeds', [])
    config = osp.basename(str(report.get('config', '')))
    fig.suptitle(title or f'{config}: mean ± std over seeds {seeds}',
                 fontsize=9)
    fig.tight_layout()
    return fig


def main(argv=None):
    args = parse_args(argv)
    report = load_report(args.report)
    fig = draw(report, args.metrics, args.title, args.report)
    out_dir = osp.dirname(osp.abspath(args.out))
    os.makedirs(out_dir, exist_ok=True)
    fig.savefig(args.out, dpi=args.dpi)
    plt.close(fig)
    print(f'wrote {args.out}')


if __name__ == '__main__':
    main()
