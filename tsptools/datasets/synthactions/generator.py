"""Generate the SynthActions benchmark into a folder.

Layout::

    OUT_DIR/
      meta.json
      untrimmed/videos/v_000000.mp4 ...
      untrimmed/annotations/synthactions.json            (ActivityNet JSON)
      untrimmed/annotations/class_index.json
      untrimmed/annotations/synthactions_action_label_mapping.json
      untrimmed/annotations/synthactions_temporal_region_label_mapping.json
      untrimmed/annotations/synthactions_{train,valid,test}_metadata.csv
      untrimmed/annotations/synthactions_{train,valid,test}_tsp_groundtruth.csv
      trimmed/videos/<class name>/{train,val}_000000.mp4 ...
      trimmed/train_list.txt  trimmed/val_list.txt

Videos are written under a temporary name and moved into place when complete;
a video whose mp4 exists with the planned number of frames is not made again,
so an interrupted run resumes. ``meta.json`` is written first with
``"complete": false`` and refuses a folder made with other settings.
"""
import json
import multiprocessing as mp
import os
import os.path as osp
import sys
import time
from typing import Dict, List, Optional

import numpy as np

from .annotations import write_trimmed_lists, write_untrimmed_annotations
from .plan import plan_trimmed, plan_untrimmed
from .presets import FPS, get_preset
from .programs import class_names as get_class_names
from .programs import motion_id
from .world import SynthVideo
from .writer import VideoWriter, count_frames, partial_path

#: Bumped whenever the same seed would give different videos.
GENERATOR_VERSION = '1.0'
DATASET_NAME = 'SynthActions'


def default_workers() -> int:
    """``min(2, cpu_count)``."""
    return max(1, min(2, os.cpu_count() or 1))


def _pool_context():
    """``fork`` where the OS has it (workers start at once; they only use
    numpy and PyAV, no thread pools), else ``spawn``."""
    if sys.platform.startswith('linux'):
        return mp.get_context('fork')
    return mp.get_context('spawn')


def _make_video(job: Dict) -> Dict:
    """Render and encode one video (runs in a worker); returns its path and
    frame count."""
    path = job['path']
    os.makedirs(osp.dirname(path), exist_ok=True)
    tmp_path = partial_path(path)
    try:
        video = SynthVideo(np.random.default_rng(job['rng_key']),
                           job['height'], job['width'], job['num_frames'],
                           job['instances'], fps=FPS)
        with VideoWriter(tmp_path, job['width'], job['height'], fps=FPS,
                         crf=job['crf']) as writer:
            for frame in video.frames():
                writer.write(frame)
        written = count_frames(tmp_path)
        if written != job['num_frames']:
            raise RuntimeError(f'{path}: wrote {written} frames, expected '
                               f"{job['num_frames']}")
        os.replace(tmp_path, path)
    except BaseException as exc:
        if osp.exists(tmp_path):
            os.remove(tmp_path)
        if isinstance(exc, Exception) and path not in str(exc):
            raise RuntimeError(f'{path}: {exc!r}') from exc
        raise
    return dict(path=path, num_frames=job['num_frames'], made=True)


def _jobs(out_dir: str, cfg: dict, names: List[str], untrimmed: List[Dict],
          trimmed: List[Dict]) -> List[Dict]:
    common = dict(height=cfg['height'], width=cfg['width'], crf=cfg['crf'])
    # dataset class index -> motion id of the world
    motions = [motion_id(name) for name in names]
    jobs = []
    for v in untrimmed:
        jobs.append(
            dict(path=osp.join(out_dir, 'untrimmed', 'videos',
                               f"{v['name']}.mp4"),
                 rng_key=v['rng_key'],
                 num_frames=v['num_frames'],
                 instances=[(i['start_frame'], i['end_frame'],
                             motions[i['label']]) for i in v['instances']],
                 **common))
    for c in trimmed:
        jobs.append(
            dict(path=osp.join(out_dir, 'trimmed', 'videos',
                               c['relative_path']),
                 rng_key=c['rng_key'],
                 num_frames=c['num_frames'],
                 instances=[(c['action_start'], c['action_end'],
                             motions[c['label']])],
                 **common))
    # longest first, for an even load across workers
    return sorted(jobs, key=lambda j: -j['num_frames'])


class _Progress:
    """A progress line: ``done/total videos, frames/s, elapsed, ETA`` (ETA
    by frames). Rewritten in place on a terminal, else printed every 10 %."""

    def __init__(self, jobs: List[Dict], enabled: bool) -> None:
        self.total_videos = len(jobs)
        self.total_frames = sum(j['num_frames'] for j in jobs)
        self.videos = self.frames = self.skipped_frames = 0
        self.enabled = enabled
        self.tty = sys.stdout.isatty()
        self.start = self.last = time.time()
        self.next_percent = 10

    def update(self, result: Dict) -> None:
        self.videos += 1
        self.frames += result['num_frames']
        if not result['made']:
            self.skipped_frames += result['num_frames']
        if not self.enabled:
            return
        now = time.time()
        done = self.videos == self.total_videos
        percent = 100 * self.frames / max(self.total_frames, 1)
        if self.tty and not done and now - self.last < 0.5:
            return
        if not self.tty and not done and percent < self.next_percent:
            return
        self.last = now
        while percent >= self.next_percent:
            self.next_percent += 10
        elapsed = now - self.start
        made = self.frames - self.skipped_frames
        rate = made / elapsed if elapsed > 0 else 0.0
        eta = (self.total_frames - self.frames) / rate if rate > 0 else 0.0
        line = (f'[{self.videos}/{self.total_videos} videos, {percent:.0f}%] '
                f'{rate:.0f} frames/s, elapsed {elapsed:.0f}s, '
                f'ETA {eta:.0f}s')
        if self.skipped_frames:
            line += f' ({self.skipped_frames} frames already there)'
        if self.tty:
            sys.stdout.write('\r' + line + ('\n' if done else ''))
        else:
            sys.stdout.write(line + '\n')
        sys.stdout.flush()


