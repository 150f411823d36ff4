"""Time the localization evaluators, in memory and process to process.

    python benchmarks/eval_localization.py [--videos 5000] [--repeat 3]
        [--runs 5] [--official DIR [--official-python PY] [--official-runs 1]]
        [--skip-in-memory]

In memory: detection, ``videos`` x 20 predictions over 200 classes (1-3
ground-truth instances per video); proposals, ``videos`` x 100 proposals.
Prints the evaluation time (arrays in memory) and, separately, the time to
read and validate the same data from ActivityNet JSON files; each as the best
of ``--repeat`` runs, wall-clock and CPU time of this process (the CPU time
is the steadier one on a shared machine).

Process to process: ``tools/analysis_tools/eval_localization.py`` run as a
new process on files shaped like the real sets -- ActivityNet v1.3
validation (4,926 videos, 7,654 instances, 200 classes; 62,572 detections,
or 100 proposals per video) and THUMOS14 test (212 videos, 3,358 instances,
20 classes, 200 detections per video, tIoU 0.3:0.1:0.7) -- and a process
that only imports the command line's module; the median of ``--runs`` runs,
wall-clock and CPU time of the child process.

``--official DIR`` also runs the official ActivityNet evaluation code
(``Evaluation/`` of github.com/activitynet/ActivityNet, fetched by you; not
part of tsptools) on the same files, process to process, and prints how many
times faster tsptools is. DIR is that folder or the repository. The code is
Python 2: a Python 3 copy goes to a temporary folder (``print`` calls,
``iteritems`` -> ``items``) and runs with stand-ins for what Python 3 and
numpy 2 lack (``xrange``, ``urllib2``, ``np.float``, ``np.int``,
``np.trapz``), joblib's ``Parallel`` as a plain loop (one core, as tsptools)
and no blocked-video request. It needs pandas: ``--official-python`` names an
interpreter that has it.

Every run is pinned to one CPU core with one thread; the data come from a
seeded numpy generator.
"""
import os

for _var in ('OMP_NUM_THREADS', 'OPENBLAS_NUM_THREADS', 'MKL_NUM_THREADS'):
    os.environ[_var] = '1'

import argparse  # noqa: E402
import json  # noqa: E402
import os.path as osp  # noqa: E402
import re  # noqa: E402
import resource  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

from tsptools.evaluation.functional import (  # noqa: E402
    ACTIVITYNET_TIOU_THRESHOLDS, THUMOS14_TIOU_THRESHOLDS,
    average_recall_vs_num_proposals, detection_map, load_ground_truth,
    load_predictions)

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
CLI = osp.join(ROOT, 'tools', 'analysis_tools', 'eval_localization.py')

#: Sets shaped like the real ones (sizes of the ground truth in the TSP
#: annotation files; 62,572 detections as in a measured ActivityNet run).
CASES = [
    dict(name='ActivityNet v1.3 validation, detection', task='detection',
         subset='validation', videos=4926, instances=7654, classes=200,
         predictions=62572, tiou=ACTIVITYNET_TIOU_THRESHOLDS, seed=2),
    dict(name='THUMOS14 test, detection', task='detection', subset='test',
         videos=212, instances=3358, classes=20, predictions=212 * 200,
         tiou=THUMOS14_TIOU_THRESHOLDS, duration=(30, 400),
         rel_length=(0.005, 0.05), seed=3),
    dict(name='ActivityNet v1.3 validation, proposals', task='proposal',
         subset='validation', videos=4926, instances=7654, classes=200,
         predictions=4926 * 100, tiou=ACTIVITYNET_TIOU_THRESHOLDS, seed=4),
]

#: Runs the Python 3 copy of the official code; prints the result as JSON.
OFFICIAL_DRIVER = '''\
import builtins, json, sys, types
import numpy as np
builtins.xrange = range
np.float, np.int = float, int
if not hasattr(np, 'trapz'):
    np.trapz = np.trapezoid
sys.modules['urllib2'] = types.ModuleType('urllib2')
joblib = types.ModuleType('joblib')
joblib.delayed = lambda fn: fn  # calls run in the generator, one by one
joblib.Parallel = lambda **kwargs: list
sys.modules['joblib'] = joblib
task, gt, pred, subset = sys.argv[1:5]
tiou = np.array([float(t) for t in sys.argv[5].split(',')])
if task == 'detection':
    from eval_detection import ANETdetection
    ev = ANETdetection(gt, pred, subset=subset, tiou_thresholds=tiou,
                       verbose=False, check_status=False)
    ev.evaluate()
    print(json.dumps(dict(average_mAP=float(ev.average_mAP))))
else:
    from eval_proposal import ANETproposal
    ev = ANETproposal(gt, pred, subset=subset, tiou_thresholds=tiou,
                      max_avg_nr_proposals=100, verbose=False,
                      check_status=False)
    ev.evaluate()
    auc = np.trapz(ev.avg_recall, ev.proposals_per_video)
    print(json.dumps(dict(AUC=float(auc / ev.proposals_per_video[-1]))))
'''


