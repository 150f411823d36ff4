"""Throughput of feature extraction: end to end vs the backbone alone.

    python benchmarks/extract_features.py [--data-root DIR | --num-videos 6]
        [--config CONFIG] [--checkpoint CKPT] [--batch-size 8]
        [--num-workers 1] [--threads N] [--rounds 2]

End to end: :func:`tsptools.apis.iter_video_features` over the videos
(decoding each video once in ``--num-workers`` DataLoader workers, model
batches in this process), from the first call to the last video's features.
Backbone alone: the same clips, decoded beforehand into memory, through the
same normalisation and ``extract_feat`` in batches of the same size. The
ratio end-to-end / backbone-alone says how much decoding costs once it
overlaps with the model (1.0: nothing). Rounds alternate the order of the
two measurements, and each also reports CPU seconds per clip (this process
and its DataLoader workers): on a machine shared with other jobs the
wall-clock numbers swing with their load, the CPU-time ratio much less.

Videos: the untrimmed videos of ``--data-root`` (a SynthActions folder, e.g.
``data/synthactions-standard`` made by ``tools/data/generate_synthetic.py
data/synthactions-standard --preset standard``), else ``--num-videos``
videos of the ``standard`` preset (128x172, 30 fps, 20-90 s) generated once
into ``--cache-dir``. Model: the SynthActions TAC config (a narrow
R(2+1)D-18, base width 16), random weights unless ``--checkpoint``; settings
are the config's ``extract_cfg`` over the official TSP ones (16 frames at 15
fps, stride 16, 128x171 official resize, centre crop 112) unless given.
``--compare-backends`` also prints the relative L2 error between the
features of the official resize and of decord's decode-time scaling.
"""
import argparse
import glob
import json
import os
import os.path as osp
import resource
import statistics
import sys
import time

import torch

REPO_ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
DEFAULT_CONFIG = osp.join(
    REPO_ROOT, 'configs', 'tac',
    'tac_r2plus1d-18-w16_scratch-pre_2xb8-16x2-8e_synthactions-small.py')


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--data-root', default=osp.join(
        REPO_ROOT, 'data', 'synthactions-standard'),
        help='SynthActions folder to reuse if it exists (its '
        'untrimmed/videos are used)')
    parser.add_argument('--cache-dir', default=osp.join(
        REPO_ROOT, 'data', 'benchmarks', 'synthactions-standard-subset'),
        help='where standard-preset videos are generated otherwise')
    parser.add_argument('--num-videos', type=int, default=6,
                        help='videos to use (default 6)')
    parser.add_argument('--config', default=DEFAULT_CONFIG)
    parser.add_argument('--checkpoint', default=None)
    parser.add_argument('--batch-size', type=int, default=8)
    parser.add_argument('--num-workers', type=int, default=1)
    parser.add_argument('--threads', type=int, default=None,
                        help='torch threads of the model (default: torch\'s '
                        'default, the number of cores)')
    parser.add_argument('--rounds', type=int, default=2,
                        help='alternating measurement rounds (default 2)')
    parser.add_argument('--short-side', type=int, default=None)
    parser.add_argument('--resize-backend', choices=['official', 'decoder'],
                        default=None)
    parser.add_argument(
        '--compare-backends', action='store_true',
        help="also extract with the 'official' and the 'decoder' resize "
        'and print the relative L2 error between their features')
    parser.add_argument('--crop-size', type=int, default=None)
    parser.add_argument('--stride', type=int, default=None)
    parser.add_argument('--json', help='also write the results here')
    return parser.parse_args(argv)