def _check_meta(meta_path: str, meta: Dict) -> None:
    if not osp.exists(meta_path):
        return
    with open(meta_path) as f:
        old = json.load(f)
    keys = ('generator_version', 'preset', 'seed', 'num_classes', 'config')
    if any(old.get(k) != meta[k] for k in keys):
        raise RuntimeError(
            f'{meta_path} describes a SynthActions folder made with other '
            'settings; choose an empty OUT_DIR (or remove it) to generate '
            f"preset={meta['preset']!r} seed={meta['seed']} "
            f"num_classes={meta['num_classes']}")


def generate_synthactions(out_dir: str,
                          preset: str = 'tiny',
                          seed: int = 0,
                          num_classes: int = 10,
                          workers: Optional[int] = None,
                          overrides: Optional[dict] = None,
                          progress: bool = True) -> Dict:
    """Generate SynthActions into ``out_dir`` and return its meta dict (also
    written to ``out_dir/meta.json``).

    Args:
        out_dir: output folder (created; an interrupted run resumes).
        preset: ``'tiny'``, ``'small'`` or ``'standard'``.
        seed: the dataset's seed: the same seed and settings give the same
            files, whatever ``workers``.
        num_classes: number of classes (motion programs), 1 to
            :data:`~.programs.MAX_CLASSES`.
        workers: processes that make videos (default ``min(2, cpu_count)``);
            1 makes them in this process.
        overrides: nested dict merged into the preset (see
            :func:`~.presets.get_preset`), e.g. for smaller test data.
        progress: print a progress line.
    """
    cfg = get_preset(preset, overrides)
    names = get_class_names(num_classes)
    untrimmed = plan_untrimmed(seed, cfg, num_classes)
    trimmed = plan_trimmed(seed, cfg, names)
    workers = default_workers() if workers is None else int(workers)

    meta = dict(
        name=DATASET_NAME,
        generator_version=GENERATOR_VERSION,
        preset=preset,
        seed=int(seed),
        num_classes=int(num_classes),
        classes=names,
        fps=FPS,
        width=cfg['width'],
        height=cfg['height'],
        resolution=f"{cfg['width']}x{cfg['height']}",
        codec='h264',
        pix_fmt='yuv420p',
        counts=dict(
            untrimmed={
                subset: sum(v['subset'] == subset for v in untrimmed)
                for subset in ('training', 'validation', 'testing')
            },
            untrimmed_instances={
                subset: sum(
                    len(v['instances']) for v in untrimmed
                    if v['subset'] == subset)
                for subset in ('training', 'validation', 'testing')
            },
            trimmed={
                split: sum(c['split'] == split for c in trimmed)
                for split in ('train', 'val')
            }),
        frames=dict(
            untrimmed=int(sum(v['num_frames'] for v in untrimmed)),
            trimmed=int(sum(c['num_frames'] for c in trimmed))),
        config=cfg,
        complete=False)
    # a JSON round trip makes tuples lists, as in a meta.json read back
    meta = json.loads(json.dumps(meta))

    os.makedirs(out_dir, exist_ok=True)
    meta_path = osp.join(out_dir, 'meta.json')
    _check_meta(meta_path, meta)
    with open(meta_path, 'w') as f:
        json.dump(meta, f, indent=1)

    jobs = _jobs(out_dir, cfg, names, untrimmed, trimmed)
    bar = _Progress(jobs, progress)
    todo = []
    for job in jobs:
        if osp.exists(job['path']) and \
                count_frames(job['path']) == job['num_frames']:
            bar.update(dict(num_frames=job['num_frames'], made=False))
        else:
            todo.append(job)
    if workers <= 1 or len(todo) <= 1:
        for job in todo:
            bar.update(_make_video(job))
    else:
        with _pool_context().Pool(min(workers, len(todo))) as pool:
            for result in pool.imap_unordered(_make_video, todo):
                bar.update(result)

    ann_dir = osp.join(out_dir, 'untrimmed', 'annotations')
    trimmed_dir = osp.join(out_dir, 'trimmed')
    os.makedirs(ann_dir, exist_ok=True)
    os.makedirs(trimmed_dir, exist_ok=True)
    write_untrimmed_annotations(ann_dir, untrimmed, names, cfg['width'],
                                cfg['height'],
                                f'{DATASET_NAME} {GENERATOR_VERSION}')
    write_trimmed_lists(trimmed_dir, trimmed)

    meta['complete'] = True
    with open(meta_path, 'w') as f:
        json.dump(meta, f, indent=1)
    return meta