def generate(num_videos, num_predictions, num_classes, num_instances=None,
             duration=(30, 300), rel_length=(0.05, 0.6), seed=0):
    """Ground truth and predictions shaped like ActivityNet results.

    ``num_predictions`` are spread evenly over the videos; without
    ``num_instances`` each video has 1-3 instances, otherwise one each and
    the rest spread at random. Instance lengths are ``rel_length`` of the
    video's duration.
    """
    rng = np.random.default_rng(seed)
    duration = rng.uniform(*duration, num_videos)
    if num_instances is None:
        n_gt = rng.integers(1, 4, num_videos)
    else:
        n_gt = 1 + rng.multinomial(num_instances - num_videos,
                                   np.full(num_videos, 1 / num_videos))
    gt_video = np.repeat(np.arange(num_videos), n_gt)
    length = rng.uniform(*rel_length, len(gt_video)) * duration[gt_video]
    start = rng.uniform(0, 1, len(gt_video)) * (duration[gt_video] - length)
    gt_seg = np.stack([start, start + length], axis=1)
    gt_label = rng.integers(0, num_classes, len(gt_video))

    n_pred = np.full(num_videos, num_predictions // num_videos)
    n_pred[:num_predictions % num_videos] += 1
    pred_video = np.repeat(np.arange(num_videos), n_pred)
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
        pred_label=pred_label, pred_score=rng.random(len(pred_video)))


def to_json(data, folder, with_labels, subset='validation'):
    """Write ``gt.json`` and ``pred.json``, with the top-level keys that the
    official code requires (``version``, ``taxonomy``, ``external_data``)."""
    database, results = {}, {}
    for v, seg, lab in zip(data['gt_video'], data['gt_seg'].tolist(),
                           data['gt_label'].tolist()):
        database.setdefault(v, dict(subset=subset, annotations=[]))
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
    gt_path = osp.join(folder, 'gt.json')
    pred_path = osp.join(folder, 'pred.json')
    with open(gt_path, 'w') as f:
        json.dump(dict(version='VERSION 1.3', taxonomy=[], database=database),
                  f)
    with open(pred_path, 'w') as f:
        json.dump(dict(version='VERSION 1.3', external_data={},
                       results=results), f)
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


def _children_cpu():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_process(cmd, runs, cwd=None):
    """Run ``cmd`` ``runs`` times, one after the other.

    Returns:
        tuple: median wall-clock s, median CPU s of the child, last stdout.
    """
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), _children_cpu()
        proc = subprocess.run(cmd, capture_output=True, text=True, cwd=cwd)
        wall.append(time.perf_counter() - start)
        cpu.append(_children_cpu() - start_cpu)
        if proc.returncode:
            sys.exit(f'{" ".join(cmd)} failed:\n{proc.stderr}')
    return float(np.median(wall)), float(np.median(cpu)), proc.stdout


def official_copy(source, folder):
    """Python 3 copy of the official evaluation code in ``folder``."""
    if osp.isfile(osp.join(source, 'Evaluation', 'eval_detection.py')):
        source = osp.join(source, 'Evaluation')
    for name in ('utils.py', 'eval_detection.py', 'eval_proposal.py'):
        with open(osp.join(source, name)) as f:
            text = f.read()
        text = re.sub(r'^(\s*)print (.+)$', r'\1print(\2)', text, flags=re.M)
        text = text.replace('.iteritems()', '.items()')
        compile(text, name, 'exec')  # fails loudly if the port is incomplete
        with open(osp.join(folder, name), 'w') as f:
            f.write(text)
    with open(osp.join(folder, 'run_official.py'), 'w') as f:
        f.write(OFFICIAL_DRIVER)
    return osp.join(folder, 'run_official.py')


