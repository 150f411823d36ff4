"""Foreground / background segments of untrimmed videos, as TSP uses them.

The rule (documented in ``docs/en/user_guides/tsp_data.md``):

* foreground segments are the action instances, clipped to ``[0, duration]``;
* background segments are the gaps of the union of the (clipped) actions inside
  ``[0, duration]``;
* a background gap shorter than ``min_background`` seconds is dropped;
* when a dataset is built, a segment shorter than one clip
  (``clip_len * frame_interval / fps`` seconds) is dropped, and so is a
  segment entirely outside the video.

This module is plain Python (no torch, no mmengine) so that the tools in
``tools/data/`` can use it. It reads and writes the annotation files of the
official TSP code:

* ground-truth CSV, one row per segment, columns :data:`CSV_COLUMNS`; a
  background row has an empty ``action-label`` and the region ``No action``;
* metadata CSV, one row per video, columns :data:`METADATA_COLUMNS`;

and ActivityNet-style JSON (``{"database": {name: {"duration", "subset",
"annotations": [{"segment": [t0, t1], "label": str}]}}}``). The files are
read by :mod:`tsptools.core.annotations` (the one annotation reader; the CSV
readers and columns are re-exported from it).

A *segment record* is a dict with the keys ``video_name``, ``t_start``,
``t_end``, ``label`` (action class name, ``''`` for background),
``duration``, ``filename``, ``fps``, ``total_frames``, ``region`` (temporal
region name, :data:`FOREGROUND` or :data:`BACKGROUND` for generated records)
and ``source`` (where it came from, for error messages).
"""
import csv
import json
import os.path as osp
from typing import Dict, Iterable, List, Optional, Sequence, Tuple, Union

from tsptools.core.annotations import (CSV_COLUMNS, METADATA_COLUMNS,
                                       AnnotationError, open_text,
                                       read_metadata_csv, read_tsp_csv)
from tsptools.core.annotations import read_activitynet_json as _read_json
from tsptools.core.clip_plan import clip_duration

__all__ = [
    'CSV_COLUMNS', 'METADATA_COLUMNS', 'FOREGROUND', 'BACKGROUND',
    'DEFAULT_REGION_LABELS', 'EPS', 'AnnotationError', 'clip_segment',
    'background_segments', 'read_tsp_csv', 'read_metadata_csv',
    'read_activitynet_json', 'load_label_mapping', 'make_segments',
    'filter_segments', 'write_tsp_csv'
]

Segment = Tuple[float, float]

#: Temporal region names of the official mapping file.
FOREGROUND = 'Action'
BACKGROUND = 'No action'
#: Official region label mapping: ``Action`` -> 0, ``No action`` -> 1.
DEFAULT_REGION_LABELS = (FOREGROUND, BACKGROUND)
#: Tolerance (seconds) of the length comparisons, against float round-off.
EPS = 1e-6


def clip_segment(segment: Sequence[float], duration: float) -> Segment:
    """Clip ``(t_start, t_end)`` to ``[0, duration]``."""
    t_start, t_end = float(segment[0]), float(segment[1])
    return max(0.0, t_start), min(float(duration), t_end)


def background_segments(actions: Sequence[Sequence[float]],
                        duration: float,
                        min_background: float = 0.0) -> List[Segment]:
    """Gaps of the union of ``actions`` inside ``[0, duration]``.

    Args:
        actions: ``(t_start, t_end)`` pairs in seconds, in any order; they may
            overlap and may reach outside the video (they are clipped).
        duration: video duration in seconds.
        min_background: gaps strictly shorter than this (seconds) are dropped.

    Returns:
        Sorted, disjoint ``(t_start, t_end)`` gaps.
    """
    clipped = sorted(clip_segment(a, duration) for a in actions)
    gaps = []
    cursor = 0.0
    for t_start, t_end in clipped:
        if t_end <= t_start:
            continue
        if t_start > cursor:
            gaps.append((cursor, t_start))
        cursor = max(cursor, t_end)
    if float(duration) > cursor:
        gaps.append((cursor, float(duration)))
    return [g for g in gaps if g[1] - g[0] >= min_background]


# --------------------------------------------------------------------------
# Readers
# --------------------------------------------------------------------------


