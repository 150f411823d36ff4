"""Localize actions in your own videos: encoder features, then a localizer.

    python tools/predict.py VIDEO_OR_DIR --encoder CONFIG CKPT \
        --localizer CONFIG CKPT --out OUT [--srt] [--plot]
        [--score-thr 0.05] [--max-per-video 100] [--class-names FILE]
        [--device cpu]

For each video (a file, or every video under a folder): its clip features
with the encoder's settings (the encoder config's ``extract_cfg``: clip grid,
resize, crop, overridden by the flags of ``tools/extract_features.py``, e.g.
``--stride 8``: use those the localizer was trained with), then the localizer (a
``FeaturePyramidLocalizer`` config and checkpoint, with its test dataset's
``resize_to``), then:

* ``OUT/results.json``: ActivityNet-format results (``{"results": {video:
  [{"label", "score", "segment": [start, end]}]}}``, seconds, the format
  ``tools/analysis_tools/eval_localization.py`` reads);
* with ``--srt``, ``OUT/<video>.srt``: subtitles of the segments scoring at
  least ``--srt-thr`` (best first, at most ``--srt-top``);
* with ``--plot``, ``OUT/<video>.png``: the clip-to-clip cosine similarity of
  the (per-video centred) features with the best segments over it, and a
  timeline of those segments.

Progress (clips, clips/s, ETA) goes to stdout. A video that cannot be read
is reported with its error and left out (exit status 1 when any failed);
every output is written under a temporary name and renamed when complete,
so nothing is half-written. Class names: ``--class-names`` (a JSON list, or
``{name: index}``), else the localizer config's ``class_index``, else
``class_<k>``.
"""
import argparse
import json
import os
import os.path as osp
import sys

import numpy as np


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('videos', help='a video file or a folder of videos')
    parser.add_argument('--encoder', nargs=2, required=True,
                        metavar=('CONFIG', 'CKPT'))
    parser.add_argument('--localizer', nargs=2, required=True,
                        metavar=('CONFIG', 'CKPT'))
    parser.add_argument('--out', required=True, help='output folder')
    parser.add_argument('--srt', action='store_true',
                        help='write OUT/<video>.srt')
    parser.add_argument('--srt-thr', type=float, default=0.3,
                        help='smallest score of a subtitle (0.3)')
    parser.add_argument('--srt-top', type=int, default=20,
                        help='most subtitles per video (20)')
    parser.add_argument('--plot', action='store_true',
                        help='write OUT/<video>.png')
    parser.add_argument('--score-thr', type=float, default=0.0,
                        help='drop detections scoring less (0: keep all)')
    parser.add_argument('--max-per-video', type=int, default=100,
                        help='most detections per video (100)')
    parser.add_argument('--class-names', help='JSON list or {name: index}')
    parser.add_argument('--device', default='cpu')
    parser.add_argument('--no-progress', action='store_true')
    from tsptools.apis.cli import add_extract_arguments
    add_extract_arguments(parser)  # as tools/extract_features.py
    return parser.parse_args(argv)


def class_names(args, loc_cfg, num_classes):
    source = args.class_names or loc_cfg.test_dataloader.dataset.get(
        'class_index')
    if isinstance(source, str) and osp.isfile(source):
        with open(source) as f:
            source = json.load(f)
    if isinstance(source, dict):
        source = sorted(source, key=source.get)
    if isinstance(source, (list, tuple)) and len(source) == num_classes:
        return [str(name) for name in source]
    return [f'class_{k}' for k in range(num_classes)]


def build_localizer(config, checkpoint, device):
    from mmengine.config import Config
    from mmengine.runner.checkpoint import load_checkpoint

    from tsptools.registry import MODELS
    cfg = Config.fromfile(config)
    model = MODELS.build(cfg.model)
    load_checkpoint(model, checkpoint, map_location='cpu', strict=True,
                    logger='silent')
    return cfg, model.to(device).eval()


