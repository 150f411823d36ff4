"""Extract per-video clip features with a pretrained encoder.

    python tools/extract_features.py CONFIG [CKPT | none]
        (--video-list FILE [--video-root DIR] | --video-dir DIR)
        --out-dir DIR [--format {npy,h5,pkl,csv}] [--resize-to T]
        [--clip-len 16] [--frame-interval 2] [--stride 16] [--short-side 128]
        [--crop-size 112] [--tail {drop,pad}] [--batch-size 8]
        [--num-workers 1] [--device cpu] [--channels-last]
        [--cudnn-benchmark] [--launcher {none,pytorch,slurm}]

CKPT may be left out (or given as ``none``) for a model that loads its own
weights, e.g. the BSP two-stream encoder (``TwoStreamEncoder``: each stream
loads the checkpoint set in the config). Any other model needs CKPT;
``none`` extracts with its random initialisation (with a warning). Several
processes: ``bash tools/dist_extract_features.sh CONFIG CKPT NPROC ...``. A
rerun with the same --out-dir skips finished videos. Exit status 1 if any
video failed (see manifest.json). On CUDA the DataLoader pins its batches
and they are copied without blocking; --channels-last and --cudnn-benchmark
apply on CUDA only (ignored elsewhere, with a message), so CPU features do
not depend on them. Details: docs/en/user_guides/feature_extraction.md.
"""
import argparse
import os
import sys

import torch
from mmengine.config import Config, DictAction

from tsptools.apis import extract_to_dir, file_sha256, init_encoder
from tsptools.apis.cli import add_extract_arguments, extract_cfg_from_args
from tsptools.apis.video_list import list_videos
from tsptools.core.feature_format import FORMATS
from tsptools.utils import (distributed_run, extraction_speedups,
                            to_channels_last_3d)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Extract per-video clip features with a pretrained '
        'encoder (any tsptools checkpoint; the pretext head is dropped)')
    parser.add_argument('config', help='config of the model (its '
                        'extract_cfg, if any, sets the clip settings)')
    parser.add_argument(
        'checkpoint', nargs='?', default=None,
        help='checkpoint of the encoder; leave out or "none" for a model '
        'that loads its own weights (the BSP two-stream encoder); for other '
        'models "none" means random weights')
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument('--video-list', help='text file, one video path a '
                        'line')
    source.add_argument('--video-dir', help='folder searched recursively '
                        'for videos')
    parser.add_argument('--video-root', help='prefix of the paths of '
                        '--video-list')
    parser.add_argument('--out-dir', required=True, help='output folder')
    parser.add_argument(
        '--format', choices=FORMATS, default='npy',
        help='npy: one T x C file per video (OpenTAD); h5 / pkl: one merged '
        'file; csv: one file per video with a header (mmaction2 BMN). '
        'Default: npy')
    parser.add_argument(
        '--resize-to', type=int, default=None,
        help='rescale every sequence to this many steps along time (linear '
        'interpolation), e.g. 100 for BMN / G-TAD on ActivityNet')
    add_extract_arguments(parser)
    parser.add_argument('--device', default='cpu', help='e.g. cpu, cuda')
    parser.add_argument(
        '--channels-last', action='store_true',
        help='CUDA only: 5-D weights and inputs in torch.channels_last_3d '
        'memory format (faster 3-D convolutions with AMP/TF32 on tensor '
        'cores); ignored on CPU')
    parser.add_argument(
        '--cudnn-benchmark', action='store_true',
        help='CUDA only: torch.backends.cudnn.benchmark=True (cuDNN times '
        'its kernels on the first batch of each shape); ignored on CPU')
    parser.add_argument('--no-progress', action='store_true',
                        help='no progress line')
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction,
        help='override config entries, e.g. extract_cfg.stride=8')
    parser.add_argument('--launcher', choices=['none', 'pytorch', 'slurm'],
                        default='none', help='job launcher')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args(argv)
    args.checkpoint_none = args.checkpoint is not None and \
        args.checkpoint.lower() == 'none'
    if args.checkpoint_none:
        args.checkpoint = None
    if 'LOCAL_RANK' not in os.environ:
        os.environ['LOCAL_RANK'] = str(args.local_rank)
    return args


