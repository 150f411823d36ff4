"""Plot training curves (losses, accuracies, validation metrics, learning
rate) of one or more work dirs from the scalars mmengine's LocalVisBackend
writes (resumed runs included).

    python tools/analysis_tools/plot_training_curves.py \\
        WORK_DIR [NAME=WORK_DIR ...] --out-dir DIR

Training records are placed at iteration / iterations-per-epoch, validation
metrics at the end of their epoch.
"""
import argparse
import os
import os.path as osp

import matplotlib

matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from tsptools.utils.run_logs import load_run_scalars  # noqa: E402
from tsptools.visualization.feature_analysis import \
    parse_named_paths  # noqa: E402

SKIP = ('step', 'epoch', 'iter', 'time', 'data_time', 'memory')
STYLES = ('-', '--', ':', '-.')


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('work_dirs', nargs='+', metavar='[NAME=]WORK_DIR',
                        help='work dirs of tools/train.py runs')
    parser.add_argument('--out-dir', required=True,
                        help='folder of training_curves.png')
    parser.add_argument('--keys', nargs='+',
                        help='only these scalars (e.g. loss_action '
                        'acc_region lr)')
    parser.add_argument('--dpi', type=int, default=100)
    return parser.parse_args()


def train_x(train):
    """Fractional epoch of each training record: ``iter / (iterations per
    epoch)``, the iterations per epoch read from the last record of each
    epoch."""
    iters = np.array([r.get('iter', r.get('step', 0)) for r in train],
                     dtype=float)
    epochs = np.array([r.get('epoch', 0) for r in train], dtype=float)
    if not len(train) or not epochs.any():
        return iters, 'iteration'
    ends = {}
    for epoch, it in zip(epochs, iters):
        ends[epoch] = max(ends.get(epoch, 0), it)
    per_epoch = max(ends[e] / e for e in ends if e > 0)
    return iters / per_epoch, 'epoch'


def panels_of(runs, keys=None):
    panels = {'losses': [], 'train accuracy': [], 'validation': [],
              'learning rate': []}
    for name, (train, val) in runs.items():
        train_keys = sorted({k for r in train for k in r} - set(SKIP))
        for key in train_keys:
            if keys and key not in keys:
                continue
            if key.startswith('loss') or key.endswith('loss'):
                panels['losses'].append((name, 'train', key))
            elif key == 'lr' or key.endswith('lr'):
                panels['learning rate'].append((name, 'train', key))
            elif 'acc' in key:
                panels['train accuracy'].append((name, 'train', key))
        val_keys = sorted({k for r in val.values() for k in r} - set(SKIP))
        for key in val_keys:
            if not keys or key in keys:
                panels['validation'].append((name, 'val', key))
    return {title: lines for title, lines in panels.items() if lines}


def main():
    args = parse_args()
    named = parse_named_paths(args.work_dirs)
    runs = {name: load_run_scalars(path) for name, path in named}
    panels = panels_of(runs, args.keys)
    if not panels:
        raise SystemExit('no scalars to plot in ' +
                         ', '.join(p for _, p in named))
    colors = plt.rcParams['axes.prop_cycle'].by_key()['color']
    run_color = {name: colors[i % len(colors)]
                 for i, (name, _) in enumerate(named)}
    fig, axes = plt.subplots(1, len(panels), squeeze=False,
                             figsize=(3.8 * len(panels), 3.2))
    xlabel = 'epoch'
    for ax, (title, lines) in zip(axes[0], panels.items()):
        style_of = {}
        for name, split, key in lines:
            train, val = runs[name]
            style = STYLES[style_of.setdefault(key, len(style_of)) %
                           len(STYLES)]
            label = key if len(runs) == 1 else f'{name}: {key}'
            if split == 'train':
                recs = [r for r in train if key in r]
                x, xlabel = train_x(recs)
                y = [r[key] for r in recs]
                ax.plot(x, y, style, color=run_color[name], lw=1.2,
                        label=label)
            else:
                epochs = sorted(e for e, r in val.items() if key in r)
                ax.plot(epochs, [val[e][key] for e in epochs], style,
                        marker='o', ms=3, color=run_color[name], lw=1.2,
                        label=label)
        if title == 'learning rate':
            ax.set_yscale('log')
        ax.set_title(title, fontsize=10)
        ax.set_xlabel(xlabel, fontsize=8)
        ax.tick_params(labelsize=7)
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7)
    fig.tight_layout()
    os.makedirs(args.out_dir, exist_ok=True)
    path = osp.join(args.out_dir, 'training_curves.png')
    fig.savefig(path, dpi=args.dpi)
    plt.close(fig)
    print(f'wrote {path}')


if __name__ == '__main__':
    main()
