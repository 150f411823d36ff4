"""Downstream localization benchmark of pretrained video encoders.

For each encoder: extract its clip features (``tools/extract_features.py``,
skipped when finished), train the localizer of a localizer config on them
with several seeds (``tools/train.py --seed``), test every run
(``tools/test.py``), then print one table of detection mAP (mean ± std over
seeds) and proposal AUC per encoder, saved as JSON and Markdown.

    python tools/benchmark_pretraining.py LOCALIZER_CONFIG \
        --encoders tac=CONFIG:CKPT tsp=CONFIG:CKPT mine=features:DIR \
            two-stream=CONFIG:none \
        [--encoders-file encoders.yaml] --video-dir VIDEOS \
        [--extract-args "--stride 8 --short-side 64 --crop-size 56"] \
        [--ann-file ANN.json] [--class-index FILE] \
        [--seeds 0 1 2 | --num-seeds 3] [--checkpoint {last,best}] \
        [--jobs 2] [--threads 1] [--work-dir work_dirs/benchmark] \
        [--cfg-options k=v ...]

``CONFIG:none`` (or ``CONFIG:``) extracts without a checkpoint, for an
encoder that loads its own weights (the BSP two-stream encoder, whose
streams' checkpoints are set in its config). Everything is resumable:
features with a complete ``manifest.json`` are reused, and a run with a
``metrics.json`` is not repeated. See docs/en/user_guides/downstream.md.
"""
import argparse
import glob
import json
import os
import os.path as osp
import shlex
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Dict, List, Optional

import numpy as np

from tsptools.core.feature_format import FeatureStore, read_manifest

REPO_ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
#: mAP thresholds shown in the table when the config evaluates them
#: (ActivityNet's headline ones); otherwise every threshold is shown.
HEADLINE_THRESHOLDS = ('0.50', '0.75', '0.95')
#: Keys of the test logs that are not metrics.
NON_METRICS = ('data_time', 'time', 'step', 'epoch', 'iter')


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Extract features of encoders, train a localizer on '
        'them with several seeds and tabulate the downstream metrics')
    parser.add_argument('config', help='localizer config')
    parser.add_argument(
        '--encoders', nargs='+', default=[], metavar='NAME=SPEC',
        help='NAME=CONFIG:CKPT (extract features with this encoder; CKPT '
        '"none" for an encoder that loads its own weights, e.g. the BSP '
        'two-stream encoder) or NAME=features:DIR (features already '
        'extracted)')
    parser.add_argument(
        '--encoders-file',
        help='JSON/YAML: a list of {name, config, checkpoint} (checkpoint '
        'null or "none" as CKPT "none") or {name, features}, or a mapping '
        'NAME -> SPEC as for --encoders')
    source = parser.add_mutually_exclusive_group()
    source.add_argument('--video-dir', help='videos to extract features of')
    source.add_argument('--video-list', help='list of video paths')
    parser.add_argument('--video-root', help='prefix of --video-list paths')
    parser.add_argument(
        '--extract-args', default='',
        help='more flags for tools/extract_features.py, one string, e.g. '
        '"--stride 8 --short-side 64 --crop-size 56"')
    parser.add_argument('--ann-file', help='annotation JSON (default: the '
                        "config's)")
    parser.add_argument('--class-index', help='class index (default: the '
                        "config's)")
    seeds = parser.add_mutually_exclusive_group()
    seeds.add_argument('--seeds', nargs='+', type=int, help='seeds')
    seeds.add_argument('--num-seeds', type=int, default=3,
                       help='seeds 0 .. N-1 (default 3)')
    parser.add_argument(
        '--checkpoint', choices=['last', 'best'], default='last',
        help='checkpoint of each run to test: the last epoch (default) or '
        "the best on the validation subset (the config's save_best)")
    parser.add_argument('--jobs', type=int, default=1,
                        help='localizer runs at the same time (default 1)')
    parser.add_argument(
        '--threads', type=int, default=1,
        help='torch threads of each localizer run (OMP_NUM_THREADS; default '
        '1: the localizer is small, run --jobs of them in parallel instead)')
    parser.add_argument('--work-dir', default='work_dirs/benchmark',
                        help='features, runs and tables go here')
    parser.add_argument('--python', default=sys.executable,
                        help='interpreter for the tools')
    parser.add_argument(
        '--cfg-options', nargs='+', default=[], metavar='KEY=VALUE',
        help='overrides for the localizer config (train and test)')
    return parser.parse_args(argv)


# ---------------------------------------------------------------------------
# Encoders
# ---------------------------------------------------------------------------


def no_checkpoint(checkpoint: Optional[str]) -> bool:
    """Whether a CKPT means "none": the encoder loads its own weights."""
    return checkpoint is None or checkpoint.strip().lower() in ('', 'none')


