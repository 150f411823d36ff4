"""Generate the SynthActions synthetic video benchmark.

Example:
    python tools/data/generate_synthetic.py data/synthactions --preset small
    python tools/data/generate_synthetic.py data/synth_custom --preset small \
        --cfg-options untrimmed.counts.training=40 "untrimmed.duration=(20,60)"

See ``docs/en/user_guides/synthactions.md`` for the presets and the layout.
"""
import argparse
import json
import time

from mmengine.config import DictAction

from tsptools.datasets.synthactions import (MAX_CLASSES, PRESETS,
                                            default_workers,
                                            generate_synthactions)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Generate the SynthActions synthetic video benchmark')
    parser.add_argument('out_dir', help='output folder (an interrupted run '
                        'in the same folder resumes)')
    parser.add_argument(
        '--preset', default='tiny', choices=sorted(PRESETS),
        help='dataset size (default: tiny)')
    parser.add_argument('--seed', type=int, default=0, help='dataset seed')
    parser.add_argument(
        '--num-classes', type=int, default=10,
        help=f'number of classes, 1 to {MAX_CLASSES} (default: 10)')
    parser.add_argument(
        '--workers', type=int, default=default_workers(),
        help='processes making videos (default: min(2, cpu count))')
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction, default={},
        help='override preset entries, e.g. untrimmed.counts.training=40 '
        '"untrimmed.duration=(20,60)" trimmed.clips_per_class.val=5')
    parser.add_argument(
        '--no-progress', action='store_true', help='no progress line')
    return parser.parse_args(argv)


def nested(options):
    """``{'a.b': 1}`` -> ``{'a': {'b': 1}}``."""
    out = {}
    for key, value in options.items():
        node = out
        *parents, leaf = key.split('.')
        for name in parents:
            node = node.setdefault(name, {})
        node[leaf] = value
    return out


def main(argv=None):
    args = parse_args(argv)
    start = time.time()
    meta = generate_synthactions(
        args.out_dir,
        preset=args.preset,
        seed=args.seed,
        num_classes=args.num_classes,
        workers=args.workers,
        overrides=nested(args.cfg_options),
        progress=not args.no_progress)
    print(f'SynthActions {args.preset} (seed {args.seed}) in {args.out_dir}: '
          f"{json.dumps(meta['counts'])}, {meta['resolution']}, "
          f'{time.time() - start:.1f}s')


if __name__ == '__main__':
    main()
