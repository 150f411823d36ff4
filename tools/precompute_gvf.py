"""Precompute the global video features (GVF) of TSP.

    python tools/precompute_gvf.py CONFIG CKPT --out FILE.{h5,npz}
        [--pool {max,avg}]
        [--video-list FILE [--video-root DIR] | --video-dir DIR]
        [clip settings as in tools/extract_features.py]
    python tools/precompute_gvf.py [CONFIG] --from-features DIR \
        --out FILE.{h5,npz} [--pool {max,avg}]

Extracts the clip features of every video of the config's training and
validation datasets (or of the given videos) with the initial encoder CKPT
(e.g. the TAC checkpoint), pools them over time and writes one vector per
video, keyed by video name; the config's dataset reads them with
``gvf_file=FILE``. Exit status 1 if any video failed (the file then lacks
them). With ``--from-features`` it pools the features that
``tools/extract_features.py`` already wrote with the initial encoder instead
(of the config's train and val videos when CONFIG is given, else of every
video there). See docs/en/user_guides/gvf.md.
"""
import argparse
import json
import os
import sys

from mmengine.config import Config, DictAction

from tsptools.apis import (file_sha256, gvf_from_features, init_encoder,
                           precompute_gvf)
from tsptools.apis.cli import add_extract_arguments, extract_cfg_from_args
from tsptools.apis.gvf import GVF_EXTENSIONS, POOL_MODES, videos_of_config
from tsptools.apis.video_list import list_videos


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Pool the clip features of each video over time (TSP '
        'global video features)')
    parser.add_argument('config', nargs='?', help='config whose train and '
                        'val datasets list the videos (and whose model is '
                        'used)')
    parser.add_argument('checkpoint', nargs='?',
                        help='initial encoder checkpoint')
    parser.add_argument('--from-features', metavar='DIR',
                        help='pool these extracted features of the initial '
                        'encoder (tools/extract_features.py output) instead '
                        'of extracting; no checkpoint then')
    parser.add_argument('--out', required=True,
                        help='output file, .h5/.hdf5 or .npz')
    parser.add_argument('--pool', choices=POOL_MODES, default='max',
                        help='pooling over time (default: max)')
    source = parser.add_mutually_exclusive_group()
    source.add_argument('--video-list', help='videos to use instead of the '
                        "config's datasets: one path a line")
    source.add_argument('--video-dir', help='videos to use instead of the '
                        "config's datasets: a folder")
    parser.add_argument('--video-root', help='prefix of the paths of '
                        '--video-list')
    add_extract_arguments(parser)
    parser.add_argument('--device', default='cpu')
    parser.add_argument('--no-progress', action='store_true')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override config entries')
    return parser.parse_args(argv)


def from_features(args) -> int:
    if args.checkpoint:
        raise SystemExit('--from-features takes no checkpoint: the features '
                         'are already those of the initial encoder')
    videos = None
    if args.video_list or args.video_dir:
        videos = [name for name, _ in list_videos(
            args.video_list, args.video_dir, args.video_root)]
    elif args.config:
        cfg = Config.fromfile(args.config)
        if args.cfg_options:
            cfg.merge_from_dict(args.cfg_options)
        videos = [name for name, _ in videos_of_config(cfg)]
    attrs = dict(pool=args.pool,
                 features=os.path.abspath(args.from_features))
    try:
        gvfs = gvf_from_features(args.from_features, args.out,
                                 pool=args.pool, videos=videos, attrs=attrs)
    except (KeyError, ValueError, FileNotFoundError) as err:
        raise SystemExit(f'error: {err}')
    dim = next(iter(gvfs.values())).shape[0]
    print(f'{len(gvfs)} videos -> {args.out} ({args.pool}-pooled, {dim}-d, '
          f'from {args.from_features})')
    return 0


def main(argv=None) -> int:
    args = parse_args(argv)
    ext = os.path.splitext(args.out)[1].lower()
    if ext not in GVF_EXTENSIONS:
        raise SystemExit(f'--out must end with .h5, .hdf5 or .npz: '
                         f'{args.out}')
    if args.from_features:
        return from_features(args)
    if not (args.config and args.checkpoint):
        raise SystemExit('give CONFIG and CKPT, or --from-features DIR')
    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    extract_cfg = extract_cfg_from_args(cfg, args)
    if args.video_list or args.video_dir:
        videos = list_videos(args.video_list, args.video_dir,
                             args.video_root)
    else:
        videos = videos_of_config(cfg)
    model = init_encoder(cfg, args.checkpoint, device=args.device)
    attrs = dict(
        pool=args.pool,
        checkpoint=os.path.abspath(args.checkpoint),
        checkpoint_sha256=file_sha256(args.checkpoint),
        settings=json.dumps(extract_cfg))
    gvfs, failed = precompute_gvf(
        model, videos, args.out, extract_cfg, pool=args.pool,
        progress=not args.no_progress, attrs=attrs)
    dim = next(iter(gvfs.values())).shape[0] if gvfs else 0
    print(f'{len(gvfs)} of {len(videos)} videos -> {args.out} '
          f'({args.pool}-pooled, {dim}-d)')
    if failed:
        print(f'{len(failed)} videos failed and have no GVF (the dataset '
              'will refuse this file until they do):\n  ' +
              '\n  '.join(failed), file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