def parse_spec(name: str, spec: str) -> dict:
    """``CONFIG:CKPT``, ``CONFIG:none`` (checkpoint None) or
    ``features:DIR`` -> an encoder dict."""
    if ':' not in spec:
        raise ValueError(f'encoder {name!r}: expected CONFIG:CKPT, '
                         f'CONFIG:none or features:DIR, got {spec!r}')
    left, right = spec.split(':', 1)
    if left == 'features':
        return dict(name=name, features=right)
    return dict(name=name, config=left,
                checkpoint=None if no_checkpoint(right) else right)


def load_encoders(args) -> List[dict]:
    encoders = []
    if args.encoders_file:
        from mmengine.fileio import load
        data = load(args.encoders_file)
        if isinstance(data, dict):
            data = [parse_spec(k, v) for k, v in data.items()]
        for entry in data:
            if 'name' not in entry or not ({'features'} <= set(entry) or
                                           {'config', 'checkpoint'} <=
                                           set(entry)):
                raise ValueError(f'{args.encoders_file}: each entry needs '
                                 'name and features, or name, config and '
                                 f'checkpoint (null or "none": the encoder '
                                 f'loads its own weights); got {entry}')
            entry = dict(entry)
            if 'config' in entry and no_checkpoint(entry['checkpoint']):
                entry['checkpoint'] = None
            encoders.append(entry)
    for item in args.encoders:
        if '=' not in item:
            raise ValueError(f'--encoders: expected NAME=SPEC, got {item!r}')
        name, spec = item.split('=', 1)
        encoders.append(parse_spec(name, spec))
    if not encoders:
        raise ValueError('no encoder: give --encoders or --encoders-file')
    names = [e['name'] for e in encoders]
    if len(set(names)) != len(names):
        raise ValueError(f'encoder names must be unique, got {names}')
    for name in names:
        if not name or '/' in name or name.startswith('.'):
            raise ValueError(f'invalid encoder name {name!r}')
    return encoders


# ---------------------------------------------------------------------------
# Steps
# ---------------------------------------------------------------------------


def run_logged(cmd: List[str], log_path: str, env: Optional[dict] = None
               ) -> float:
    """Run ``cmd`` in the repository root, output to ``log_path``; returns
    the seconds it took. Raises with the log's tail on failure."""
    os.makedirs(osp.dirname(osp.abspath(log_path)), exist_ok=True)
    start = time.time()
    with open(log_path, 'w') as log:
        log.write('$ ' + ' '.join(shlex.quote(c) for c in cmd) + '\n')
        log.flush()
        proc = subprocess.run(cmd, cwd=REPO_ROOT, stdout=log,
                              stderr=subprocess.STDOUT,
                              env={**os.environ, **(env or {})})
    if proc.returncode != 0:
        with open(log_path) as f:
            tail = f.read()[-3000:]
        raise RuntimeError(f'command failed (exit {proc.returncode}), log '
                           f'{log_path}:\n{tail}')
    return time.time() - start


def extract(encoder: dict, args) -> dict:
    """Features of ``encoder`` (extracted unless given or finished)."""
    if 'features' in encoder:
        if not osp.exists(encoder['features']):
            raise FileNotFoundError(f"encoder {encoder['name']!r}: "
                                    f"features not found: "
                                    f"{encoder['features']}")
        return dict(features=encoder['features'], extract_s=0.0,
                    extracted=False)
    out = osp.join(args.work_dir, 'features', encoder['name'])
    manifest = read_manifest(out)
    if manifest is not None and manifest.is_complete():
        print(f"[{encoder['name']}] features exist: {out}", flush=True)
        return dict(features=out, extract_s=0.0, extracted=False)
    if not (args.video_dir or args.video_list):
        raise ValueError(f"encoder {encoder['name']!r} needs feature "
                         'extraction: give --video-dir or --video-list')
    # checkpoint None: "none", an encoder that loads its own weights
    cmd = [args.python, 'tools/extract_features.py', encoder['config'],
           encoder['checkpoint'] or 'none', '--out-dir', out,
           '--no-progress']
    if args.video_dir:
        cmd += ['--video-dir', args.video_dir]
    else:
        cmd += ['--video-list', args.video_list]
        if args.video_root:
            cmd += ['--video-root', args.video_root]
    cmd += shlex.split(args.extract_args)
    print(f"[{encoder['name']}] extracting features -> {out}", flush=True)
    seconds = run_logged(
        cmd, osp.join(args.work_dir, 'logs', f"extract_{encoder['name']}.log"))
    print(f"[{encoder['name']}] features extracted in {seconds:.0f} s",
          flush=True)
    return dict(features=out, extract_s=seconds, extracted=True)


