"""Write the TSP segments of an ActivityNet-style annotation file as an
official TSP ground-truth CSV.

    python tools/data/make_tsp_segments.py ANN.json --out SEGMENTS.csv \\
        [--subset training] [--metadata META.csv] [--fps 30] \\
        [--min-background SECONDS] [--filename-tmpl 'v_{}.mp4']

Rows: every action annotation as it is (region ``Action``), then the
background segments, the gaps of the union of the actions inside
``[0, duration]`` at least ``--min-background`` seconds long (default: one
16x2-frame clip at the video's fps, 16/15 s at 30 fps; the official
ActivityNet files match ``5 * 16 / 15``). See
``docs/en/user_guides/tsp_data.md``.
"""
import argparse
import os
import os.path as osp
import sys

from tsptools.datasets.tsp_segments import (make_segments,
                                            read_activitynet_json,
                                            read_metadata_csv, write_tsp_csv)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Foreground and background segments of an '
        'ActivityNet-style JSON, written as an official TSP CSV')
    parser.add_argument('ann_file', help='ActivityNet-style JSON')
    parser.add_argument('--out', required=True, help='output CSV')
    parser.add_argument(
        '--min-background',
        type=float,
        default=None,
        help='drop background gaps shorter than this (seconds); default: '
        'one clip (clip-len * frame-interval / fps)')
    parser.add_argument(
        '--subset',
        nargs='+',
        default=None,
        help='keep the videos of these subsets (e.g. training); default: all')
    parser.add_argument(
        '--metadata',
        default=None,
        help='official metadata CSV (filename,video-duration,fps,'
        'video-frames); overrides the JSON durations, videos missing from it '
        'are skipped')
    parser.add_argument(
        '--fps',
        type=float,
        default=None,
        help='frame rate of videos with no fps in the JSON or metadata '
        '(default 30, with a warning)')
    parser.add_argument(
        '--filename-tmpl',
        default='{}.mp4',
        help="file name from the video name, e.g. 'v_{}.mp4' for "
        'ActivityNet (a "filename" key in the JSON entry wins)')
    parser.add_argument('--clip-len', type=int, default=16)
    parser.add_argument('--frame-interval', type=int, default=2)
    return parser.parse_args(argv)


def main(argv=None) -> dict:
    args = parse_args(argv)
    metadata = read_metadata_csv(args.metadata) if args.metadata else None
    videos, info = read_activitynet_json(
        args.ann_file,
        subset=args.subset,
        filename_tmpl=args.filename_tmpl,
        metadata=metadata,
        fps=args.fps)
    if not videos:
        sys.exit(f'{args.ann_file}: no video selected (subsets in the file: '
                 f'{info["subsets"]})')
    if info['missing_metadata']:
        print(f'warning: {len(info["missing_metadata"])} videos are not in '
              f'{args.metadata} and are skipped (e.g. '
              f'{", ".join(info["missing_metadata"][:5])})')
    if info['default_fps']:
        print(f'warning: {len(info["default_fps"])} videos have no fps: '
              'assuming 30 (use --fps or --metadata)')
    records, stats = make_segments(videos, args.min_background, args.clip_len,
                                   args.frame_interval)
    out_dir = osp.dirname(osp.abspath(args.out))
    os.makedirs(out_dir, exist_ok=True)
    rows = write_tsp_csv(args.out, records)
    min_bg = ('one clip'
              if args.min_background is None else f'{args.min_background:g} s')
    print(f'{args.ann_file}: {stats["videos"]} videos '
          f'({stats["videos_without_actions"]} without actions), '
          f'{stats["foreground"]} action rows, {stats["background"]} '
          f'background rows; {stats["short_gaps"]} gaps shorter than '
          f'min-background ({min_bg}) dropped')
    print(f'wrote {rows} rows to {args.out}')
    stats['rows'] = rows
    return stats


if __name__ == '__main__':
    main()
