"""What SynthActions contains: video lengths, action instances, labels.

The plan is drawn in the main process, one generator per subset, so that
labels can be balanced across a subset; each video is then drawn by a worker
from its own generator ``default_rng(rng_key)``, ``rng_key`` being
``[seed, stream, index]`` (untrimmed) or ``[seed, stream, split, index]``
(trimmed). Nothing depends
on the number of workers or the order in which videos are made.

Times are multiples of 0.1 s (3 frames at 30 fps): an instance covers frames
``[3 * a, 3 * b)`` and is annotated ``[a / 10, b / 10]`` seconds. A video of
``n`` frames lasts ``n / 30`` s.
"""
from typing import Dict, List

import numpy as np

from .presets import FPS

#: Untrimmed subsets, in the order of their video indices.
UNTRIMMED_SUBSETS = ('training', 'validation', 'testing')
#: Short names used by the TSP CSV files of each subset.
CSV_SPLITS = {'training': 'train', 'validation': 'valid', 'testing': 'test'}
#: Trimmed lists.
TRIMMED_SPLITS = ('train', 'val')

# random streams: [seed, stream, index]
STREAM_PLAN_UNTRIMMED = 0
STREAM_PLAN_TRIMMED = 1
STREAM_UNTRIMMED_VIDEO = 2
STREAM_TRIMMED_CLIP = 3

TICK_FRAMES = FPS // 10  # annotation grid: 0.1 s


def _ticks(seconds: float) -> int:
    return int(round(seconds * FPS / TICK_FRAMES))


def _layout(rng: np.random.Generator, total_ticks: int, count: int,
            cfg: dict) -> List[List[int]]:
    """``count`` non-overlapping ``[start, end)`` tick ranges in
    ``[0, total_ticks]`` with at least ``min_gap`` between them."""
    lmin = _ticks(cfg['instance_duration'][0])
    lmax = _ticks(cfg['instance_duration'][1])
    gmin = _ticks(cfg['min_gap'])
    while count > 1 and count * lmin + (count - 1) * gmin > total_ticks:
        count -= 1
    lengths = rng.integers(lmin, lmax + 1, size=count)
    cap = min(int(cfg['max_action_fraction'] * total_ticks),
              total_ticks - (count - 1) * gmin)
    cap = max(cap, count * lmin)
    if lengths.sum() > cap:
        lengths = np.maximum(lmin, np.floor(lengths * cap / lengths.sum()))
        lengths = lengths.astype(np.int64)
        while lengths.sum() > cap:
            lengths[np.argmax(lengths)] -= 1
    slack = total_ticks - int(lengths.sum()) - (count - 1) * gmin
    weights = rng.dirichlet(np.ones(count + 1))
    if rng.uniform() < cfg['edge_probability']:
        weights[0] = 0.0
    if rng.uniform() < cfg['edge_probability']:
        weights[-1] = 0.0
    if weights.sum() == 0:
        weights[:] = 1.0
    weights /= weights.sum()
    gaps = np.floor(weights * slack).astype(np.int64)
    gaps[np.argmax(weights)] += slack - gaps.sum()
    gaps[1:-1] += gmin
    segments, cursor = [], int(gaps[0])
    for i, length in enumerate(lengths):
        segments.append([cursor, cursor + int(length)])
        cursor += int(length) + int(gaps[i + 1])
    assert cursor == total_ticks, (cursor, total_ticks)
    return segments


def plan_untrimmed(seed: int, cfg: dict, num_classes: int) -> List[Dict]:
    """Every untrimmed video: name, subset, frames and instances.

    Instances are ``dict(start_frame, end_frame, segment=[t0, t1], label)``.
    Within a subset the labels are consecutive random permutations of the
    classes, so every class appears in a subset that has at least
    ``num_classes`` instances; the instance counts of a subset are raised
    (up to the preset's maximum) to reach that where possible.
    """
    ucfg = cfg['untrimmed']
    imin, imax = ucfg['instances']
    videos, index = [], 0
    for subset_id, subset in enumerate(UNTRIMMED_SUBSETS):
        rng = np.random.default_rng([seed, STREAM_PLAN_UNTRIMMED, subset_id])
        count = ucfg['counts'][subset]
        frames = rng.integers(
            int(round(ucfg['duration'][0] * FPS)),
            int(round(ucfg['duration'][1] * FPS)) + 1,
            size=count)
        per_video = rng.integers(imin, imax + 1, size=count)
        while count and per_video.sum() < num_classes and \
                (per_video < imax).any():
            below = np.flatnonzero(per_video < imax)
            per_video[rng.choice(below)] += 1
        layouts = [
            _layout(rng, int(n) // TICK_FRAMES, int(k), ucfg)
            for n, k in zip(frames, per_video)
        ]
        total = sum(len(lay) for lay in layouts)
        pool = np.concatenate([
            rng.permutation(num_classes)
            for _ in range(-(-total // num_classes))
        ]) if total else np.zeros(0, np.int64)
        cursor = 0
        for n, lay in zip(frames, layouts):
            instances = []
            for a, b in lay:
                instances.append(
                    dict(start_frame=a * TICK_FRAMES,
                         end_frame=b * TICK_FRAMES,
                         segment=[a / 10, b / 10],
                         label=int(pool[cursor])))
                cursor += 1
            videos.append(
                dict(name=f'v_{index:06d}',
                     index=index,
                     rng_key=[seed, STREAM_UNTRIMMED_VIDEO, index],
                     subset=subset,
                     num_frames=int(n),
                     duration=int(n) / FPS,
                     instances=instances))
            index += 1
    return videos


def plan_trimmed(seed: int, cfg: dict, class_names: List[str]) -> List[Dict]:
    """Every trimmed clip: list, name, label, frames, and where its action
    started (a frame before the clip, so the clip is inside the action)."""
    tcfg = cfg['trimmed']
    num_frames = int(round(tcfg['clip_duration'] * FPS))
    clips = []
    for split_id, split in enumerate(TRIMMED_SPLITS):
        rng = np.random.default_rng([seed, STREAM_PLAN_TRIMMED, split_id])
        labels = np.repeat(np.arange(len(class_names)),
                           tcfg['clips_per_class'][split])
        labels = rng.permutation(labels)
        for i, label in enumerate(labels):
            name = f'{split}_{i:06d}'
            clips.append(
                dict(name=name,
                     split=split,
                     rng_key=[seed, STREAM_TRIMMED_CLIP, split_id, i],
                     label=int(label),
                     relative_path=f'{class_names[label]}/{name}.mp4',
                     num_frames=num_frames,
                     action_start=-int(rng.integers(FPS, 10 * FPS)),
                     action_end=num_frames + FPS))
    return clips