def localize(model, features, times, duration, resize_to):
    """Detections of one video: ``(segments M x 2, scores M, labels M)``."""
    import torch
    from mmengine.structures import BaseDataElement

    from tsptools.core.clip_plan import resize_features
    from tsptools.datasets import PrecomputedFeatureDataset
    if resize_to is not None and len(features) != resize_to:
        features = resize_features(features, resize_to)
        times = resize_features(times, resize_to)
    offset, step = PrecomputedFeatureDataset.time_grid(times, duration)
    sample = BaseDataElement(
        video_name='', duration=float(duration), time_offset=offset,
        time_step=step, num_steps=int(len(features)),
        gt_segments=np.zeros((0, 2)), gt_labels=np.zeros(0, np.int64))
    inputs = torch.from_numpy(np.ascontiguousarray(features.T)).float()
    with torch.no_grad():
        out = model.test_step(dict(inputs=[inputs], data_samples=[sample]))
    pred = out[0]
    return (np.asarray(pred.pred_segments, np.float64).reshape(-1, 2),
            np.asarray(pred.pred_scores, np.float64),
            np.asarray(pred.pred_labels, np.int64))


def srt_time(seconds: float) -> str:
    millis = int(round(max(seconds, 0.0) * 1000))
    h, rest = divmod(millis, 3600000)
    m, rest = divmod(rest, 60000)
    s, ms = divmod(rest, 1000)
    return f'{h:02d}:{m:02d}:{s:02d},{ms:03d}'


def srt_text(detections, thr, top) -> str:
    """Subtitles of the detections scoring at least ``thr``, best first,
    shown in time order."""
    kept = [d for d in detections if d['score'] >= thr][:top]
    kept.sort(key=lambda d: d['segment'][0])
    blocks = [
        f"{i}\n{srt_time(d['segment'][0])} --> {srt_time(d['segment'][1])}"
        f"\n{d['label']} ({d['score']:.2f})\n"
        for i, d in enumerate(kept, start=1)]
    return '\n'.join(blocks)


def plot_video(path, name, features, times, duration, detections, top=10):
    """Similarity matrix with the best segments over it, and a timeline."""
    import matplotlib
    matplotlib.use('Agg')
    import matplotlib.pyplot as plt
    from matplotlib.patches import Rectangle

    from tsptools.visualization import cosine_similarity_matrix
    # centred per video: raw ReLU features are all alike in direction
    sim = cosine_similarity_matrix(features - features.mean(axis=0))
    # the best segments: at most ``top``, scoring at least 30% of the best
    floor = 0.3 * detections[0]['score'] if detections else 0.0
    best = [d for d in detections[:top] if d['score'] >= floor]
    fig, (ax, line) = plt.subplots(
        2, 1, figsize=(6.4, 7.6), gridspec_kw=dict(height_ratios=[5, 1.4]))
    half = (times[1] - times[0]) / 2 if len(times) > 1 else duration / 2
    extent = (times[0] - half, times[-1] + half, times[-1] + half,
              times[0] - half)
    image = ax.imshow(sim, extent=extent, cmap='viridis', vmin=-1, vmax=1)
    fig.colorbar(image, ax=ax, fraction=0.046,
                 label='cosine similarity (centred features)')
    colours = plt.get_cmap('tab10')
    labels = sorted({d['label'] for d in best})
    for d in best:
        t0, t1 = d['segment']
        ax.add_patch(Rectangle((t0, t0), t1 - t0, t1 - t0, fill=False,
                               lw=1.5, ec=colours(labels.index(d['label']))))
    plural = 's' if len(best) != 1 else ''
    ax.set(title=f'{name}: clip similarity, best segment{plural}',
           xlabel='time (s)', ylabel='time (s)')
    for row, d in enumerate(best):
        t0, t1 = d['segment']
        line.barh(row, t1 - t0, left=t0, height=0.8,
                  color=colours(labels.index(d['label'])),
                  alpha=0.35 + 0.65 * float(d['score']))
        line.text(t1, row, f" {d['label']} {d['score']:.2f}",
                  va='center', fontsize=7)
    line.set(xlim=(0, duration), ylim=(len(best) - 0.5, -0.5),
             xlabel='time (s)', yticks=[])
    fig.tight_layout()
    from tsptools.core.feature_format import atomic_write
    atomic_write(path, lambda f: fig.savefig(f, format='png', dpi=110))
    plt.close(fig)