def in_memory(args):
    det = generate(args.videos, args.videos * 20, 200)
    sec, res = best_of(args.repeat, lambda: detection_map(
        det['gt_video'], det['gt_seg'], det['gt_label'], det['pred_video'],
        det['pred_seg'], det['pred_score'], det['pred_label']))
    print(f'detection mAP: {args.videos} videos x 20 predictions, 200 '
          f'classes, {len(det["gt_video"])} instances: {sec} '
          f'(average mAP {res["average_mAP"]:.4f})')

    prop = generate(args.videos, args.videos * 100, 200, seed=1)
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


def _seconds(wall, cpu):
    return f'{wall:.3f} s wall, {cpu:.3f} s CPU'


def process_to_process(args):
    python = sys.executable
    print(f'\nprocess to process ({osp.relpath(CLI, ROOT)}; median of '
          f'{args.runs} runs, wall-clock and CPU time of the child):')
    wall, cpu, _ = run_process([python, '-c', 'pass'], args.runs)
    print(f'  python -c pass: {_seconds(wall, cpu)}')
    import_cli = (
        'import importlib.util, sys; '
        f'spec = importlib.util.spec_from_file_location("cli", {CLI!r}); '
        'spec.loader.exec_module(importlib.util.module_from_spec(spec)); '
        'print(",".join(m for m in ("torch", "mmengine") '
        'if m in sys.modules) or "neither")')
    wall, cpu, out = run_process([python, '-c', import_cli], args.runs)
    print(f'  importing the CLI\'s module: {_seconds(wall, cpu)} (torch, '
          f'mmengine imported: {out.strip()})')
    wall, cpu, _ = run_process(
        [python, '-c', 'import tsptools.evaluation.metrics'], args.runs)
    print('  importing tsptools.evaluation.metrics (mmengine, torch): '
          f'{_seconds(wall, cpu)}')

    with tempfile.TemporaryDirectory() as folder:
        driver = official_copy(args.official, folder) if args.official \
            else None
        for case in CASES:
            data = generate(
                case['videos'], case['predictions'], case['classes'],
                case['instances'], case.get('duration', (30, 300)),
                case.get('rel_length', (0.05, 0.6)), seed=case['seed'])
            with_labels = case['task'] == 'detection'
            gt_path, pred_path = to_json(data, folder, with_labels,
                                         case['subset'])
            out_path = osp.join(folder, 'out.json')
            tiou = [repr(float(t)) for t in case['tiou']]
            wall, cpu, _ = run_process(
                [python, CLI, case['task'], gt_path, pred_path, '--subset',
                 case['subset'], '--tiou-thresholds', *tiou, '--out',
                 out_path], args.runs)
            with open(out_path) as f:
                res = json.load(f)
            key = 'average_mAP' if with_labels else 'AUC'
            print(f'  {case["name"]} ({case["videos"]:,} videos, '
                  f'{case["instances"]:,} instances, '
                  f'{case["predictions"]:,} predictions): '
                  f'{_seconds(wall, cpu)} ({key} {res[key]:.6f})')
            if driver:
                o_wall, o_cpu, out = run_process(
                    [args.official_python, driver, case['task'], gt_path,
                     pred_path, case['subset'], ','.join(tiou)],
                    args.official_runs, cwd=folder)
                o_res = json.loads(out.strip().splitlines()[-1])
                print(f'    official code: {_seconds(o_wall, o_cpu)} ({key} '
                      f'{o_res[key]:.6f}); tsptools {o_wall / wall:.0f}x '
                      f'faster wall-clock, {o_cpu / cpu:.0f}x CPU')


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--videos', type=int, default=5000)
    parser.add_argument('--repeat', type=int, default=3)
    parser.add_argument('--runs', type=int, default=5,
                        help='runs of each process (median)')
    parser.add_argument('--official',
                        help='the official ActivityNet Evaluation/ folder')
    parser.add_argument('--official-python', default=sys.executable,
                        help='interpreter with pandas for --official')
    parser.add_argument('--official-runs', type=int, default=1)
    parser.add_argument('--skip-in-memory', action='store_true')
    args = parser.parse_args()
    if hasattr(os, 'sched_setaffinity'):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    if not args.skip_in_memory:
        in_memory(args)
    process_to_process(args)


if __name__ == '__main__':
    main()
