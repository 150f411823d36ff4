"""Foreground/background separability of encoders' features: the mean
cosine similarity of clip pairs of the same video within the foreground,
within the background and across, as a table and a bar chart.

    python tools/analysis_tools/fg_bg_separability.py \\
        --features TAC=FEATS_DIR TSP=FEATS_DIR --ann ANN.json --out-dir DIR \\
        [--video V ...]

A clip is foreground when its time lies in a ground-truth action. Each
video's means count once (videos without both foreground and background clips
only count where they have pairs); gap = (fg-fg + bg-bg) / 2 - fg-bg.
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
    aggregate_fg_bg, fg_bg_similarities, find_annotation, foreground_mask,
    load_annotations, load_encoder_features, parse_named_paths)

BARS = (('fg_fg', 'within foreground', '#2ca02c'),
        ('bg_bg', 'within background', '#7f7f7f'),
        ('fg_bg', 'foreground vs background', '#d62728'))


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
                        help='folder of fg_bg_separability.png/.json')
    parser.add_argument('--video', nargs='+',
                        help='videos to use (default: every common one)')
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


def plot(results, args):
    encoders = list(results)
    x = np.arange(len(encoders))
    width = 0.26
    fig, ax = plt.subplots(figsize=(2.4 + 1.4 * len(encoders), 3.4),
                           layout='constrained')
    for i, (key, label, color) in enumerate(BARS):
        heights = [results[e][key] for e in encoders]
        bars = ax.bar(x + (i - 1) * width, heights, width, label=label,
                      color=color)
        ax.bar_label(bars, fmt='%.3f', fontsize=7, padding=1)
    ax.set_xticks(x, encoders)
    values = [r[k] for r in results.values() for k, _, _ in BARS
              if not np.isnan(r[k])] or [0.0]
    low = min(values)
    # similarities of ReLU features sit near 1: zoom in when all are high
    bottom = np.floor((low - 0.15 * (1 - low)) * 20) / 20 if low > 0.5 \
        else min(0.0, low - 0.05)
    ax.set_ylim(bottom, 1.0 + 0.08 * (1.0 - bottom))
    ax.set_ylabel('mean cosine similarity' +
                  (f' (axis from {bottom:g})' if bottom > 0 else ''))
    fig.legend(loc='outside upper center', ncols=3, fontsize=7,
               frameon=False)
    path = osp.join(args.out_dir, 'fg_bg_separability.png')
    fig.savefig(path, dpi=args.dpi)
    plt.close(fig)
    return path


def main():
    args = parse_args()
    annotations = load_annotations(args.ann)
    named = parse_named_paths(args.features)
    videos, data = load_encoder_features(named, annotations, args.video,
                                         args.stride, args.fps, args.offset)
    results, per_video = {}, {}
    for enc, _ in named:
        per_video[enc] = {}
        for video in videos:
            feats, times = data[video][enc]
            fg = foreground_mask(
                times, find_annotation(video, annotations)['segments'])
            per_video[enc][video] = fg_bg_similarities(feats, fg)
        results[enc] = aggregate_fg_bg(list(per_video[enc].values()))
    table = [['encoder', 'videos', 'fg-fg', 'bg-bg', 'fg-bg', 'gap']]
    for enc, r in results.items():
        table.append([enc, r['videos']] + [
            f'{r[k]:.3f}' for k in ('fg_fg', 'bg_bg', 'fg_bg', 'gap')])
    print(AsciiTable(table, title='mean cosine similarity').table)
    os.makedirs(args.out_dir, exist_ok=True)
    print(f'wrote {plot(results, args)}')
    with open(osp.join(args.out_dir, 'fg_bg_separability.json'), 'w') as f:
        json.dump(dict(encoders=results, per_video=per_video), f, indent=1)


if __name__ == '__main__':
    main()
