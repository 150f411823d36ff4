"""Evaluate temporal localization results against ActivityNet-style JSON.

    python tools/analysis_tools/eval_localization.py \\
        {detection,proposal,grounding,actionness} GT PRED \\
        [--subset validation] [--tiou-thresholds T ...] \\
        [--max-avg-proposals 100] [--per-class] [--length-breakdown] \\
        [--drop-unknown] [--segment-length 0.2] [--out FILE.json]

GT and PRED are JSON files, plain or gzip-compressed (formats in
docs/en/user_guides/evaluation.md). Prints a table; ``--out`` writes the
numbers as fractions in [0, 1]. Bad input exits with status 1 and a one-line
``error: ...`` message. Needs numpy only: neither torch nor mmengine is
imported (``tests/tools/test_eval_localization_cli.py`` checks it).
"""
import argparse
import json
import sys

import numpy as np
from terminaltables import AsciiTable

from tsptools.evaluation.functional import (
    ACTIVITYNET_TIOU_THRESHOLDS, GROUNDING_TIOU_THRESHOLDS, AnnotationError,
    actionness_ap, average_recall_vs_num_proposals, detection_map,
    grounding_recall, length_breakdown, load_actionness, load_ground_truth,
    load_grounding_ground_truth, load_grounding_predictions,
    load_predictions)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='ActivityNet-protocol evaluation of localization results')
    parser.add_argument(
        'task', choices=['detection', 'proposal', 'grounding', 'actionness'])
    parser.add_argument('gt', help='ground-truth JSON ("database")')
    parser.add_argument('pred', help='prediction JSON ("results")')
    parser.add_argument(
        '--subset', default='validation',
        help='ground-truth subset to evaluate (default: validation)')
    parser.add_argument(
        '--tiou-thresholds', type=float, nargs='+',
        help='tIoU thresholds (default: 0.5:0.05:0.95 for detection and '
        'proposal, 0.3 0.5 0.7 for grounding; THUMOS14: 0.3 0.4 0.5 0.6 0.7)')
    parser.add_argument(
        '--max-avg-proposals', type=int, default=100,
        help='proposal: average number of proposals at the end of the AR-AN '
        'curve (default: 100)')
    parser.add_argument(
        '--per-class', action='store_true',
        help='detection: also report every class\'s AP')
    parser.add_argument(
        '--length-breakdown', action='store_true',
        help='detection: also report average mAP per DETAD length group')
    parser.add_argument(
        '--drop-unknown', action='store_true',
        help='drop predictions whose label (detection), query (grounding) '
        'or video (actionness) is not in the ground truth instead of failing')
    parser.add_argument(
        '--segment-length', type=float, default=0.2,
        help='actionness: segment length in seconds (default: 0.2)')
    parser.add_argument('--out', help='write the results to this JSON file')
    return parser.parse_args(argv)


def _key(t):
    """Threshold as a dictionary key: two decimals unless more are needed."""
    key = f'{t:.2f}'
    return key if abs(float(key) - t) < 1e-9 else f'{t:g}'


def _pct(x):
    return f'{100 * x:.2f}'


def evaluate_detection(args):
    thr = args.tiou_thresholds or ACTIVITYNET_TIOU_THRESHOLDS
    gt = load_ground_truth(args.gt, subset=args.subset)
    pred = load_predictions(args.pred, with_labels=True)
    inputs = (gt['video'], gt['segments'], gt['labels'], pred['video'],
              pred['segments'], pred['scores'], pred['labels'])
    res = detection_map(*inputs, tiou_thresholds=thr,
                        drop_unknown_labels=args.drop_unknown)
    keys = [_key(t) for t in res['tiou_thresholds']]
    out = dict(
        mAP={k: float(m) for k, m in zip(keys, res['mAP'])},
        average_mAP=res['average_mAP'])
    tables = [[['tIoU'] + keys + ['average'],
               ['mAP (%)'] + [_pct(m) for m in res['mAP']] +
               [_pct(res['average_mAP'])]]]
    if args.per_class:
        out['per_class'] = {
            str(c): dict(AP={k: float(a) for k, a in zip(keys, ap)},
                         average_AP=float(ap.mean()))
            for c, ap in zip(res['classes'], res['ap'].T)
        }
        tables.append([['class', 'instances', 'average AP (%)']] + [[
            str(c), str(n), _pct(ap.mean())
        ] for c, n, ap in zip(res['classes'], res['num_positives'],
                              res['ap'].T)])
    if args.length_breakdown:
        groups = length_breakdown(*inputs, tiou_thresholds=thr,
                                  drop_unknown_labels=args.drop_unknown)
        out['length_breakdown'] = {
            name: {k: (None if v != v else v) for k, v in g.items()}
            for name, g in groups.items()  # NaN (empty group) -> null
        }
        tables.append([['length', 'share (%)', 'average mAP (%)']] + [[
            name, f'{100 * g["share"]:.1f}', _pct(g['average_mAP'])
        ] for name, g in groups.items()])
    return out, tables


