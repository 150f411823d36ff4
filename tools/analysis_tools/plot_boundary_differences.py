"""Plot the distribution of absolute differences between consecutive clip
features at ground-truth boundaries and elsewhere, one panel per encoder
(BSP Fig. 4, bottom), and print the means as a table.

    python tools/analysis_tools/plot_boundary_differences.py \\
        --features TAC=FEATS_DIR BSP=FEATS_DIR --ann ANN.json --out-dir DIR \\
        [--video V ...] [--tolerance 0]

A pair of consecutive features is a boundary pair when an action starts or
ends between their clip times (docs/en/user_guides/analysis.md). The values
are |f[k+1] - f[k]| element by element, of L2-normalised features unless
--no-normalize.
"""
import argparse
import json
import os
import os.path as osp

import matplotlib

matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from terminaltables import AsciiTable  # noqa: E402

from tsptools.visualization.feature_analysis import (  # noqa: E402
    find_annotation, load_annotations, load_encoder_features,
    parse_named_paths, split_boundary_differences)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument(
        '--features', nargs='+', required=True, metavar='NAME=PATH',
        help='features of each encoder: a tools/extract_features.py output '
        'folder, a folder of <video>.npy or a features.h5/.pkl file')
    parser.add_argument(
        '--ann', required=True,
        help='ActivityNet-style JSON (e.g. SynthActions synthactions.json) '
        'or a TSP ground-truth CSV')
    parser.add_argument('--out-dir', required=True,
                        help='folder of boundary_differences.png/.json')
    parser.add_argument('--video', nargs='+',
                        help='videos to use (default: every common one)')
    parser.add_argument('--tolerance', type=float, default=0.0,
                        help='seconds to widen each pair\'s window by')
    parser.add_argument('--no-normalize', action='store_true',
                        help='raw features instead of L2-normalised ones')
    parser.add_argument('--bins', type=int, default=50)
    parser.add_argument('--stride', type=float,
                        help='frames between features (for features '
                        'without clip times)')
    parser.add_argument('--fps', type=float,
                        help='frame rate the --stride counts in')
    parser.add_argument('--offset', type=float,
                        help='frames before the first feature time '
                        '(default stride / 2)')
    parser.add_argument('--dpi', type=int, default=100)
    return parser.parse_args()


def collect(videos, data, annotations, encoders, args):
    values = {}
    for enc in encoders:
        boundary, other = [], []
        for video in videos:
            feats, times = data[video][enc]
            ann = find_annotation(video, annotations)
            b, o = split_boundary_differences(
                feats, times, ann['segments'], args.tolerance,
                ann.get('duration'), normalize=not args.no_normalize)
            boundary.append(b)
            other.append(o)
        dim = data[videos[0]][enc][0].shape[1]
        values[enc] = (np.concatenate(boundary).reshape(-1, dim),
                       np.concatenate(other).reshape(-1, dim))
    return values


def summary_rows(values):
    rows = []
    for enc, (boundary, other) in values.items():
        mean_b = float(boundary.mean()) if boundary.size else float('nan')
        mean_o = float(other.mean()) if other.size else float('nan')
        rows.append(dict(encoder=enc, boundary_pairs=len(boundary),
                         other_pairs=len(other), mean_boundary=mean_b,
                         mean_other=mean_o, ratio=mean_b / mean_o
                         if mean_o else float('nan')))
    return rows


def plot(values, rows, args):
    encoders = list(values)
    flat = np.concatenate([np.concatenate([b.ravel(), o.ravel()])
                           for b, o in values.values()])
    top = float(np.percentile(flat, 99.5)) if flat.size else 1.0
    bins = np.linspace(0, max(top, 1e-6), args.bins + 1)
    fig, axes = plt.subplots(1, len(encoders), squeeze=False, sharey=True,
                             figsize=(3.6 * len(encoders), 3.0))
    for ax, enc, row in zip(axes[0], encoders, rows):
        boundary, other = values[enc]
        if other.size:
            ax.hist(other.ravel(), bins=bins, density=True, alpha=0.55,
                    color='#1f77b4', label=f'non-boundary ({len(other)})')
        if boundary.size:
            ax.hist(boundary.ravel(), bins=bins, density=True, alpha=0.55,
                    color='#d62728', label=f'boundary ({len(boundary)})')
        ax.set_yscale('log')
        ax.set_title(f'{enc}: mean ratio {row["ratio"]:.2f}', fontsize=10)
        ax.set_xlabel('|f[k+1] - f[k]| per dimension', fontsize=8)
        ax.tick_params(labelsize=7)
        ax.legend(fontsize=7)
    axes[0][0].set_ylabel('density (log)', fontsize=8)
    path = osp.join(args.out_dir, 'boundary_differences.png')
    fig.tight_layout()
    fig.savefig(path, dpi=args.dpi)
    plt.close(fig)
    return path


def main():
    args = parse_args()
    annotations = load_annotations(args.ann)
    named = parse_named_paths(args.features)
    videos, data = load_encoder_features(named, annotations, args.video,
                                         args.stride, args.fps, args.offset)
    values = collect(videos, data, annotations, [n for n, _ in named], args)
    rows = summary_rows(values)
    table = [['encoder', 'boundary pairs', 'other pairs',
              'mean |diff| boundary', 'mean |diff| other', 'ratio']]
    for r in rows:
        table.append([r['encoder'], r['boundary_pairs'], r['other_pairs'],
                      f'{r["mean_boundary"]:.4g}', f'{r["mean_other"]:.4g}',
                      f'{r["ratio"]:.3f}'])
    print(AsciiTable(table, title=f'{len(videos)} videos').table)
    os.makedirs(args.out_dir, exist_ok=True)
    print(f'wrote {plot(values, rows, args)}')
    with open(osp.join(args.out_dir, 'boundary_differences.json'), 'w') as f:
        json.dump(dict(videos=videos, tolerance=args.tolerance,
                       normalize=not args.no_normalize, encoders=rows), f,
                  indent=1)


if __name__ == '__main__':
    main()