def feature_channels(features: str) -> int:
    """The feature dimension of a features folder or file."""
    store = FeatureStore(features)
    names = sorted(store.names())
    if not names:
        raise ValueError(f'no features in {features}')
    return int(store.shape(names[0])[1])


def cfg_options(features: str, channels: int, args) -> List[str]:
    opts = []
    for loader in ('train', 'val', 'test'):
        prefix = f'{loader}_dataloader.dataset'
        opts.append(f'{prefix}.features={osp.abspath(features)}')
        if args.ann_file:
            opts.append(f'{prefix}.ann_file={osp.abspath(args.ann_file)}')
        if args.class_index:
            opts.append(
                f'{prefix}.class_index={osp.abspath(args.class_index)}')
    opts.append(f'model.in_channels={channels}')
    return opts + list(args.cfg_options)


def test_checkpoint(run_dir: str, which: str) -> str:
    if which == 'best':
        found = sorted(glob.glob(osp.join(run_dir, 'best_*.pth')),
                       key=osp.getmtime)
        if found:
            return found[-1]
        raise FileNotFoundError(f'no best_*.pth in {run_dir}: does the '
                                'config validate and set save_best?')
    with open(osp.join(run_dir, 'last_checkpoint')) as f:
        return f.read().strip()


def read_test_metrics(test_dir: str) -> Dict[str, float]:
    """The metrics of the newest ``tools/test.py`` run in ``test_dir``."""
    logs = sorted(glob.glob(osp.join(test_dir, '*', '*.json')))
    if not logs:
        raise FileNotFoundError(f'no test log (*/*.json) in {test_dir}')
    with open(logs[-1]) as f:
        lines = [line for line in f.read().splitlines() if line.strip()]
    record = json.loads(lines[-1])
    return {k: float(v) for k, v in record.items() if k not in NON_METRICS}


def run_seed(name: str, seed: int, features: str, channels: int, args
             ) -> dict:
    """Train and test one localizer run (or read its earlier result)."""
    run_dir = osp.abspath(osp.join(args.work_dir, 'runs', name,
                                   f'seed{seed}'))
    result_path = osp.join(run_dir, 'metrics.json')
    if osp.isfile(result_path):
        with open(result_path) as f:
            return json.load(f)
    # the run's seed also seeds the training windows / time rescaling of
    # PrecomputedFeatureDataset (default_rng([seed, epoch, idx])), so the
    # spread over seeds covers every source of randomness
    opts = cfg_options(features, channels, args) + [
        f'train_dataloader.dataset.seed={seed}']
    env = dict(OMP_NUM_THREADS=str(args.threads),
               MKL_NUM_THREADS=str(args.threads))
    train_s = run_logged(
        [args.python, 'tools/train.py', args.config, '--work-dir', run_dir,
         '--seed', str(seed), '--cfg-options', *opts],
        osp.join(run_dir, 'train.log'), env)
    ckpt = test_checkpoint(run_dir, args.checkpoint)
    test_dir = osp.join(run_dir, 'test')
    test_s = run_logged(
        [args.python, 'tools/test.py', args.config, ckpt, '--work-dir',
         test_dir, '--cfg-options', *opts],
        osp.join(run_dir, 'test.log'), env)
    result = dict(encoder=name, seed=seed, checkpoint=ckpt,
                  metrics=read_test_metrics(test_dir), train_s=train_s,
                  test_s=test_s)
    with open(result_path, 'w') as f:
        json.dump(json_safe(result), f, indent=1)
    print(f"[{name}] seed {seed}: average_mAP "
          f"{result['metrics'].get('average_mAP', float('nan')):.4f}, "
          f'trained in {train_s:.0f} s', flush=True)
    return result


# ---------------------------------------------------------------------------
# Table
# ---------------------------------------------------------------------------


def summarize(runs: List[dict]) -> Dict[str, dict]:
    """Mean and sample standard deviation (ddof=1; None for one run: one
    seed says nothing about the spread) of every metric over the runs."""
    keys = sorted({k for r in runs for k in r['metrics']})
    out = {}
    for key in keys:
        values = np.array([r['metrics'].get(key, np.nan) for r in runs],
                          dtype=np.float64)
        mean = float(np.mean(values))
        std = float(np.std(values, ddof=1)) if len(values) > 1 else None
        out[key] = dict(mean=mean, std=std, values=values.tolist())
    return out


def table_columns(summaries: Dict[str, dict]) -> List[str]:
    keys = set().union(*(s.keys() for s in summaries.values()))
    thresholds = sorted(k for k in keys
                        if k.startswith('mAP@') and '/' not in k)
    headline = [f'mAP@{t}' for t in HEADLINE_THRESHOLDS
                if f'mAP@{t}' in keys]
    columns = ['average_mAP'] + (headline or thresholds)
    columns += [k for k in ('AR@1', 'AR@10', 'AR@100', 'AUC') if k in keys]
    return [c for c in columns if c in keys]


