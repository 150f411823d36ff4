"""How much of what the features hold can the downstream localizer read?

For a SynthActions split, write clip features that *encode the ground truth*
(no video is decoded; only the annotation plan of the split is needed, so
``standard`` costs nothing to generate) at several noise levels, then put
two readers on the same features of the ``testing`` videos:

* a **read-off rule** (no learning, ~20 lines: :func:`read_off`) that
  thresholds each class channel and places the boundaries from the
  fractions at the run's edges;
* the **localizer** of a localizer config, trained and tested through
  ``tools/benchmark_pretraining.py`` (``tools/train.py`` / ``tools/test.py``,
  several seeds) exactly as the encoder benchmark runs it.

The ratio localizer / rule is the yardstick's ceiling: an encoder benchmark
cannot tell apart features that differ by less than what the localizer
loses on features that say where every action is.

Feature ``t`` of a video covers the frames of clip ``t`` of the encoders'
extraction grid (``--clip-len`` x ``--frame-interval`` frames every
``--stride`` sampled frames: the SynthActions configs' 16 x 2 / 16, 1.07 s
per step) and has ``C + D`` channels (``C`` classes, ``D =
--distractors``):

* ``0 .. C-1``: the fraction of the clip's frames inside an instance of
  class ``c`` (sub-step boundary information, as a perfect encoder would
  keep it);
* ``C .. C+D-1`` (none by default): distractors, smooth random walks of unit
  variance unrelated to the ground truth (what a real encoder also
  encodes: actors, backgrounds);
* plus i.i.d. Gaussian noise of std ``sigma`` on every channel.

Usage::

    python benchmarks/localizer_ceiling.py --preset small \\
        [--noise 0.1 0.25 0.5] [--distractors 0] [--num-seeds 3] \\
        [--config LOCALIZER_CONFIG] [--work-dir work_dirs/ceiling/small] \\
        [--jobs 2] [--train-videos N [N ...]] [--cfg-options k=v ...]

``--train-videos 24 50 100 200`` draws a learning curve: the localizer
trains on the first ``N`` training videos only (``dataset.indices``), for
as many iterations as the whole split trains (epochs, warm-up and validation
intervals scaled up; config ``train<N>.py`` in the work dir), one table row
per ``N``; it tells how many videos the localizer needs to read what the
features hold.

Prints one table (avg mAP, mAP@0.5, AR@100 of the rule and of the localizer,
mean ± std over seeds, and the ratio) and saves it as ``ceiling.json`` /
``ceiling.md`` in the work dir. Everything resumes (runs with a
``metrics.json`` are not repeated).
"""
import argparse
import json
import math
import os
import os.path as osp
import sys
import time
from typing import Dict, List, Tuple

import numpy as np

REPO_ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
sys.path.insert(0, REPO_ROOT)

from tsptools.core.clip_plan import (clip_centre_times,  # noqa: E402
                                     clip_frame_indices, clip_starts)
from tsptools.evaluation.functional import (  # noqa: E402
    ACTIVITYNET_TIOU_THRESHOLDS, average_recall_vs_num_proposals,
    detection_map)