def find_videos(args):
    """``(videos, description)``."""
    from tsptools.apis.video_list import videos_from_paths
    pattern = osp.join(args.data_root, 'untrimmed', 'videos', '*.mp4')
    paths = sorted(glob.glob(pattern))
    if paths:
        meta_path = osp.join(args.data_root, 'meta.json')
        preset = json.load(open(meta_path)).get('preset') \
            if osp.exists(meta_path) else 'unknown'
        paths = paths[:args.num_videos]
        return videos_from_paths(paths), (
            f'{len(paths)} untrimmed videos of {args.data_root} '
            f'(SynthActions preset {preset})')
    from tsptools.datasets.synthactions import generate_synthactions
    overrides = dict(
        untrimmed=dict(counts=dict(training=args.num_videos, validation=0,
                                   testing=0)),
        trimmed=dict(clips_per_class=dict(train=0, val=0)))
    print(f'Generating {args.num_videos} videos of the SynthActions '
          f'standard preset into {args.cache_dir} (once) ...', flush=True)
    generate_synthactions(args.cache_dir, preset='standard',
                          overrides=overrides, progress=False)
    paths = sorted(glob.glob(osp.join(args.cache_dir, 'untrimmed', 'videos',
                                      '*.mp4')))
    return videos_from_paths(paths), (
        f'{len(paths)} videos of the SynthActions standard preset '
        f'(128x172, 30 fps; training videos 0-{len(paths) - 1} of seed 0) '
        f'in {args.cache_dir}')


def predecode(videos, cfg):
    """All clips of ``videos`` as ``C x T x H x W`` tensors."""
    from tsptools.apis import iter_video_clips
    clips = []
    for _, path in videos:
        stream = iter_video_clips(path, cfg)
        next(stream)
        clips += [torch.from_numpy(c).permute(3, 0, 1, 2).contiguous()
                  for c in stream]
    return clips  # uint8 ('decoder') or float32 ('official'), 0-255


