"""How many background rows of a TSP ground-truth CSV does our rule
reproduce?

    python tools/data/check_tsp_segments.py GROUNDTRUTH.csv \\
        [--min-background SECONDS] [--tol 1e-3] [--show 5]

For each video of the CSV, the rule of ``make_tsp_segments.py`` (gaps of the
union of the video's action rows inside ``[0, video-duration]``, at least
``--min-background`` seconds long; default one 16x2-frame clip at the video's
fps) is applied to the action rows, and the background rows it produces are
matched one-to-one with the CSV's background rows. A CSV row is *reproduced*
when a rule segment of the same video has both ends within ``--tol`` seconds
of it. *Missing* rows are CSV rows the rule does not produce; *extra* are rule
segments absent from the CSV. Missing rows are classified:

* ``beyond duration``: the row ends after the video's duration (the rule
  clips to the video);
* ``inside an action``: the row overlaps the union of the actions (the rule
  never puts background inside an action, e.g. between nested or overlapping
  instances);
* ``other``: anything else (e.g. a gap shorter than ``--min-background``,
  or one split at a zero-length action).

``--rule consecutive`` replaces our rule by the one the official files appear
to follow, for diagnosis only: actions sorted by start time, background from
the end of each action to the start of the next (and from 0 to the first,
from the last to the video's end), neither merged nor clipped. It can put
background inside a longer action, which is why tsptools does not use it.
"""
import argparse
from collections import OrderedDict

from tsptools.datasets.tsp_segments import (EPS, background_segments,
                                            clip_duration, make_segments,
                                            read_tsp_csv)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Compare the background rule with a TSP ground-truth CSV')
    parser.add_argument('csv', help='official *_tsp_groundtruth.csv')
    parser.add_argument(
        '--min-background',
        type=float,
        default=None,
        help='seconds; default one clip (clip-len * frame-interval / fps)')
    parser.add_argument(
        '--tol',
        type=float,
        default=1e-3,
        help='largest difference (seconds) at either end for a match')
    parser.add_argument('--clip-len', type=int, default=16)
    parser.add_argument('--frame-interval', type=int, default=2)
    parser.add_argument(
        '--rule',
        choices=('union', 'consecutive'),
        default='union',
        help='union: the tsptools rule (default); consecutive: the rule the '
        'official files appear to follow (diagnosis only)')
    parser.add_argument(
        '--show', type=int, default=0, help='print this many missing rows')
    return parser.parse_args(argv)


def _overlaps(segment, union, tol):
    return any(min(segment[1], b) - max(segment[0], a) > tol for a, b in union)


def consecutive_gaps(actions, duration, min_background):
    """Gaps between consecutive actions sorted by start time, unmerged and
    unclipped (what the official CSVs appear to contain)."""
    actions = sorted(a[:2] for a in actions)
    edges = [0.0] + [t for a in actions for t in a] + [duration]
    gaps = [(edges[i], edges[i + 1]) for i in range(0, len(edges), 2)]
    return [g for g in gaps if g[1] - g[0] >= min_background - EPS]


def compare(records,
            min_background=None,
            tol=1e-3,
            clip_len=16,
            frame_interval=2,
            rule='union'):
    """Match the rule's background segments with the background records.

    Returns:
        dict with ``official`` (background rows), ``reproduced``,
        ``missing``, ``extra``, ``rule`` (rule segments), the missing rows by
        cause (``beyond_duration``, ``inside_action``, ``other``) and
        ``missing_rows`` (the records).
    """
    videos = OrderedDict()
    for r in records:
        video = videos.setdefault(
            r['video_name'],
            dict(
                video_name=r['video_name'],
                filename=r['filename'],
                duration=r['duration'],
                fps=r['fps'],
                total_frames=r['total_frames'],
                annotations=[],
                background=[]))
        if r['label']:
            video['annotations'].append((r['t_start'], r['t_end'], r['label']))
        else:
            video['background'].append(r)
    result = dict.fromkeys(
        ('official', 'reproduced', 'missing', 'extra', 'rule',
         'beyond_duration', 'inside_action', 'other'), 0)
    result['missing_rows'] = []
    for video in videos.values():
        if rule == 'consecutive':
            minimum = (
                clip_duration(clip_len, frame_interval, video['fps'])
                if min_background is None else min_background)
            gaps = consecutive_gaps(video['annotations'], video['duration'],
                                    minimum)
        else:
            generated, _ = make_segments([video], min_background, clip_len,
                                         frame_interval)
            gaps = [(g['t_start'], g['t_end']) for g in generated
                    if not g['label']]
        used = [False] * len(gaps)
        union = None
        for row in video['background']:
            result['official'] += 1
            for i, (a, b) in enumerate(gaps):
                if (not used[i] and abs(a - row['t_start']) < tol
                        and abs(b - row['t_end']) < tol):
                    used[i] = True
                    result['reproduced'] += 1
                    break
            else:
                result['missing'] += 1
                result['missing_rows'].append(row)
                if union is None:
                    # Union of the clipped actions = complement of all gaps.
                    holes = background_segments(
                        [a[:2] for a in video['annotations']],
                        video['duration'])
                    edges = [0.0] + [t for g in holes
                                     for t in g] + [video['duration']]
                    union = [(edges[i], edges[i + 1])
                             for i in range(0, len(edges), 2)
                             if edges[i + 1] - edges[i] > EPS]
                if row['t_end'] > video['duration'] + tol:
                    result['beyond_duration'] += 1
                elif _overlaps((row['t_start'], row['t_end']), union, tol):
                    result['inside_action'] += 1
                else:
                    result['other'] += 1
        result['rule'] += len(gaps)
        result['extra'] += used.count(False)
    return result


def main(argv=None) -> dict:
    args = parse_args(argv)
    records = read_tsp_csv(args.csv)
    result = compare(records, args.min_background, args.tol, args.clip_len,
                     args.frame_interval, args.rule)
    n = result['official']
    share = 100.0 * result['reproduced'] / n if n else float('nan')
    min_bg = ('one clip'
              if args.min_background is None else f'{args.min_background:g} s')
    print(f'{args.csv} (rule {args.rule}, min-background {min_bg}, tol '
          f'{args.tol:g} s):')
    print(f'  official background rows: {n}')
    print(f'  reproduced: {result["reproduced"]} ({share:.2f}%)')
    print(f'  missing (official rows the rule does not produce): '
          f'{result["missing"]} = {result["beyond_duration"]} beyond the '
          f'video duration + {result["inside_action"]} inside an action + '
          f'{result["other"]} other')
    print(f'  extra (rule segments not in the official file): '
          f'{result["extra"]} of {result["rule"]}')
    for row in result['missing_rows'][:args.show]:
        print(f'  missing: {row["video_name"]} [{row["t_start"]:.3f}, '
              f'{row["t_end"]:.3f}] (duration {row["duration"]:.3f}, '
              f'{row["source"]})')
    result['percent'] = share
    return result


if __name__ == '__main__':
    main()