def main(argv=None) -> int:
    args = parse_args(argv)
    from mmengine.config import Config

    from tsptools.apis import init_encoder, iter_video_features
    from tsptools.apis.cli import extract_cfg_from_args
    from tsptools.apis.video_clips import video_clip_plan
    from tsptools.apis.video_list import list_videos, videos_from_paths
    from tsptools.core.feature_format import atomic_save_json, atomic_write
    from tsptools.datasets.transforms.decord_open import open_video
    from tsptools.utils import (Progress, enable_safe_checkpoint_loading,
                                register_all_modules)
    enable_safe_checkpoint_loading()  # the localizer's mmengine checkpoint
    register_all_modules()
    if osp.isdir(args.videos):
        videos = list_videos(video_dir=args.videos)
    elif osp.isfile(args.videos):
        videos = videos_from_paths([args.videos])
    else:
        raise SystemExit(f'Video not found: {args.videos}')
    enc_cfg = Config.fromfile(args.encoder[0])
    cfg = extract_cfg_from_args(enc_cfg, args)
    encoder = init_encoder(enc_cfg, args.encoder[1], device=args.device)
    loc_cfg, localizer = build_localizer(*args.localizer, args.device)
    resize_to = loc_cfg.test_dataloader.dataset.get('resize_to')
    names = class_names(args, loc_cfg, localizer.num_classes)
    os.makedirs(args.out, exist_ok=True)

    # the clips to come, for a progress line with an ETA
    total = 0
    for _, path in videos:
        try:
            reader = open_video(path)  # metadata only, nothing decoded
            total += video_clip_plan(len(reader), reader.get_avg_fps(),
                                     cfg)['num_clips']
            del reader
        except Exception:  # noqa: BLE001 (reported when it is extracted)
            pass
    bar = Progress(total, enabled=not args.no_progress, unit='clips')

    def on_clips(n):
        bar.add_clips(n)
        bar.update(n)

    results, failed = {}, []
    for video in iter_video_features(encoder, videos, cfg, args.device,
                                     on_clips=on_clips):
        if video.status == 'failed':
            failed.append(video.error)
            print(f'failed: {video.error}', file=sys.stderr)
            continue
        segments, scores, labels = localize(
            localizer, video.features, video.clip_times, video.duration,
            resize_to)
        order = np.argsort(-scores, kind='stable')
        detections = [
            dict(label=names[int(labels[i])], score=round(float(scores[i]), 6),
                 segment=[round(float(t), 3) for t in segments[i]])
            for i in order if scores[i] >= args.score_thr
        ][:args.max_per_video]
        results[video.name] = detections
        if args.srt:
            text = srt_text(detections, args.srt_thr, args.srt_top)
            atomic_write(osp.join(args.out, f'{video.name}.srt'),
                         lambda f, t=text: f.write(t), binary=False)
        if args.plot:
            plot_video(osp.join(args.out, f'{video.name}.png'), video.name,
                       video.features, video.clip_times, video.duration,
                       detections)
        best = detections[0] if detections else None
        print(f'{video.name}: {len(detections)} segments' + (
            f", best {best['label']} {best['segment'][0]:.1f}-"
            f"{best['segment'][1]:.1f} s ({best['score']:.2f})"
            if best else ''))
    atomic_save_json(osp.join(args.out, 'results.json'), dict(
        version='tsptools predict', results=results, external_data=dict(
            encoder=[osp.abspath(p) for p in args.encoder],
            localizer=[osp.abspath(p) for p in args.localizer])))
    print(f'{len(results)} of {len(videos)} videos -> '
          f"{osp.join(args.out, 'results.json')}"
          + (f'; {len(failed)} failed' if failed else ''))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