DEFAULT_CONFIGS = dict(
    small='configs/localizer/'
    'localizer-fpn1d_r2plus1d-18-w16_tsp-pre_1xb4-80e_synthactions-small.py',
    standard='configs/localizer/'
    'localizer-fpn1d_r2plus1d-18-w16_tsp-pre_1xb8-80e_synthactions-standard.py'
)
#: The noise level the issue's goal is stated at ("moderate").
MODERATE_NOISE = 0.25


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--preset', default='small',
                        choices=['tiny', 'small', 'standard'])
    parser.add_argument('--seed', type=int, default=0,
                        help='SynthActions dataset seed (default 0, as '
                        '`make demo`)')
    parser.add_argument('--num-classes', type=int, default=10)
    parser.add_argument('--noise', type=float, nargs='+',
                        default=[0.1, MODERATE_NOISE, 0.5],
                        help='std of the Gaussian noise, one feature set '
                        'each (default 0.1 0.25 0.5)')
    parser.add_argument('--feature-seed', type=int, default=0,
                        help='seed of the noise and the distractors')
    parser.add_argument('--distractors', type=int, default=0,
                        help='distractor channels (default 0: class '
                        'fractions and noise only)')
    parser.add_argument('--clip-len', type=int, default=16)
    parser.add_argument('--frame-interval', type=int, default=2)
    parser.add_argument('--stride', type=int, default=16,
                        help='clip stride in sampled frames (default 16, '
                        "the SynthActions encoders' extract_cfg)")
    parser.add_argument('--config', help='localizer config (default: the '
                        "preset's SynthActions localizer config)")
    parser.add_argument('--num-seeds', type=int, default=3)
    parser.add_argument('--jobs', type=int, default=1)
    parser.add_argument('--skip-localizer', action='store_true',
                        help='only write the features and score the rule')
    parser.add_argument('--work-dir', help='default work_dirs/ceiling/PRESET')
    parser.add_argument('--train-videos', type=int, nargs='+',
                        help='learning curve: train on the first N '
                        'training videos, as many iterations as the whole '
                        'split (one row per N)')
    parser.add_argument('--cfg-options', nargs='+', default=[],
                        metavar='KEY=VALUE',
                        help='overrides for the localizer config')
    args = parser.parse_args(argv)
    if args.config is None:
        if args.preset not in DEFAULT_CONFIGS:
            parser.error(f'give --config for preset {args.preset!r}')
        args.config = osp.join(REPO_ROOT, DEFAULT_CONFIGS[args.preset])
    args.work_dir = osp.abspath(args.work_dir or osp.join(
        'work_dirs', 'ceiling', args.preset))
    if args.train_videos and min(args.train_videos) < 1:
        parser.error('--train-videos must be positive')
    return args


# ---------------------------------------------------------------------------
# Annotations and features
# ---------------------------------------------------------------------------


def write_annotations(args) -> Tuple[str, str, List[dict], List[str]]:
    """The split's annotation files, as ``generate_synthetic.py`` writes
    them (same plan, same seed), without rendering any video."""
    from tsptools.datasets.synthactions import class_names, get_preset
    from tsptools.datasets.synthactions.annotations import \
        write_untrimmed_annotations
    from tsptools.datasets.synthactions.plan import plan_untrimmed
    cfg = get_preset(args.preset)
    names = class_names(args.num_classes)
    videos = plan_untrimmed(args.seed, cfg, args.num_classes)
    ann_dir = osp.join(args.work_dir, 'annotations')
    os.makedirs(ann_dir, exist_ok=True)
    write_untrimmed_annotations(ann_dir, videos, names, cfg['width'],
                                cfg['height'], 'SynthActions ceiling')
    return (osp.join(ann_dir, 'synthactions.json'),
            osp.join(ann_dir, 'class_index.json'), videos, names)


def clip_windows(num_frames: int, args) -> Tuple[np.ndarray, np.ndarray]:
    """``(frames T x 2, centre times T)``: the first and one-past-last
    source frame each clip of the extraction grid covers, and its time."""
    fps = 30.0
    starts, _ = clip_starts(num_frames, args.clip_len, args.frame_interval,
                            args.stride, 'drop')
    index = clip_frame_indices(starts, num_frames, args.clip_len,
                               args.frame_interval).reshape(len(starts), -1)
    last = np.minimum(index[:, -1] + args.frame_interval, num_frames)
    frames = np.stack([index[:, 0], last], axis=1).astype(np.float64)
    times = clip_centre_times(starts, num_frames, fps, args.clip_len,
                              args.frame_interval)
    return frames, times


def class_fractions(video: dict, frames: np.ndarray,
                    num_classes: int) -> np.ndarray:
    """``T x C``: the fraction of each clip's frames inside an instance of
    each class."""
    out = np.zeros((len(frames), num_classes))
    length = frames[:, 1] - frames[:, 0]
    for inst in video['instances']:
        a, b = inst['start_frame'], inst['end_frame']
        overlap = np.clip(np.minimum(frames[:, 1], b) -
                          np.maximum(frames[:, 0], a), 0, None)
        out[:, inst['label']] += overlap / length
    return np.clip(out, 0.0, 1.0)


def distractors(rng: np.random.Generator, num: int,
                channels: int) -> np.ndarray:
    """Smooth random walks, unit std per channel."""
    walk = np.cumsum(rng.normal(size=(num, channels)), axis=0)
    walk -= walk.mean(axis=0)
    return walk / np.maximum(walk.std(axis=0), 1e-6)