def format_cell(entry: Optional[dict]) -> str:
    """Percent with two decimals, ``mean ± std``; the std of a single run
    is ``–``."""
    if entry is None or not np.isfinite(entry['mean']):
        return '-'
    std = '–' if entry.get('std') is None else f"{100 * entry['std']:.2f}"
    return f"{100 * entry['mean']:.2f} ± {std}"


def table_rows(summaries: Dict[str, dict], num_runs: Dict[str, int]
               ) -> List[List[str]]:
    columns = table_columns(summaries)
    header = ['encoder', 'runs'] + [
        'avg mAP' if c == 'average_mAP' else c for c in columns
    ]
    rows = [header]
    for name, summary in summaries.items():
        rows.append([name, str(num_runs[name])] +
                    [format_cell(summary.get(c)) for c in columns])
    return rows


def markdown_table(rows: List[List[str]]) -> str:
    lines = ['| ' + ' | '.join(rows[0]) + ' |',
             '|' + '|'.join(' --- ' for _ in rows[0]) + '|']
    lines += ['| ' + ' | '.join(r) + ' |' for r in rows[1:]]
    return '\n'.join(lines) + '\n'


def _absolute(path: Optional[str]) -> Optional[str]:
    """Paths are relative to the caller's folder; the tools run in the
    repository root. URLs and missing paths are left alone."""
    if path is None or '://' in path or not osp.exists(path):
        return path
    return osp.abspath(path)


def json_safe(obj):
    """``obj`` with NaN / inf floats replaced by None (strict JSON)."""
    if isinstance(obj, dict):
        return {k: json_safe(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [json_safe(v) for v in obj]
    if isinstance(obj, float) and not np.isfinite(obj):
        return None
    return obj


def main(argv=None) -> dict:
    args = parse_args(argv)
    encoders = load_encoders(args)
    for key in ('config', 'video_dir', 'video_list', 'video_root',
                'ann_file', 'class_index'):
        setattr(args, key, _absolute(getattr(args, key)))
    args.work_dir = osp.abspath(args.work_dir)
    for encoder in encoders:
        for key in ('config', 'checkpoint', 'features'):
            if key in encoder:
                encoder[key] = _absolute(encoder[key])
    seeds = args.seeds if args.seeds is not None else list(
        range(args.num_seeds))
    if not seeds:
        raise ValueError('no seed')
    os.makedirs(args.work_dir, exist_ok=True)
    start = time.time()

    features = {}
    for encoder in encoders:  # one extraction at a time: each uses all cores
        features[encoder['name']] = extract(encoder, args)
        features[encoder['name']]['channels'] = feature_channels(
            features[encoder['name']]['features'])

    jobs = [(e['name'], seed) for e in encoders for seed in seeds]

    def work(job):
        name, seed = job
        info = features[name]
        return run_seed(name, seed, info['features'], info['channels'],
                        args)

    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        results = list(pool.map(work, jobs))

    runs = {e['name']: [r for r in results if r['encoder'] == e['name']]
            for e in encoders}
    summaries = {name: summarize(r) for name, r in runs.items()}
    rows = table_rows(summaries, {n: len(r) for n, r in runs.items()})
    from terminaltables import AsciiTable
    title = (f'{osp.basename(args.config)}: test metrics (%), mean ± std '
             f'over seeds {seeds}')
    print(AsciiTable(rows, title=' downstream localization ').table)
    print(title)

    report = dict(
        config=args.config,
        seeds=seeds,
        checkpoint=args.checkpoint,
        created=time.strftime('%Y-%m-%dT%H:%M:%S%z'),
        total_s=time.time() - start,
        encoders={
            e['name']: dict(
                spec={k: v for k, v in e.items() if k != 'name'},
                features=features[e['name']]['features'],
                feature_channels=features[e['name']]['channels'],
                extract_s=features[e['name']]['extract_s'],
                summary=summaries[e['name']],
                runs=runs[e['name']])
            for e in encoders
        },
        table=rows)
    json_path = osp.join(args.work_dir, 'benchmark.json')
    with open(json_path, 'w') as f:
        json.dump(json_safe(report), f, indent=1)
    md_path = osp.join(args.work_dir, 'benchmark.md')
    with open(md_path, 'w') as f:
        f.write(f'# Downstream localization\n\n{title}.\n\n')
        f.write(markdown_table(rows))
    print(f'Saved {json_path} and {md_path} ({time.time() - start:.0f} s)')
    return report


if __name__ == '__main__':
    main()
