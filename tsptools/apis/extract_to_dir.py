"""Extract the features of a list of videos into a folder: resumable,
atomic, distributed (see ``docs/en/user_guides/feature_extraction.md``).

:func:`extract_to_dir` is what ``tools/extract_features.py`` runs:

1. rank 0 checks that the folder was not made with other settings, deletes
   the temporary files of killed runs, reads the run logs and lists the
   videos not finished yet; every rank receives that list;
2. rank ``r`` of ``w`` extracts the videos ``pending[r::w]``, writes each
   output atomically, then appends a line to ``.extract/log.rank<r>.jsonl``;
3. after a barrier, rank 0 merges the ``h5``/``pkl`` parts into one file and
   writes ``manifest.json``; every rank returns the same summary.

A video counts as finished when its log line says ``ok``/``short`` and its
output exists; anything else is (re)done on the next run.
"""
import logging
import os
import os.path as osp
import signal
import time
from typing import Optional, Sequence

import torch
from mmengine.dist import barrier, broadcast_object_list, get_dist_info
from mmengine.logging import print_log

from tsptools.version import __version__
from tsptools.core.clip_plan import (OUTPUT_KEYS, make_extract_cfg,
                                     resize_features, time_grid)
from tsptools.core.feature_format import (
    CLIP_TIME_RULE, FORMATS, MERGED_NAMES, PARTS_DIR, PER_VIDEO_FORMATS,
    TIMES_DIR, WORK_DIR, FeatureManifest, append_record, atomic_save_json,
    merge_parts, merged_names, merged_path, read_records, remove_stale_tmp,
    save_video_output, times_path, video_output_path)
from tsptools.utils.progress import Progress
from .feature_extraction import iter_video_features
from .video_list import VideoEntry

#: Test hook: SIGKILL this process after it has written this many videos.
KILL_AFTER_ENV = 'TSPTOOLS_EXTRACT_KILL_AFTER'


def _log(msg: str, level=logging.INFO) -> None:
    print_log(msg, logger='current', level=level)


def _settings(cfg: dict, fmt: str, meta: dict) -> dict:
    # as JSON stores them (tuples become lists), to compare with the file
    out = {key: list(cfg[key]) if isinstance(cfg[key], tuple) else cfg[key]
           for key in OUTPUT_KEYS}
    out['format'] = fmt
    out['checkpoint_sha256'] = meta.get('checkpoint_sha256')
    return out


def _is_finished(out_dir: str, fmt: str, name: str, record: dict,
                 in_merged: set) -> bool:
    if record.get('status') not in ('ok', 'short'):
        return False
    if fmt in PER_VIDEO_FORMATS:
        return osp.exists(video_output_path(out_dir, name, fmt)) and \
            osp.exists(times_path(out_dir, name))
    return name in in_merged or osp.exists(
        video_output_path(out_dir, name, fmt))


def _prepare(out_dir: str, videos: Sequence[VideoEntry], cfg: dict, fmt: str,
             meta: dict) -> dict:
    """Rank 0's set-up; returns the positions of the videos to do."""
    work = osp.join(out_dir, WORK_DIR)
    os.makedirs(osp.join(work, PARTS_DIR), exist_ok=True)
    settings = _settings(cfg, fmt, meta)
    settings_path = osp.join(work, 'settings.json')
    if osp.exists(settings_path):
        import json
        with open(settings_path) as f:
            old = json.load(f)
        if old != settings:
            diff = {k: (old.get(k), settings.get(k))
                    for k in set(old) | set(settings)
                    if old.get(k) != settings.get(k)}
            raise ValueError(
                f'{out_dir} holds features extracted with other settings '
                f'(old, new): {diff}; use another --out-dir or delete it')
    else:
        atomic_save_json(settings_path, settings)
    removed = sum(
        remove_stale_tmp(d)
        for d in (out_dir, osp.join(out_dir, TIMES_DIR), work,
                  osp.join(work, PARTS_DIR)))
    if removed:
        _log(f'Removed {removed} temporary files of an interrupted run')
    records = read_records(work)
    in_merged = merged_names(out_dir, fmt) if fmt in MERGED_NAMES else set()
    pending = [
        i for i, (name, _) in enumerate(videos)
        if not _is_finished(out_dir, fmt, name, records.get(name, {}),
                            in_merged)
    ]
    return dict(pending=pending)


