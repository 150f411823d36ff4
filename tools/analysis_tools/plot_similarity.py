"""Plot clip-to-clip cosine-similarity matrices of videos' features, one PNG
per video with the encoders side by side and the ground-truth actions drawn
along the axes (TSP Fig. 2, PAL Fig. 3).

    python tools/analysis_tools/plot_similarity.py \\
        --features TAC=FEATS_DIR TSP=FEATS_DIR --ann ANN.json --out-dir DIR \\
        [--video V ...] [--max-videos 4]

Feature times come from the features' clip_times / manifest.json, else from
--stride and --fps, else are spread evenly over the annotated duration
(docs/en/user_guides/analysis.md).
"""
import argparse
import os
import os.path as osp

import matplotlib

matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402
from matplotlib.ticker import (FixedFormatter, FixedLocator,  # noqa: E402
                               MaxNLocator)

from tsptools.visualization.feature_analysis import (  # noqa: E402
    cosine_similarity_matrix, find_annotation, load_annotations,
    load_encoder_features, parse_named_paths)

GT_COLOR = '#2ca02c'


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
    parser.add_argument('--out-dir', required=True, help='folder of PNGs')
    parser.add_argument('--video', nargs='+', help='videos to plot '
                        '(default: the first --max-videos common ones)')
    parser.add_argument('--max-videos', type=int, default=4,
                        help='videos to plot without --video (default 4)')
    parser.add_argument('--stride', type=float,
                        help='frames between features (for features '
                        'without clip times)')
    parser.add_argument('--fps', type=float,
                        help='frame rate the --stride counts in')
    parser.add_argument('--offset', type=float,
                        help='frames before the first feature time '
                        '(default stride / 2)')
    parser.add_argument('--scale', choices=('shared', 'each'),
                        default='shared', help='one colour scale for the '
                        'encoders of a video, or one per matrix')
    parser.add_argument('--cmap', default='viridis', help='colour map')
    parser.add_argument('--dpi', type=int, default=100)
    return parser.parse_args()


def time_to_index(t, times):
    """Continuous feature-index coordinate of time ``t`` (linear between
    clip times, extrapolated with the first/last step, clamped to the
    matrix)."""
    num = len(times)
    if num == 1:
        return 0.0
    if t <= times[0]:
        pos = (t - times[0]) / max(times[1] - times[0], 1e-9)
    elif t >= times[-1]:
        pos = num - 1 + (t - times[-1]) / max(times[-1] - times[-2], 1e-9)
    else:
        pos = float(np.interp(t, times, np.arange(num)))
    return float(np.clip(pos, -0.5, num - 0.5))


def draw_matrix(ax, sim, times, segments, vmin, vmax, cmap):
    num = len(sim)
    image = ax.imshow(sim, cmap=cmap, vmin=vmin, vmax=vmax,
                      interpolation='nearest', aspect='equal',
                      extent=(-0.5, num - 0.5, num - 0.5, -0.5))
    bar = max(0.04 * num, 0.6)
    for start, end in segments:
        a, b = time_to_index(start, times), time_to_index(end, times)
        if b <= a:
            continue
        # green bars outside the matrix, along the top and the left axes
        ax.add_patch(Rectangle((a, -0.5 - 1.6 * bar), b - a, bar,
                               color=GT_COLOR, clip_on=False))
        ax.add_patch(Rectangle((-0.5 - 1.6 * bar, a), bar, b - a,
                               color=GT_COLOR, clip_on=False))
        for pos in (a, b):
            ax.axvline(pos, color=GT_COLOR, lw=0.6, ls='--', alpha=0.7)
            ax.axhline(pos, color=GT_COLOR, lw=0.6, ls='--', alpha=0.7)
    # ticks at round seconds
    ticks = [t for t in MaxNLocator(5).tick_values(times[0], times[-1])
             if times[0] <= t <= times[-1]] or [float(times[0])]
    positions = [time_to_index(t, times) for t in ticks]
    labels = [f'{t:g}' for t in ticks]
    for axis in (ax.xaxis, ax.yaxis):
        axis.set_major_locator(FixedLocator(positions))
        axis.set_major_formatter(FixedFormatter(labels))
    ax.tick_params(labelsize=7)
    ax.tick_params(axis='y', pad=14)  # room for the green bars
    ax.set_xlim(-0.5, num - 0.5)
    ax.set_ylim(num - 0.5, -0.5)
    return image


def plot_video(video, per_encoder, ann, args):
    names = list(per_encoder)
    sims = {n: cosine_similarity_matrix(per_encoder[n][0]) for n in names}
    shared_min = min(float(s.min()) for s in sims.values())
    fig, axes = plt.subplots(1, len(names), squeeze=False,
                             layout='constrained',
                             figsize=(3.4 * len(names) + 0.8, 3.6))
    image = None
    for ax, name in zip(axes[0], names):
        sim, times = sims[name], per_encoder[name][1]
        vmin = shared_min if args.scale == 'shared' else float(sim.min())
        image = draw_matrix(ax, sim, times, ann['segments'], vmin, 1.0,
                            args.cmap)
        ax.set_title(name, fontsize=10, pad=16)
        ax.set_xlabel('time (s)', fontsize=8)
        if args.scale == 'each':
            fig.colorbar(image, ax=ax, shrink=0.8)
    duration = ann.get('duration')
    axes[0][0].set_ylabel(
        f'{video}' + (f' ({duration:.1f} s)' if duration else '') +
        '\ntime (s)', fontsize=8)
    if args.scale == 'shared':
        fig.colorbar(image, ax=list(axes[0]), shrink=0.8,
                     label='cosine similarity')
    path = osp.join(args.out_dir, f'similarity_{video}.png')
    fig.savefig(path, dpi=args.dpi, bbox_inches='tight')
    plt.close(fig)
    return path


def main():
    args = parse_args()
    annotations = load_annotations(args.ann)
    named = parse_named_paths(args.features)
    videos, data = load_encoder_features(
        named, annotations, args.video, args.stride, args.fps, args.offset,
        max_videos=args.max_videos)
    os.makedirs(args.out_dir, exist_ok=True)
    for video in videos:
        path = plot_video(video, data[video],
                          find_annotation(video, annotations), args)
        print(f'wrote {path}')


if __name__ == '__main__':
    main()