def write_features(videos: List[dict], sigma: float, out_dir: str,
                   args) -> Dict[str, dict]:
    """``<video>.npy`` (T x 2C float32) and ``clip_times/<video>.npy``;
    returns the fractions and clip frames of every video for the rule."""
    os.makedirs(osp.join(out_dir, 'clip_times'), exist_ok=True)
    keep = {}
    for video in videos:
        frames, times = clip_windows(video['num_frames'], args)
        frac = class_fractions(video, frames, args.num_classes)
        rng = np.random.default_rng(
            [args.feature_seed, video['index'], int(round(sigma * 1000))])
        feats = np.concatenate(
            [frac, distractors(rng, len(frac), args.distractors)], axis=1)
        feats = feats + rng.normal(scale=sigma, size=feats.shape)
        np.save(osp.join(out_dir, 'clip_times', f"{video['name']}.npy"),
                times)
        np.save(osp.join(out_dir, f"{video['name']}.npy"),
                feats.astype(np.float32))
        keep[video['name']] = dict(features=feats, frames=frames)
    return keep


# ---------------------------------------------------------------------------
# The read-off rule
# ---------------------------------------------------------------------------


def read_off(fractions: np.ndarray, frames: np.ndarray, fps: float = 30.0,
             threshold: float = 0.5) -> List[Tuple[float, float, float, int]]:
    """Segments ``(start s, end s, score, class)`` read off the class
    channels: every run of steps whose channel is above ``threshold`` is one
    segment; its start is the run's first clip start moved by the (clipped)
    fractions of the first clip and the one before it, likewise its end;
    the score is the run's mean fraction."""
    out = []
    f = np.clip(fractions, 0.0, 1.0)
    length = (frames[:, 1] - frames[:, 0]).mean()
    for c in range(f.shape[1]):
        above = np.concatenate([[False], f[:, c] > threshold, [False]])
        edges = np.flatnonzero(np.diff(above.astype(np.int8)))
        for i, j in zip(edges[::2], edges[1::2] - 1):
            before = f[i - 1, c] if i > 0 else 0.0
            after = f[j + 1, c] if j + 1 < len(f) else 0.0
            start = frames[i, 0] + (1 - f[i, c] - before) * length
            end = frames[j, 1] - (1 - f[j, c] - after) * length
            if end > start:
                out.append((start / fps, end / fps,
                            float(f[i:j + 1, c].mean()), c))
    return out


def score_rule(videos: List[dict], kept: Dict[str, dict], names: List[str],
               num_classes: int) -> Dict[str, float]:
    """The rule's test metrics (%), with the metrics' protocol."""
    test = [v for v in videos if v['subset'] == 'testing']
    gt_v, gt_s, gt_l = [], [], []
    for v in test:
        for inst in v['instances']:
            gt_v.append(v['name'])
            gt_s.append(inst['segment'])
            gt_l.append(names[inst['label']])
    p_v, p_s, p_sc, p_l = [], [], [], []
    for v in test:
        entry = kept[v['name']]
        for start, end, score, c in read_off(
                entry['features'][:, :num_classes], entry['frames']):
            p_v.append(v['name'])
            p_s.append([start, min(end, v['duration'])])
            p_sc.append(score)
            p_l.append(names[c])
    det = detection_map(gt_v, gt_s, gt_l, p_v, np.reshape(p_s, (-1, 2)),
                        p_sc, p_l, ACTIVITYNET_TIOU_THRESHOLDS,
                        drop_unknown_labels=True)
    prop = average_recall_vs_num_proposals(gt_v, gt_s, p_v,
                                           np.reshape(p_s, (-1, 2)), p_sc,
                                           max_avg_proposals=100)
    return {
        'average_mAP': 100 * float(det['average_mAP']),
        'mAP@0.50': 100 * float(det['mAP'][0]),
        'AR@100': 100 * float(prop['ar'][100]),
        'num_predictions': len(p_v),
    }


# ---------------------------------------------------------------------------
# Main
# ---------------------------------------------------------------------------


def localizer_runs(feature_dirs: Dict[str, str], ann_file: str,
                   class_index: str, args, config: str,
                   work_dir: str) -> dict:
    """Train and test the localizer on every feature set through the
    encoder benchmark (one owner of the train/test/table steps)."""
    sys.path.insert(0, osp.join(REPO_ROOT, 'tools'))
    import benchmark_pretraining
    argv = [config, '--encoders'] + [
        f'{name}=features:{path}' for name, path in feature_dirs.items()
    ] + ['--ann-file', ann_file, '--class-index', class_index,
         '--num-seeds', str(args.num_seeds), '--jobs', str(args.jobs),
         '--work-dir', work_dir]
    if args.cfg_options:
        argv += ['--cfg-options', *args.cfg_options]
    cwd = os.getcwd()
    os.chdir(REPO_ROOT)
    try:
        return benchmark_pretraining.main(argv)
    finally:
        os.chdir(cwd)