def _finalize(out_dir: str, videos: Sequence[VideoEntry], cfg: dict,
              fmt: str, meta: dict) -> dict:
    """Rank 0: merge the parts, write ``manifest.json``; returns the
    summary."""
    work = osp.join(out_dir, WORK_DIR)
    records = read_records(work)
    merged_file = None
    if fmt in MERGED_NAMES:
        in_merged = merged_names(out_dir, fmt)
        names = [
            name for name, record in records.items()
            if _is_finished(out_dir, fmt, name, record, in_merged)
        ]
        if names:
            merged_file, count = merge_parts(out_dir, fmt, names)
            _log(f'Wrote {count} videos to {merged_file}')
    this_run = {}
    for name, filename in videos:
        record = records.get(name) or dict(
            name=name, filename=filename, status='failed',
            error='no result was recorded for this video')
        this_run[name] = record
    entries = {}
    for name, record in sorted({**records, **this_run}.items()):
        entry = {k: v for k, v in record.items()
                 if k not in ('name', 'time', 'rank')}
        if entry.get('status') != 'failed':
            entry['file'] = osp.basename(merged_path(out_dir, fmt)) \
                if fmt in MERGED_NAMES else f'{name}.{fmt}'
        entries[name] = entry
    statuses = [r['status'] for r in this_run.values()]
    failed = [n for n, r in this_run.items() if r['status'] == 'failed']
    manifest = FeatureManifest(
        tsptools_version=__version__,
        created=time.strftime('%Y-%m-%dT%H:%M:%S%z'),
        config=meta.get('config'),
        checkpoint=meta.get('checkpoint'),
        checkpoint_sha256=meta.get('checkpoint_sha256'),
        format=fmt,
        output=osp.basename(merged_file) if merged_file else
        ('.' if fmt in PER_VIDEO_FORMATS else None),
        settings=dict(cfg),
        clip_time=CLIP_TIME_RULE,
        time_grid=time_grid(cfg),
        num_videos=len(videos),
        num_ok=statuses.count('ok'),
        num_short=statuses.count('short'),
        num_failed=len(failed),
        videos=entries)
    path = manifest.save(out_dir)
    return dict(num_videos=len(videos), num_ok=manifest.num_ok,
                num_short=manifest.num_short, failed=failed, manifest=path)


def _broadcast(obj, world_size: int):
    if world_size == 1:
        return obj
    holder = [obj]
    broadcast_object_list(holder, src=0)
    return holder[0]


def extract_to_dir(model: torch.nn.Module,
                   videos: Sequence[VideoEntry],
                   out_dir: str,
                   cfg: Optional[dict] = None,
                   fmt: str = 'npy',
                   meta: Optional[dict] = None,
                   progress: bool = True,
                   device=None,
                   channels_last: bool = False,
                   pin_memory: bool = False) -> dict:
    """Extract the features of ``videos`` into ``out_dir``.

    Runs on every rank of an initialised ``torch.distributed`` group (each
    rank with the same ``videos``), or alone.

    Args:
        model: from :func:`~.feature_extraction.init_encoder`.
        videos: ``(name, filename)`` pairs, names unique.
        out_dir: output folder (created; a folder of an interrupted run with
            the same settings is resumed).
        cfg: settings (:func:`~.clip_plan.make_extract_cfg`).
        fmt: ``'npy'``, ``'h5'``, ``'pkl'`` or ``'csv'``.
        meta: ``config``, ``checkpoint`` and ``checkpoint_sha256`` for the
            manifest (the hash is also part of the settings check).
        progress: progress line on rank 0.
        device: where the inputs go (default: the model's device).
        channels_last, pin_memory: as in
            :func:`~.feature_extraction.iter_video_features` (speed only;
            not part of the settings that a resumed folder must match).

    Returns:
        ``dict(num_videos, num_ok, num_short, failed=[names], manifest)``
        about the videos of ``videos``, the same on every rank.
    """
    if fmt not in FORMATS:
        raise ValueError(f'format must be one of {FORMATS}, got {fmt!r}')
    cfg = make_extract_cfg(cfg)
    meta = dict(meta or {})
    videos = list(videos)
    names = [name for name, _ in videos]
    if len(set(names)) != len(names):
        raise ValueError('video names must be unique')
    if fmt == 'h5' and any('/' in name for name in names):
        raise ValueError('h5 dataset names cannot contain "/"')
    rank, world_size = get_dist_info()

    plan = None
    if rank == 0:
        try:
            plan = _prepare(out_dir, videos, cfg, fmt, meta)
        except Exception as err:  # noqa: BLE001 (stop every rank)
            plan = dict(error=err)
    plan = _broadcast(plan, world_size)
    if 'error' in plan:
        raise plan['error']
    pending = plan['pending']
    if rank == 0:
        _log(f'{len(videos)} videos: {len(videos) - len(pending)} already '
             f'done, {len(pending)} to extract on {world_size} process(es) '
             f'into {out_dir} ({fmt})')

    shard = pending[rank::world_size]
    log_path = osp.join(out_dir, WORK_DIR, f'log.rank{rank}.jsonl')
    bar = Progress(len(shard), enabled=progress and rank == 0)
    kill_after = int(os.environ.get(KILL_AFTER_ENV, 0) or 0)
    written = 0
    for result in iter_video_features(
            model, [videos[i] for i in shard], cfg, device,
            on_clips=bar.add_clips, channels_last=channels_last,
            pin_memory=pin_memory):
        record = result.info()
        if result.status == 'failed':
            _log(f'Failed: {result.error}', logging.WARNING)
        else:
            features, times = result.features, result.clip_times
            if cfg['resize_to'] is not None:
                features = resize_features(features, cfg['resize_to'])
                times = resize_features(times, cfg['resize_to'])
            record['T'] = int(len(features))
            save_video_output(out_dir, result.name, fmt, features, times,
                              record)
        record.update(time=time.time(), rank=rank)
        append_record(log_path, record)
        bar.update()
        written += 1
        if kill_after and written >= kill_after:
            os.kill(os.getpid(), signal.SIGKILL)

    if world_size > 1:
        barrier()
    summary = None
    if rank == 0:
        summary = _finalize(out_dir, videos, cfg, fmt, meta)
    summary = _broadcast(summary, world_size)
    return summary