def evaluate_proposal(args):
    thr = args.tiou_thresholds or ACTIVITYNET_TIOU_THRESHOLDS
    gt = load_ground_truth(args.gt, subset=args.subset, with_labels=False)
    pred = load_predictions(args.pred, with_labels=False)
    res = average_recall_vs_num_proposals(
        gt['video'], gt['segments'], pred['video'], pred['segments'],
        pred['scores'], max_avg_proposals=args.max_avg_proposals,
        tiou_thresholds=thr)
    out = {f'AR@{k}': v for k, v in res['ar'].items()}
    out['AUC'] = res['auc']
    return out, [[list(out), [_pct(v) for v in out.values()]]]


def evaluate_grounding(args):
    thr = args.tiou_thresholds or GROUNDING_TIOU_THRESHOLDS
    gt = load_grounding_ground_truth(args.gt, subset=args.subset)
    pred = load_grounding_predictions(args.pred)
    unknown = sorted(set(pred) - set(gt['query'].tolist()))
    if unknown and not args.drop_unknown:
        raise AnnotationError(
            f'{len(unknown)} predicted queries are not in the ground truth '
            f'(e.g. {unknown[0]!r}; query ids are "<video>#<k>"); '
            'use --drop-unknown to ignore them')
    ranked = [pred.get(q, np.zeros((0, 2))) for q in gt['query']]
    res = grounding_recall(gt['segments'], ranked, tiou_thresholds=thr)
    keys = [_key(t) for t in res['tiou_thresholds']]
    out = {
        f'R@{n}': {k: float(r) for k, r in zip(keys, rec)}
        for n, rec in res['recall'].items()
    }
    out['mean_tIoU'] = res['mean_tIoU']
    table = [['', *[f'tIoU={k}' for k in keys]]] + [
        [name] + [_pct(v) for v in rec.values()]
        for name, rec in out.items() if name != 'mean_tIoU'
    ] + [['mean tIoU (%)', _pct(res['mean_tIoU'])] + [''] * (len(keys) - 1)]
    return out, [table]


def evaluate_actionness(args):
    gt = load_ground_truth(args.gt, subset=args.subset, with_labels=False)
    pred = load_actionness(args.pred)
    videos = gt['videos'].tolist()
    unknown = sorted(set(pred) - set(videos))
    if unknown and not args.drop_unknown:
        raise AnnotationError(
            f'{len(unknown)} predicted videos are not in subset '
            f'"{args.subset}" of the ground truth (e.g. {unknown[0]!r}); '
            'use --drop-unknown to ignore them')
    missing = [v for v in videos if v not in pred]
    if missing:
        raise AnnotationError(
            f'{len(missing)} ground-truth videos have no actionness scores '
            f'(e.g. {missing[0]!r})')
    no_duration = [v for v, d in zip(videos, gt['durations']) if np.isnan(d)]
    if no_duration:
        raise AnnotationError(f'ground-truth video {no_duration[0]!r} has '
                              'no "duration"')
    rows = {v: [] for v in videos}
    for i, v in enumerate(gt['video'].tolist()):
        rows[v].append(i)
    per_video = [gt['segments'][rows[v]] for v in videos]
    res = actionness_ap(gt['durations'], per_video,
                        [pred[v][0] for v in videos],
                        [pred[v][1] for v in videos],
                        segment_length=args.segment_length)
    return res, [[['AP (%)', 'segments', 'foreground'],
                  [_pct(res['AP']), res['num_segments'],
                   res['num_foreground']]]]


def main(argv=None):
    args = parse_args(argv)
    evaluate = dict(
        detection=evaluate_detection,
        proposal=evaluate_proposal,
        grounding=evaluate_grounding,
        actionness=evaluate_actionness)[args.task]
    try:
        out, tables = evaluate(args)
    except (ValueError, OSError) as e:  # AnnotationError is a ValueError
        sys.exit('error: ' + ' '.join(str(e).split()))
    for rows in tables:
        print(AsciiTable([[str(c) for c in row] for row in rows]).table)
    if args.out:
        with open(args.out, 'w') as f:
            json.dump(out, f, indent=2)


if __name__ == '__main__':
    main()