def init_dist(launcher: str, device: str) -> str:
    """Start the process group (inside :func:`distributed_run`, which has
    made the gloo one of CPU machines); returns the device of this rank."""
    if launcher == 'none':
        return device
    import torch
    import torch.distributed as dist
    if not dist.is_initialized():
        from mmengine.dist import init_dist as mm_init_dist
        mm_init_dist(launcher)
    if device.startswith('cuda') and torch.cuda.is_available():
        return f"cuda:{int(os.environ.get('LOCAL_RANK', 0))}"
    return device


def loads_own_weights(cfg) -> bool:
    """Whether the model of ``cfg`` loads its weights itself (has
    ``own_checkpoints``, as ``TwoStreamEncoder``)."""
    from tsptools.registry import MODELS
    from tsptools.utils import register_all_modules
    register_all_modules()
    model_type = cfg.model.get('type')
    cls = MODELS.get(model_type) if isinstance(model_type, str) else \
        model_type
    return cls is not None and hasattr(cls, 'own_checkpoints')


def checkpoint_meta(model, checkpoint) -> dict:
    """``checkpoint`` and ``checkpoint_sha256`` of the manifest; a model
    that loaded its own weights (``own_checkpoints``): the list of its
    files and their hashes joined by ``+`` (None: no file)."""
    if checkpoint is not None:
        return dict(checkpoint=os.path.abspath(checkpoint),
                    checkpoint_sha256=file_sha256(checkpoint))
    own = getattr(model, 'own_checkpoints', None)
    if own is None:
        return dict(checkpoint=None, checkpoint_sha256=None)
    return dict(
        checkpoint=[None if c is None else os.path.abspath(c) for c in own],
        checkpoint_sha256='+'.join('none' if c is None else file_sha256(c)
                                   for c in own))


def main(argv=None) -> int:
    args = parse_args(argv)
    with distributed_run(args.launcher):
        return extract(args, init_dist(args.launcher, args.device))


def extract(args, device: str) -> int:
    """Extract the features of ``args`` on ``device``; the exit status."""
    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    if args.checkpoint is None and not args.checkpoint_none and \
            not loads_own_weights(cfg):
        raise SystemExit(f'{args.config}: its model needs a checkpoint '
                         '(CKPT); "none" extracts with random weights')
    extract_cfg = extract_cfg_from_args(cfg, args, resize_to=args.resize_to)
    videos = list_videos(args.video_list, args.video_dir, args.video_root)
    speedups, messages = extraction_speedups(
        device, args.channels_last, args.cudnn_benchmark)
    for message in messages:
        print(message, file=sys.stderr)
    if speedups['cudnn_benchmark']:
        torch.backends.cudnn.benchmark = True
    model = init_encoder(cfg, args.checkpoint, device=device)
    if speedups['channels_last']:
        to_channels_last_3d(model)
    meta = dict(config=os.path.abspath(args.config),
                **checkpoint_meta(model, args.checkpoint))
    summary = extract_to_dir(
        model, videos, args.out_dir, extract_cfg, fmt=args.format, meta=meta,
        progress=not args.no_progress, device=device,
        channels_last=speedups['channels_last'],
        pin_memory=speedups['pin_memory'])
    from mmengine.dist import get_dist_info
    if get_dist_info()[0] == 0:
        print(f"{summary['num_ok']} ok, {summary['num_short']} shorter than "
              f"one clip, {len(summary['failed'])} failed of "
              f"{summary['num_videos']} videos; manifest: "
              f"{summary['manifest']}")
        if torch.device(device).type == 'cuda':
            peak = torch.cuda.max_memory_allocated(device) / 2**20
            print(f'peak GPU memory: {peak:.0f} MiB')
        if summary['failed']:
            print('failed: ' + ', '.join(summary['failed']), file=sys.stderr)
    return 1 if summary['failed'] else 0


if __name__ == '__main__':
    sys.exit(main())