def read_activitynet_json(
        path: str,
        subset: Union[str, Sequence[str], None] = None,
        filename_tmpl: str = '{}.mp4',
        metadata: Optional[Dict[str, dict]] = None,
        fps: Optional[float] = None) -> Tuple[List[dict], dict]:
    """Read the videos of an ActivityNet-style JSON annotation file.

    Per video: ``filename`` is the entry's ``filename`` key if present, else
    ``filename_tmpl.format(video_name)``. Duration, fps and frame count come
    from ``metadata`` (a :func:`read_metadata_csv` result, keyed by filename)
    when given; else from the entry's ``duration``, ``fps`` and ``num_frames``
    keys; a missing fps falls back to ``fps`` (the argument), then to 30; a
    missing frame count to ``round(duration * fps)``. Videos absent from
    ``metadata`` are skipped and counted (an error if none is found).

    Args:
        path: the JSON file.
        subset: keep the videos whose ``subset`` is this (or one of these);
            ``None`` keeps every video.
        filename_tmpl: file name of a video from its name, e.g.
            ``'v_{}.mp4'`` for the ActivityNet downloads.
        metadata: per-file metadata (see above).
        fps: frame rate of the videos without one; ``None`` means 30, noted in
            the returned info.

    Returns:
        ``(videos, info)``. Each video is a dict with ``video_name``,
        ``filename``, ``duration``, ``fps``, ``total_frames``, ``subset`` and
        ``annotations`` (``(t_start, t_end, label)`` tuples, unclipped).
        ``info`` has ``labels`` (sorted class names over the whole file, all
        subsets), ``subsets`` (the subsets found), ``missing_metadata`` (names
        of the skipped videos) and ``default_fps`` (names of the videos that
        got the default 30 fps).
    """
    records = _read_json(path, allow_bare=True, labels='str')
    if isinstance(subset, str):
        subset = [subset]
    wanted = None if subset is None else set(subset)

    videos, labels, subsets = [], set(), set()
    missing_metadata, default_fps = [], []
    for record in records:
        video_name = record.name
        where = f'{path}, video {video_name!r}'
        labels.update(record.labels)
        subsets.add(record.subset)
        if wanted is not None and record.subset not in wanted:
            continue
        filename = record.filename or filename_tmpl.format(video_name)
        if metadata is not None:
            meta = metadata.get(osp.basename(filename))
            if meta is None:
                missing_metadata.append(video_name)
                continue
            duration = meta['duration']
            video_fps = meta['fps']
            total_frames = meta['total_frames']
        else:
            if record.duration is None:
                raise AnnotationError(
                    f'{where}: no "duration" (give a metadata CSV or add '
                    '"duration" to the entry)')
            duration = record.duration
            video_fps = record.fps
            if video_fps is None:
                if fps is None:
                    default_fps.append(video_name)
                video_fps = 30.0 if fps is None else float(fps)
            if video_fps <= 0:
                raise AnnotationError(f'{where}: fps must be > 0, got '
                                      f'{video_fps}')
            total_frames = record.num_frames
            if total_frames is None:
                total_frames = int(round(duration * video_fps))
        videos.append(
            dict(
                video_name=video_name,
                filename=filename,
                duration=duration,
                fps=video_fps,
                total_frames=total_frames,
                subset=record.subset,
                annotations=[(float(s), float(e), label) for (s, e), label
                             in zip(record.segments, record.labels)],
                source=where))
    if metadata is not None and missing_metadata and not videos:
        example = filename_tmpl.format(missing_metadata[0])
        raise AnnotationError(
            f'{path}: none of its {len(missing_metadata)} selected videos is '
            f'in the metadata CSV (e.g. {example!r}); '
            'check filename_tmpl (ActivityNet files are named v_<id>.mp4)')
    info = dict(
        labels=sorted(labels),
        subsets=sorted(s for s in subsets if s is not None),
        missing_metadata=missing_metadata,
        default_fps=default_fps)
    return videos, info


def load_label_mapping(mapping: Union[str, Sequence[str]],
                       what: str = 'label mapping') -> List[str]:
    """Class names from a JSON list file (official ``*_label_mapping.json``)
    or from a list given directly. The index of a name is its label."""
    if isinstance(mapping, str):
        try:
            with open_text(mapping) as f:
                names = json.load(f)
        except (UnicodeDecodeError, json.JSONDecodeError) as e:
            raise ValueError(f'{mapping}: cannot read the {what} as JSON: '
                             f'{e}') from e
        where = mapping
    else:
        names, where = mapping, f'{what} {list(mapping)!r}'
    if not isinstance(names, (list, tuple)) or not all(
            isinstance(n, str) for n in names):
        raise ValueError(f'{where}: a {what} is a JSON list of class names')
    if len(set(names)) != len(names):
        raise ValueError(f'{where}: duplicate names in the {what}')
    return list(names)


# --------------------------------------------------------------------------
# Segments
# --------------------------------------------------------------------------


