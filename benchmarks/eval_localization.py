"""Time the localization evaluators on ActivityNet-sized generated sets.

    python benchmarks/eval_localization.py [--videos 5000] [--repeat 3]

Detection: ``videos`` x 20 predictions over 200 classes (1-3 ground-truth
instances per video); proposals: ``videos`` x 100 proposals. Runs pinned to
one CPU core with one thread; the data come from a seeded numpy generator.
Prints the evaluation time (arrays in memory) and, separately, the time to
read and validate the same data from ActivityNet JSON files; each as the best
of ``--repeat`` runs, wall-clock and CPU time of this process (the CPU time
is the steadier one on a shared machine).
"""
import os

for _var in ('OMP_NUM_THREADS', 'OPENBLAS_NUM_THREADS', 'MKL_NUM_THREADS'):
    os.environ[_var] = '1'

import argparse  # noqa: E402
import json  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

from tsptools.evaluation.functional import (  # noqa: E402
    average_recall_vs_num_proposals, detection_map, load_ground_truth,
    load_predictions)


def generate(num_videos, preds_per_video, num_classes, seed=0):
    """Ground truth and predictions shaped like ActivityNet results."""
    rng = np.random.default_rng(seed)
    duration = rng.uniform(30, 300, num_videos)
    n_gt = rng.integers(1, 4, num_videos)
    gt_video = np.repeat(np.arange(num_videos), n_gt)
    length = rng.uniform(0.05, 0.6, len(gt_video)) * duration[gt_video]
    start = rng.uniform(0, 1, len(gt_video)) * (duration[gt_video] - length)
    gt_seg = np.stack([start, start + length], axis=1)
    gt_label = rng.integers(0, num_classes, len(gt_video))

    pred_video = np.repeat(np.arange(num_videos), preds_per_video)
    # Most predictions jitter a ground truth of their video, with its label.
    first = np.concatenate([[0], np.cumsum(n_gt)[:-1]])
    source = first[pred_video] + rng.integers(0, n_gt[pred_video])
    jitter = rng.normal(0, 0.15, (len(pred_video), 2)) * length[source, None]
    pred_seg = np.sort(gt_seg[source] + jitter, axis=1).clip(0)
    pred_label = np.where(
        rng.random(len(pred_video)) < 0.8, gt_label[source],
        rng.integers(0, num_classes, len(pred_video)))
    names = np.array([f'v_{i:06d}' for i in range(num_videos)])
    return dict(
        gt_video=names[gt_video], gt_seg=gt_seg, gt_label=gt_label,
        pred_video=names[pred_video], pred_seg=pred_seg,
        pred_label=pred_label, pred_score=rng.random(len(pred_video)),
        subset=dict(zip(names, ['validation'] * num_videos)))


def to_json(data, folder, with_labels):
    database, results = {}, {}
    for v, seg, lab in zip(data['gt_video'], data['gt_seg'].tolist(),
                           data['gt_label'].tolist()):
        database.setdefault(v, dict(subset='validation', annotations=[]))
        database[v]['annotations'].append(
            dict(segment=seg, label=f'c{lab}'))
    for v, seg, lab, score in zip(data['pred_video'],
                                  data['pred_seg'].tolist(),
                                  data['pred_label'].tolist(),
                                  data['pred_score'].tolist()):
        item = dict(segment=seg, score=score)
        if with_labels:
            item['label'] = f'c{lab}'
        results.setdefault(v, []).append(item)
    gt_path = os.path.join(folder, 'gt.json')
    pred_path = os.path.join(folder, 'pred.json')
    with open(gt_path, 'w') as f:
        json.dump(dict(database=database), f)
    with open(pred_path, 'w') as f:
        json.dump(dict(results=results), f)
    return gt_path, pred_path


def best_of(repeat, fn):
    """``('wall s / cpu s', output)``, best of ``repeat`` runs."""
    wall, cpu = [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        out = fn()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return f'{min(wall):.3f} s wall, {min(cpu):.3f} s CPU', out


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--videos', type=int, default=5000)
    parser.add_argument('--repeat', type=int, default=3)
    args = parser.parse_args()
    if hasattr(os, 'sched_setaffinity'):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})

    det = generate(args.videos, 20, 200)
    sec, res = best_of(args.repeat, lambda: detection_map(
        det['gt_video'], det['gt_seg'], det['gt_label'], det['pred_video'],
        det['pred_seg'], det['pred_score'], det['pred_label']))
    print(f'detection mAP: {args.videos} videos x 20 predictions, 200 '
          f'classes, {len(det["gt_video"])} instances: {sec} '
          f'(average mAP {res["average_mAP"]:.4f})')

    prop = generate(args.videos, 100, 200, seed=1)
    sec, res = best_of(args.repeat, lambda: average_recall_vs_num_proposals(
        prop['gt_video'], prop['gt_seg'], prop['pred_video'],
        prop['pred_seg'], prop['pred_score'], max_avg_proposals=100))
    print(f'proposal AR@AN: {args.videos} videos x 100 proposals: '
          f'{sec} (AR@100 {res["ar"][100]:.4f}, AUC '
          f'{res["auc"]:.4f})')

    with tempfile.TemporaryDirectory() as folder:
        for name, data, labels in (('detection', det, True),
                                   ('proposal', prop, False)):
            gt_path, pred_path = to_json(data, folder, labels)
            sec, _ = best_of(args.repeat, lambda: (
                load_ground_truth(gt_path, with_labels=labels),
                load_predictions(pred_path, with_labels=labels)))
            print(f'reading + validating the {name} JSON files: {sec}')


if __name__ == '__main__':
    main()