def cpu_seconds():
    """CPU time of this process and of its finished children (the
    DataLoader workers, once joined)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + \
        children.ru_stime


def time_backbone(model, clips, batch_size):
    """``(clips/s, CPU seconds per clip)`` of normalisation + extract_feat
    on clips already in memory."""
    from tsptools.apis.encoder import normalise_inputs
    cpu, start = cpu_seconds(), time.perf_counter()
    with torch.inference_mode():
        for i in range(0, len(clips), batch_size):
            batch = torch.stack(clips[i:i + batch_size])
            model.extract_feat(normalise_inputs(model, batch))
    wall = time.perf_counter() - start
    return len(clips) / wall, (cpu_seconds() - cpu) / len(clips)


def time_end_to_end(model, videos, cfg):
    """``(clips/s, CPU seconds per clip, clips)`` of iter_video_features."""
    from tsptools.apis import iter_video_features
    clips = 0
    cpu, start = cpu_seconds(), time.perf_counter()
    for result in iter_video_features(model, videos, cfg):
        if result.status == 'failed':
            raise RuntimeError(result.error)
        clips += len(result.features)
    wall = time.perf_counter() - start
    return clips / wall, (cpu_seconds() - cpu) / clips, clips


def compare_backends(model, videos, cfg):
    """Relative L2 error ``||F_decoder - F_official|| / ||F_official||`` of
    the features of each video (all its clips), and their median."""
    from tsptools.apis import iter_video_features
    feats = {}
    for backend in ('official', 'decoder'):
        run = dict(cfg, resize_backend=backend)
        if backend == 'decoder' and run['resize'] is None:
            continue
        feats[backend] = {r.name: r.features
                          for r in iter_video_features(model, videos, run)}
    if len(feats) < 2:
        print('--compare-backends needs a fixed resize (not short_side)')
        return None
    errors = {
        name: float(torch.linalg.norm(torch.from_numpy(
            feats['decoder'][name] - ref)) / torch.linalg.norm(
                torch.from_numpy(ref)))
        for name, ref in feats['official'].items()}
    for name, err in sorted(errors.items()):
        print(f'{name}: relative L2 error decoder vs official {err:.4f}')
    median = statistics.median(errors.values())
    print(f'median relative L2 error of the decoder resize: {median:.4f}')
    return dict(per_video=errors, median=median)


def main(argv=None):
    args = parse_args(argv)
    from tsptools.apis import init_encoder, make_extract_cfg
    if args.threads:
        torch.set_num_threads(args.threads)
    videos, description = find_videos(args)
    from mmengine.config import Config
    cfg = make_extract_cfg(
        Config.fromfile(args.config).get('extract_cfg'),
        batch_size=args.batch_size, num_workers=args.num_workers,
        short_side=args.short_side, crop_size=args.crop_size,
        stride=args.stride, resize_backend=args.resize_backend)
    model = init_encoder(args.config, args.checkpoint)
    print(f'videos: {description}')
    rate = f"at {cfg['fps']:g} fps" if cfg['fps'] else \
        f"every {cfg['frame_interval']} frames"
    size = f"resize {cfg['resize']}" if cfg['resize'] else \
        f"short side {cfg['short_side']}"
    print(f"settings: {cfg['clip_len']} frames {rate}, "
          f"stride {cfg['stride']}, {size} ({cfg['resize_backend']}), crop "
          f"{cfg['crop_size']}, batch {cfg['batch_size']}, "
          f"{cfg['num_workers']} decoding worker(s), "
          f'{torch.get_num_threads()} torch threads, '
          f'{os.cpu_count()} CPUs')
    print(f'model: {osp.basename(args.config)} backbone '
          f'({sum(p.numel() for p in model.parameters()) / 1e6:.2f} M '
          'parameters)', flush=True)

    start = time.perf_counter()
    clips = predecode(videos, cfg)
    decode_rate = len(clips) / (time.perf_counter() - start)
    print(f'{len(clips)} clips; decoding alone (this process): '
          f'{decode_rate:.1f} clips/s', flush=True)
    time_backbone(model, clips[:cfg['batch_size']], cfg['batch_size'])

    rounds = []
    for r in range(args.rounds):
        # alternate the order (ABBA) so that a load that drifts during the
        # run does not favour either measurement
        if r % 2 == 0:
            backbone, cpu_b = time_backbone(model, clips, cfg['batch_size'])
            e2e, cpu_e, n = time_end_to_end(model, videos, cfg)
        else:
            e2e, cpu_e, n = time_end_to_end(model, videos, cfg)
            backbone, cpu_b = time_backbone(model, clips, cfg['batch_size'])
        assert n == len(clips), (n, len(clips))
        rounds.append(dict(backbone=backbone, end_to_end=e2e,
                           ratio=e2e / backbone, cpu_per_clip_backbone=cpu_b,
                           cpu_per_clip_end_to_end=cpu_e,
                           cpu_ratio=cpu_b / cpu_e,
                           load_average=os.getloadavg()[0]))
        print(f'round {r + 1}: backbone alone {backbone:.2f} clips/s, end '
              f'to end {e2e:.2f} clips/s, ratio {e2e / backbone:.3f}; CPU '
              f's/clip {cpu_b:.3f} vs {cpu_e:.3f} (ratio '
              f'{cpu_b / cpu_e:.3f}); load average '
              f'{os.getloadavg()[0]:.1f}', flush=True)

    def median(key):
        return statistics.median(r[key] for r in rounds)

    result = dict(
        videos=description, num_clips=len(clips), settings=cfg,
        threads=torch.get_num_threads(), cpus=os.cpu_count(),
        decode_alone=decode_rate, rounds=rounds,
        backbone=median('backbone'), end_to_end=median('end_to_end'),
        ratio=median('ratio'), cpu_ratio=median('cpu_ratio'))
    print(f"median of {len(rounds)} rounds: end to end "
          f"{result['end_to_end']:.2f} clips/s, backbone alone "
          f"{result['backbone']:.2f} clips/s, ratio {result['ratio']:.3f} "
          f"(CPU-time ratio {result['cpu_ratio']:.3f})")
    if args.compare_backends:
        result['backend_rel_l2'] = compare_backends(model, videos, cfg)
    if args.json:
        with open(args.json, 'w') as f:
            json.dump(result, f, indent=1)
    return 0


if __name__ == '__main__':
    sys.exit(main())