def make_segments(videos: Iterable[dict],
                  min_background: Optional[float] = None,
                  clip_len: int = 16,
                  frame_interval: int = 2) -> Tuple[List[dict], dict]:
    """Foreground and background segment records of annotated videos.

    Foreground records are the annotations as they are (neither clipped nor
    dropped, like the official CSVs; :func:`filter_segments` does that when a
    dataset is built). Background records are the gaps of the union of the
    actions clipped to ``[0, duration]`` (:func:`background_segments`), kept
    when at least ``min_background`` seconds long (``None``: one clip,
    :func:`clip_duration` at the video's fps; ``EPS`` of tolerance).
    As in the official files, all foreground records come first (video order,
    then annotation order), then all background records (video order, then
    time).

    Args:
        videos: dicts as returned by :func:`read_activitynet_json`.

    Returns:
        ``(records, stats)`` with stats ``videos``, ``foreground``,
        ``background``, ``short_gaps`` (gaps dropped by ``min_background``)
        and ``videos_without_actions``.
    """
    foreground, background = [], []
    stats = dict(
        videos=0,
        foreground=0,
        background=0,
        short_gaps=0,
        videos_without_actions=0)
    for video in videos:
        stats['videos'] += 1
        common = dict(
            video_name=video['video_name'],
            duration=video['duration'],
            filename=video['filename'],
            fps=video['fps'],
            total_frames=video['total_frames'])
        source = video.get('source', video['video_name'])
        actions = video['annotations']
        if not actions:
            stats['videos_without_actions'] += 1
        for t_start, t_end, label in actions:
            foreground.append(
                dict(
                    t_start=t_start,
                    t_end=t_end,
                    label=label,
                    region=FOREGROUND,
                    source=source,
                    **common))
        minimum = (
            clip_duration(clip_len, frame_interval, video['fps'])
            if min_background is None else float(min_background))
        gaps = background_segments([a[:2] for a in actions], video['duration'])
        for t_start, t_end in gaps:
            if t_end - t_start < minimum - EPS:
                stats['short_gaps'] += 1
                continue
            background.append(
                dict(
                    t_start=t_start,
                    t_end=t_end,
                    label='',
                    region=BACKGROUND,
                    source=f'{source}, background',
                    **common))
    stats['foreground'] = len(foreground)
    stats['background'] = len(background)
    return foreground + background, stats


def filter_segments(
        records: Iterable[dict],
        clip_len: int = 16,
        frame_interval: int = 2,
        min_background: Optional[float] = None,
        target_fps: Optional[float] = None) -> Tuple[List[dict], dict]:
    """Clip segment records to their video and drop the unusable ones.

    In this order, a record is

    1. dropped as *outside the video* if it lies entirely outside
       ``[0, duration]`` (``t_end <= 0`` or ``t_start >= duration``);
    2. clipped to ``[0, duration]``;
    3. dropped as *shorter than one clip* if shorter than
       :func:`~tsptools.core.clip_plan.clip_duration` at the video's fps
       (``clip_len / target_fps`` with time-based sampling; ``EPS`` of
       tolerance);
    4. for background (empty ``label``) only, dropped as *shorter than
       min_background* if shorter than ``min_background`` seconds
       (``None``: no check beyond step 3).

    Records are copied, never modified. Returns ``(kept, stats)``; stats
    count ``foreground``/``background`` kept, ``clipped`` (kept records whose
    bounds changed), and per reason and group the drops:
    ``short_foreground``, ``short_background``, ``outside_foreground``,
    ``outside_background``, ``min_background``; plus ``videos`` (with at
    least one kept record) and ``videos_total``.
    """
    kept = []
    stats = dict.fromkeys(
        ('foreground', 'background', 'clipped', 'short_foreground',
         'short_background', 'outside_foreground', 'outside_background',
         'min_background'), 0)
    videos, videos_total = set(), set()
    for record in records:
        group = 'foreground' if record['label'] else 'background'
        videos_total.add(record['video_name'])
        duration = record['duration']
        if record['t_end'] <= 0 or record['t_start'] >= duration:
            stats[f'outside_{group}'] += 1
            continue
        t_start, t_end = clip_segment((record['t_start'], record['t_end']),
                                      duration)
        length = t_end - t_start
        if length < clip_duration(clip_len, frame_interval, record['fps'],
                                  target_fps) - EPS:
            stats[f'short_{group}'] += 1
            continue
        if (group == 'background' and min_background is not None
                and length < min_background - EPS):
            stats['min_background'] += 1
            continue
        if (t_start, t_end) != (record['t_start'], record['t_end']):
            stats['clipped'] += 1
        stats[group] += 1
        videos.add(record['video_name'])
        kept.append(dict(record, t_start=t_start, t_end=t_end))
    stats['videos'] = len(videos)
    stats['videos_total'] = len(videos_total)
    return kept, stats


# --------------------------------------------------------------------------
# Writer
# --------------------------------------------------------------------------


def write_tsp_csv(path: str, records: Iterable[dict]) -> int:
    """Write segment records as an official TSP ground-truth CSV.

    Times are written with Python's shortest round-trip ``repr``, fps as a
    float (``30.0``) and frames as an integer, as in the official files.
    Returns the number of rows written.
    """
    n = 0
    with open(path, 'w', newline='', encoding='utf-8') as f:
        writer = csv.writer(f, lineterminator='\n')
        writer.writerow(CSV_COLUMNS)
        for r in records:
            writer.writerow([
                r['video_name'],
                repr(float(r['t_start'])),
                repr(float(r['t_end'])), r['label'],
                repr(float(r['duration'])), r['filename'],
                repr(float(r['fps'])),
                int(r['total_frames']), r['region']
            ])
            n += 1
    return n