def learning_curve_config(args, num_videos: int, num_train: int) -> str:
    """Write ``train<num_videos>.py`` in the work dir: ``args.config``
    trained on its first ``num_videos`` training videos (of ``num_train``)
    for as many iterations as the whole split: epochs, the epoch-based
    schedulers' ``begin``/``end``/``T_max`` and the validation and
    checkpoint intervals scaled by the ratio of iterations per epoch."""
    from mmengine.config import Config
    cfg = Config.fromfile(args.config)
    batch = int(cfg.train_dataloader.batch_size)
    used = min(num_videos, num_train)
    factor = math.ceil(num_train / batch) / math.ceil(used / batch)

    def scale(epochs):
        return max(1, int(round(epochs * factor)))

    max_epochs = scale(cfg.train_cfg.max_epochs)
    train_cfg = dict(max_epochs=max_epochs)
    if 'val_interval' in cfg.train_cfg:
        train_cfg['val_interval'] = scale(cfg.train_cfg.val_interval)
    schedulers = []
    for sched in cfg.get('param_scheduler') or []:
        sched = dict(sched)
        if sched.get('by_epoch', True):
            for key in ('begin', 'end', 'T_max'):
                if key in sched:
                    sched[key] = scale(sched[key]) if sched[key] else 0
            sched['end'] = min(sched.get('end', max_epochs), max_epochs)
        schedulers.append(sched)
    lines = [
        f'# {osp.basename(args.config)} on the first {num_videos} '
        f'training videos (of {num_train}),',
        f'# {factor:.3g}x the epochs: as many iterations as the whole split '
        '(localizer_ceiling.py --train-videos).',
        f'_base_ = [{osp.abspath(args.config)!r}]',
        f'train_dataloader = dict(dataset=dict(indices={num_videos}))',
        'train_cfg = dict(' +
        ', '.join(f'{k}={v!r}' for k, v in train_cfg.items()) + ')',
        f'param_scheduler = {schedulers!r}',
    ]
    ckpt = (cfg.get('default_hooks') or {}).get('checkpoint') or {}
    if 'interval' in ckpt:
        lines.append('default_hooks = dict(checkpoint=dict(interval='
                     f'{scale(ckpt["interval"])}))')
    path = osp.join(args.work_dir, f'train{num_videos}.py')
    with open(path, 'w') as f:
        f.write('\n'.join(lines) + '\n')
    return path


def summary_of(report: dict, name: str, key: str) -> Tuple[float, float]:
    entry = report['encoders'][name]['summary'].get(key)
    if entry is None:
        return float('nan'), float('nan')
    std = entry.get('std')
    return (100 * float(entry['mean']),
            float('nan') if std is None else 100 * float(std))


def fmt(mean: float, std: float = float('nan')) -> str:
    if np.isnan(mean):
        return '–'
    return f'{mean:.1f}' + ('' if np.isnan(std) else f' ± {std:.1f}')


def plot_learning_curve(curve: Dict[str, List[dict]], rule: Dict[str, dict],
                        path: str, title: str) -> None:
    """Two panels, avg mAP and AR@100 (%) against the number of training
    videos: the localizer's mean ± std over seeds, the rule's value dashed
    (and 0.9x the rule's avg mAP dotted, the goal), one colour per noise
    level."""
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    fig, axes = plt.subplots(1, 2, figsize=(10, 4))
    for k, name in enumerate(curve):
        color = f'C{k}'
        points = curve[name]
        x = [p['train_videos'] for p in points]
        for ax, key, rule_key in ((axes[0], 'average_mAP', 'average_mAP'),
                                  (axes[1], 'AR100', 'AR@100')):
            mean = [p[key][0] for p in points]
            std = [0.0 if np.isnan(p[key][1]) else p[key][1]
                   for p in points]
            ax.errorbar(x, mean, yerr=std, marker='o', capsize=3,
                        color=color, label=f'localizer, {name}')
            ax.axhline(rule[name][rule_key], color=color, ls='--',
                       label=f'rule, {name}')
            if key == 'average_mAP':
                ax.axhline(0.9 * rule[name][rule_key], color=color, ls=':',
                           label=f'0.9 x rule, {name}')
    ticks = sorted({p['train_videos'] for points in curve.values()
                    for p in points})
    for ax, label in zip(axes, ('avg mAP (%)', 'AR@100 (%)')):
        ax.set_xscale('log')
        ax.set_xticks(ticks)
        ax.set_xticklabels([str(t) for t in ticks])
        ax.minorticks_off()
        ax.set_xlabel('training videos')
        ax.set_ylabel(label)
        ax.grid(alpha=0.3)
    for ax in axes:
        ax.legend(fontsize=8, loc='lower right')
    fig.suptitle(f'localizer ceiling, {title}', fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def main(argv=None) -> dict:
    args = parse_args(argv)
    start = time.time()
    ann_file, class_index, videos, names = write_annotations(args)
    rule, feature_dirs = {}, {}
    for sigma in args.noise:
        name = f'noise{sigma:g}'
        out = osp.join(args.work_dir, 'features', name)
        kept = write_features(videos, sigma, out, args)
        feature_dirs[name] = out
        rule[name] = score_rule(videos, kept, names, args.num_classes)
        print(f'[{name}] read-off rule: avg mAP '
              f"{rule[name]['average_mAP']:.1f}, mAP@0.5 "
              f"{rule[name]['mAP@0.50']:.1f}, AR@100 "
              f"{rule[name]['AR@100']:.1f}", flush=True)
    runs = [(None, args.config, osp.join(args.work_dir, 'localizer'))]
    if args.train_videos:
        num_train = sum(1 for v in videos
                        if v['subset'] == 'training' and v['instances'])
        runs = [(n, learning_curve_config(args, n, num_train),
                 osp.join(args.work_dir, 'localizer', f'train{n}'))
                for n in args.train_videos]
    header = ['noise', 'rule avg mAP', 'rule mAP@0.5', 'rule AR@100',
              'localizer avg mAP', 'localizer mAP@0.5', 'localizer AR@100',
              'ratio avg mAP']
    if args.train_videos:
        header.insert(0, 'training videos')
    rows = [header]
    curve = {name: [] for name in feature_dirs}
    for num_videos, config, work_dir in runs:
        report = None
        if not args.skip_localizer:
            report = localizer_runs(feature_dirs, ann_file, class_index,
                                    args, config, work_dir)
        for name in feature_dirs:
            r = rule[name]
            row = [name[len('noise'):], fmt(r['average_mAP']),
                   fmt(r['mAP@0.50']), fmt(r['AR@100'])]
            if num_videos is not None:
                row.insert(0, str(num_videos))
            if report is not None:
                avg = summary_of(report, name, 'average_mAP')
                m50 = summary_of(report, name, 'mAP@0.50')
                ar = summary_of(report, name, 'AR@100')
                row += [fmt(*avg), fmt(*m50), fmt(*ar),
                        f"{avg[0] / r['average_mAP']:.2f}"]
                curve[name].append(
                    dict(train_videos=num_videos, average_mAP=avg,
                         AR100=ar))
            else:
                row += ['–'] * 4
            rows.append(row)
    from terminaltables import AsciiTable
    print(AsciiTable(rows, title=f' localizer ceiling: {args.preset} '
                     '(testing) ').table)
    print(f'localizer: {osp.relpath(args.config, REPO_ROOT)}, '
          f'{args.num_seeds} seeds; {time.time() - start:.0f} s')
    result = dict(preset=args.preset, config=args.config, rule=rule,
                  noise=args.noise, num_seeds=args.num_seeds,
                  train_videos=args.train_videos, table=rows,
                  curve=curve if args.train_videos else None,
                  total_s=time.time() - start)
    with open(osp.join(args.work_dir, 'ceiling.json'), 'w') as f:
        json.dump(result, f, indent=1)
    with open(osp.join(args.work_dir, 'ceiling.md'), 'w') as f:
        f.write('| ' + ' | '.join(header) + ' |\n')
        f.write('| ' + ' | '.join('---' for _ in header) + ' |\n')
        for row in rows[1:]:
            f.write('| ' + ' | '.join(row) + ' |\n')
    if args.train_videos and not args.skip_localizer:
        path = osp.join(args.work_dir, 'ceiling_curve.png')
        plot_learning_curve(curve, rule, path,
                            f'{args.preset}: {osp.basename(args.config)}')
        print(f'learning curve: {path}')
    return result


if __name__ == '__main__':
    main()
