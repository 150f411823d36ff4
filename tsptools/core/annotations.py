"""The one reader of temporal annotations: ActivityNet-style JSON and the
official TSP CSV files, into typed records.

ActivityNet-style JSON (plain or gzip-compressed)::

    {"database": {"<video>": {"subset": "validation", "duration": 120.5,
                              "fps": 30.0, "num_frames": 3615,
                              "annotations": [{"segment": [s, e],
                                               "label": "<class>"}, ...]}}}

:func:`parse_video` turns one ``database`` entry into a
:class:`VideoAnnotation`; :func:`parse_database` and
:func:`read_activitynet_json` do it for a whole file. How strict the reading
is are parameters (see :func:`parse_video`): which keys are required, how
labels are checked, what happens to a segment outside ``[0, duration]``
(``out_of_video='keep' | 'error' | 'clip'``, with a tolerance). The callers
choose them: the evaluation readers
(:mod:`tsptools.evaluation.functional.io`), the TSP segment files
(:mod:`tsptools.datasets.tsp_segments`), the feature datasets
(:class:`~tsptools.datasets.PrecomputedFeatureDataset`) and the analysis
tools (:mod:`tsptools.visualization.feature_analysis`).

The TSP CSV files (:data:`CSV_COLUMNS`, :data:`METADATA_COLUMNS`) are read by
:func:`read_tsp_csv` and :func:`read_metadata_csv`; :func:`csv_videos`
groups the rows of a ground-truth CSV into :class:`VideoAnnotation` records.

Every problem raises :class:`AnnotationError` (a ``ValueError``) whose
message names the file, the video and the annotation's index (the line for a
CSV). numpy and the standard library only: every layer may import this.
"""
import csv
import gzip
import json
import math
import os.path as osp
from dataclasses import dataclass, field
from typing import (Callable, Collection, Dict, List, Optional, Sequence,
                    Union)

import numpy as np

__all__ = [
    'AnnotationError', 'AnnotationFileError', 'VideoAnnotation', 'load_json',
    'database_of', 'check_segments', 'parse_video', 'parse_database',
    'read_activitynet_json', 'to_database', 'CSV_COLUMNS',
    'METADATA_COLUMNS', 'read_tsp_csv', 'read_metadata_csv', 'csv_videos',
    'OUT_OF_VIDEO_MODES', 'LABEL_MODES'
]


class AnnotationError(ValueError):
    """A ground-truth or prediction file is malformed."""


class AnnotationFileError(AnnotationError, OSError):
    """An annotation file cannot be opened or read (also an ``OSError``)."""


#: What to do with a segment that leaves ``[0, duration]``.
OUT_OF_VIDEO_MODES = ('keep', 'error', 'clip')
#: How annotation labels are read (see :func:`parse_video`).
LABEL_MODES = ('str', 'str_or_int', 'coerce', 'raw', 'ignore')

#: Where a problem is: ``{file}``, ``{video}`` and ``{index}`` are filled in.
VIDEO_WHERE = '{file}, video {video!r}'
ANNOTATION_WHERE = '{file}, video {video!r}, annotation {index}'
#: The same in the JSON-path style of the evaluation readers.
JSON_VIDEO_WHERE = '{file}: database["{video}"]'
JSON_ANNOTATION_WHERE = '{file}: database["{video}"]["annotations"][{index}]'

#: Texts of the problems whose wording a caller may replace (``messages``).
MESSAGES = dict(order='segment ends before it starts (start {start}, end '
                '{end})')


@dataclass
class VideoAnnotation:
    """The annotation of one video.

    ``segments`` is ``K x 2`` float64 seconds, ``labels`` the ``K`` labels
    (class names; integers or None only where the reading mode lets them
    through); ``duration``, ``fps``, ``num_frames``, ``subset`` and
    ``filename`` are None when the file does not give them.
    """
    name: str
    subset: Optional[str] = None
    duration: Optional[float] = None
    fps: Optional[float] = None
    num_frames: Optional[int] = None
    segments: np.ndarray = field(
        default_factory=lambda: np.zeros((0, 2), np.float64))
    labels: list = field(default_factory=list)
    filename: Optional[str] = None

    def to_entry(self) -> dict:
        """The ActivityNet ``database`` entry of this video (the keys that
        are not None)."""
        entry = {
            key: getattr(self, key)
            for key in ('subset', 'duration', 'fps', 'num_frames', 'filename')
            if getattr(self, key) is not None
        }
        entry['annotations'] = [
            dict(segment=[float(s), float(e)], label=label)
            for (s, e), label in zip(self.segments, self.labels)
        ]
        return entry


def to_database(videos: Sequence[VideoAnnotation]) -> dict:
    """``{"database": {name: entry}}`` of records (the inverse of
    :func:`parse_database`)."""
    return dict(database={v.name: v.to_entry() for v in videos})


# --------------------------------------------------------------------------
# JSON
# --------------------------------------------------------------------------


def load_json(path) -> object:
    """Read a JSON file, gzip-compressed or not (detected by its content)."""
    name = str(path)
    try:
        with open(path, 'rb') as f:
            raw = f.read()
    except OSError as e:
        raise AnnotationFileError(
            f'{name}: cannot read ({e.strerror or e})') from e
    if raw[:2] == b'\x1f\x8b':
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError) as e:
            raise AnnotationError(f'{name}: broken gzip data ({e})') from e
    if not raw.strip():
        raise AnnotationError(f'{name}: the file is empty')
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError) as e:
        raise AnnotationError(
            f'{name}: cannot read as JSON: not valid JSON ({e})') from e


def database_of(data, file: str, allow_bare: bool = False) -> dict:
    """The ``database`` mapping of a loaded file.

    ``allow_bare`` also accepts a file that is the mapping itself (every
    value an object with ``annotations``)."""
    if isinstance(data, dict) and 'database' in data:
        if not isinstance(data['database'], dict):
            raise AnnotationError(
                f'{file}: "database" must map video names to entries, got '
                f'{type(data["database"]).__name__}')
        return data['database']
    if allow_bare and isinstance(data, dict) and data and all(
            isinstance(v, dict) and 'annotations' in v for v in data.values()):
        return data
    raise AnnotationError(
        f'{file}: missing top-level key "database" (not an ActivityNet-style '
        'annotation file: no "database" mapping video names to entries with '
        '"annotations")')


# --------------------------------------------------------------------------
# Checks
# --------------------------------------------------------------------------


def check_segments(values,
                   where: Callable[[int], str],
                   messages: Optional[dict] = None) -> np.ndarray:
    """``[start, end]`` pairs as a ``K x 2`` float64 array (vectorised).

    ``where(i)`` names item ``i`` (file included). A pair must be two finite
    numbers (numeric strings pass, as ``float`` reads them) with
    ``end >= start``."""
    if len(values) == 0:
        return np.zeros((0, 2))
    try:
        seg = np.array(values, dtype=np.float64)
        ok = seg.ndim == 2 and seg.shape[1] == 2
    except (TypeError, ValueError):
        ok = False
    if not ok:
        for i, v in enumerate(values):
            try:
                good = isinstance(v, (list, tuple)) and len(v) == 2 and \
                    np.array(v, dtype=np.float64).shape == (2, )
            except (TypeError, ValueError):
                good = False
            if not good:
                raise AnnotationError(
                    f'{where(i)}: "segment" must be [start, end] numbers, '
                    f'got {v!r}')
        raise AnnotationError(f'{where(0)}: malformed segments')
    finite = np.isfinite(seg).all(axis=1)
    if not finite.all():
        bad = np.flatnonzero(~finite)
        raise AnnotationError(f'{where(bad[0])}: segment '
                              f'{values[bad[0]]!r} is not finite numbers')
    reversed_ = seg[:, 1] < seg[:, 0]
    if reversed_.any():
        bad = np.flatnonzero(reversed_)
        s, e = seg[bad[0]]
        text = dict(MESSAGES, **(messages or {}))['order']
        raise AnnotationError(f'{where(bad[0])}: ' +
                              text.format(start=s, end=e))
    return seg


def _number(value, key: str, where: str, positive: bool = False,
            integer: bool = False):
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = math.nan
    if isinstance(value, bool) or not math.isfinite(number) or (
            number < 0 or positive and number == 0) or (
                integer and number != int(number)):
        kind = 'an integer' if integer else 'a number'
        raise AnnotationError(f'{where}: "{key}" must be {kind} '
                              f'{"> 0" if positive else ">= 0"}, got '
                              f'{value!r}')
    return int(number) if integer else number


def _label(ann: dict, mode: str, where: str):
    if mode == 'ignore':
        return None
    if mode == 'coerce':
        return str(ann.get('label'))
    if mode == 'raw':
        return ann.get('label')
    if 'label' not in ann:
        raise AnnotationError(f'{where}: missing key "label"')
    label = ann['label']
    if mode == 'str_or_int':
        if type(label) not in (str, int):
            raise AnnotationError(f'{where}: "label" must be a string or an '
                                  f'integer, got {label!r}')
        return label
    if not isinstance(label, str) or not label.strip():
        raise AnnotationError(f'{where}: missing or empty "label", got '
                              f'{label!r}')
    return label.strip()


# --------------------------------------------------------------------------
# Records
# --------------------------------------------------------------------------


def parse_video(name: str,
                entry: dict,
                file: str,
                *,
                labels: str = 'str',
                classes: Optional[Collection[str]] = None,
                classes_source: str = 'the class index',
                require_subset: bool = False,
                require_annotations: bool = False,
                require_duration: bool = False,
                positive_duration: bool = True,
                duration_keys: Sequence[str] = ('duration', ),
                allow_empty_segments: bool = True,
                out_of_video: str = 'keep',
                tolerance: float = 0.0,
                where: str = VIDEO_WHERE,
                ann_where: str = ANNOTATION_WHERE,
                messages: Optional[dict] = None) -> VideoAnnotation:
    """One ``database`` entry as a :class:`VideoAnnotation`.

    Args:
        name: the video's key in ``database``.
        entry: its value.
        file: the file's name in error messages.
        labels: ``'str'``: a non-empty string (stripped); ``'str_or_int'``:
            a string or an integer as given; ``'coerce'``: ``str()`` of the
            value (``'None'`` when absent); ``'raw'``: the value or None;
            ``'ignore'``: not read (None).
        classes: known label names; a label outside them is an error that
            names ``classes_source``.
        require_subset, require_annotations, require_duration: the key
            must be present (``annotations`` always must be a list).
        positive_duration: ``duration`` must be > 0 (else >= 0).
        duration_keys: keys tried in turn for the duration.
        allow_empty_segments: allow ``end == start`` (``end < start`` is
            always an error).
        out_of_video: a segment beyond ``[-tolerance, duration +
            tolerance]`` is kept as it is (``'keep'``), an error
            (``'error'``), or clipped to ``[0, duration]`` and dropped when
            nothing is left (``'clip'``). With ``'error'`` the segments
            within the tolerance are clipped the same way.
        tolerance: seconds (see ``out_of_video``).
        where, ann_where: templates naming the video and an annotation
            (``{file}``, ``{video}``, ``{index}``).
        messages: replacement texts of :data:`MESSAGES`.
    """
    if labels not in LABEL_MODES:
        raise ValueError(f'labels must be one of {LABEL_MODES}, got '
                         f'{labels!r}')
    if out_of_video not in OUT_OF_VIDEO_MODES:
        raise ValueError(f'out_of_video must be one of {OUT_OF_VIDEO_MODES}, '
                         f'got {out_of_video!r}')
    at = where.format(file=file, video=name)
    if not isinstance(entry, dict):
        raise AnnotationError(
            f'{at}: expected an object, got {type(entry).__name__}')
    if require_subset and 'subset' not in entry:
        raise AnnotationError(f'{at}: missing key "subset"')
    key = next((k for k in duration_keys if entry.get(k) is not None), None)
    duration = None
    if key is not None:
        duration = _number(entry[key], key, at, positive=positive_duration)
    elif require_duration or out_of_video != 'keep':
        raise AnnotationError(f'{at}: missing key "{duration_keys[0]}"')
    fps = entry.get('fps')
    if fps is not None:
        fps = _number(fps, 'fps', at, positive=True)
    frames = entry.get('num_frames')
    if frames is not None:
        frames = _number(frames, 'num_frames', at, integer=True)
    if 'annotations' not in entry:
        if require_annotations:
            raise AnnotationError(f'{at}: missing key "annotations"')
        anns = []
    else:
        anns = entry['annotations']
        if anns is None and not require_annotations:
            anns = []
        if not isinstance(anns, list):
            raise AnnotationError(f'{at}: "annotations" must be a list')

    def ann_at(k):
        return ann_where.format(file=file, video=name, index=k)

    values = []
    for k, ann in enumerate(anns):
        if not isinstance(ann, dict):
            raise AnnotationError(
                f'{ann_at(k)}: expected an object, got {type(ann).__name__}')
        if 'segment' not in ann:
            raise AnnotationError(f'{ann_at(k)}: missing key "segment"')
        values.append(ann['segment'])
    names = []
    for k, ann in enumerate(anns):
        label = _label(ann, labels, ann_at(k))
        if classes is not None and label not in classes:
            raise AnnotationError(
                f'{ann_at(k)}: unknown label {label!r} (not in '
                f'{classes_source}, {len(classes)} classes)')
        names.append(label)
    segments = check_segments(values, ann_at, messages)
    if not allow_empty_segments:
        bad = np.flatnonzero(segments[:, 1] <= segments[:, 0])
        if bad.size:
            s, e = segments[bad[0]]
            raise AnnotationError(
                f'{ann_at(bad[0])}: segment [{s}, {e}] is empty (end <= '
                'start)')
    if out_of_video != 'keep' and len(segments):
        outside = (segments[:, 0] < -tolerance) | \
            (segments[:, 1] > duration + tolerance)
        if out_of_video == 'error' and outside.any():
            k = int(np.flatnonzero(outside)[0])
            s, e = segments[k]
            raise AnnotationError(
                f'{ann_at(k)}: segment [{s}, {e}] is outside the video [0, '
                f"{duration}] (use out_of_video='clip' to clip such "
                'segments)')
        segments = np.stack([
            np.maximum(segments[:, 0], 0.0),
            np.minimum(segments[:, 1], duration)
        ], axis=1)
        keep = segments[:, 1] > segments[:, 0]
        segments = segments[keep]
        names = [n for n, kept in zip(names, keep) if kept]
    return VideoAnnotation(
        name=name,
        subset=entry.get('subset'),
        duration=duration,
        fps=fps,
        num_frames=frames,
        segments=segments,
        labels=names,
        filename=entry.get('filename'))


def parse_database(database: dict,
                   file: str,
                   subset: Union[str, Sequence[str], None] = None,
                   **rules) -> List[VideoAnnotation]:
    """The videos of ``database`` (in file order) whose ``subset`` is
    ``subset`` (or one of them; None keeps all), through :func:`parse_video`
    with ``rules``. Videos of other subsets are not checked."""
    wanted = [subset] if isinstance(subset, str) else subset
    out = []
    for name, entry in database.items():
        if not isinstance(entry, dict) or (rules.get('require_subset')
                                           and 'subset' not in entry):
            parse_video(name, entry, file, **rules)  # raises
        if wanted is not None and entry.get('subset') not in wanted:
            continue
        out.append(parse_video(name, entry, file, **rules))
    return out


def read_activitynet_json(source: Union[str, dict],
                          subset: Union[str, Sequence[str], None] = None,
                          name: Optional[str] = None,
                          allow_bare: bool = False,
                          **rules) -> List[VideoAnnotation]:
    """The videos of an ActivityNet-style JSON file (a path, gzip or not, or
    a loaded dict) as :class:`VideoAnnotation` records; ``name`` is the
    file's name in messages (default: the path), ``rules`` those of
    :func:`parse_video`."""
    if isinstance(source, dict):
        data, name = source, name or 'annotations'
    else:
        data, name = load_json(source), name or str(source)
    return parse_database(
        database_of(data, name, allow_bare), name, subset=subset, **rules)


# --------------------------------------------------------------------------
# TSP CSV files
# --------------------------------------------------------------------------

#: Columns of the official ground-truth CSV, in the official order.
CSV_COLUMNS = ('video-name', 't-start', 't-end', 'action-label',
               'video-duration', 'filename', 'fps', 'video-frames',
               'temporal-region-label')
#: Columns of the official metadata CSV.
METADATA_COLUMNS = ('filename', 'video-duration', 'fps', 'video-frames')


def open_text(path: str):
    """``open`` for reading UTF-8 text; an ``OSError`` naming the file."""
    try:
        return open(path, newline='', encoding='utf-8')
    except OSError as e:
        raise AnnotationFileError(
            f'{path}: cannot open ({e.strerror or e})') from e


def csv_number(value: str, column: str, where: str, kind=float):
    """A finite number (an integer if ``kind`` is int) of a CSV field."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise AnnotationError(
            f'{where}: {column} is not a number: {value!r}') from None
    if not math.isfinite(number):
        raise AnnotationError(f'{where}: {column} is not finite: {value!r}')
    if kind is int:
        if number != int(number):
            raise AnnotationError(
                f'{where}: {column} is not an integer: {value!r}')
        return int(number)
    return number


def _read_csv_rows(path: str, columns: Sequence[str], what: str):
    """Yield ``(line_number, values)`` of a CSV after checking its header;
    ``values`` are the stripped fields of ``columns``, in that order."""
    with open_text(path) as f:
        try:
            reader = csv.reader(f)
            header = next(reader, None)
            if not header:
                raise AnnotationError(
                    f'{path}: empty file, expected a {what} with the '
                    f'columns {",".join(columns)}')
            header = [h.strip() for h in header]
            missing = [c for c in columns if c not in header]
            if missing:
                raise AnnotationError(
                    f'{path}: missing column(s) {", ".join(missing)}; a '
                    f'{what} has the columns {",".join(columns)} (found '
                    f'{",".join(header)})')
            index = [header.index(c) for c in columns]
            width = max(index) + 1
            for row in reader:
                if not row:
                    continue
                if len(row) < width:
                    raise AnnotationError(
                        f'{path}, line {reader.line_num}: {len(row)} fields, '
                        f'expected {len(header)}')
                yield reader.line_num, [row[i].strip() for i in index]
        except (UnicodeDecodeError, csv.Error) as e:
            raise AnnotationError(
                f'{path}: cannot read as a UTF-8 CSV: {e}') from e


def check_video(duration: float, fps: float, where: str) -> None:
    """Duration and fps of a video must be > 0."""
    if duration <= 0:
        raise AnnotationError(
            f'{where}: video-duration must be > 0, got {duration}')
    if fps <= 0:
        raise AnnotationError(f'{where}: fps must be > 0, got {fps}')


def read_tsp_csv(path: str) -> List[dict]:
    """Rows of an official TSP ground-truth CSV (``*_tsp_groundtruth.csv``),
    unclipped and in file order, as segment records: dicts with
    ``video_name``, ``t_start``, ``t_end``, ``label`` (``''`` for
    background), ``duration``, ``filename``, ``fps``, ``total_frames``,
    ``region`` and ``source`` (``"<file>, line <n>"``).

    Raises :class:`AnnotationError` naming the file and line for a missing
    column, a non-numeric value, a segment ending before it starts, a
    non-positive duration or fps, an empty name, or a video whose rows
    disagree on duration, fps, frames or filename; an ``OSError`` when the
    file cannot be opened.
    """
    records = []
    videos: Dict[str, tuple] = {}
    name = osp.basename(path)
    isfinite = math.isfinite
    for line, values in _read_csv_rows(path, CSV_COLUMNS,
                                       'TSP ground-truth CSV'):
        (video_name, t_start, t_end, label, duration, filename, fps,
         total_frames, region) = values
        try:  # fast path; the slow one below names the bad value
            t_start, t_end = float(t_start), float(t_end)
            duration, fps = float(duration), float(fps)
            total_frames = int(total_frames)
            ok = (
                isfinite(t_start) and isfinite(t_end) and isfinite(duration)
                and isfinite(fps))
        except ValueError:
            ok = False
        where = f'{path}, line {line}'
        if not ok:
            t_start = csv_number(values[1], 't-start', where)
            t_end = csv_number(values[2], 't-end', where)
            duration = csv_number(values[4], 'video-duration', where)
            fps = csv_number(values[6], 'fps', where)
            total_frames = csv_number(values[7], 'video-frames', where, int)
        if t_end < t_start:
            raise AnnotationError(
                f'{where}: ' + MESSAGES['order'].format(
                    start=t_start, end=t_end))
        if duration <= 0 or fps <= 0:
            check_video(duration, fps, where)
        for value, column in ((video_name, 'video-name'),
                              (filename, 'filename'),
                              (region, 'temporal-region-label')):
            if not value:
                raise AnnotationError(f'{where}: empty {column}')
        video = (duration, fps, total_frames, filename)
        first = videos.setdefault(video_name, video)
        if first != video:
            raise AnnotationError(
                f'{where}: video {video_name!r} has (video-duration, fps, '
                f'video-frames, filename) = {video}, but an earlier row has '
                f'{first}')
        records.append(
            dict(
                video_name=video_name,
                t_start=t_start,
                t_end=t_end,
                label=label,
                duration=duration,
                filename=filename,
                fps=fps,
                total_frames=total_frames,
                region=region,
                source=f'{name}, line {line}'))
    return records


def read_metadata_csv(path: str) -> Dict[str, dict]:
    """An official metadata CSV (``*_metadata.csv``) as ``{filename:
    dict(duration=, fps=, total_frames=)}``, keyed by the ``filename``
    column (e.g. ``v_sJFgo9H6zNo.mp4``)."""
    metadata = {}
    for line, values in _read_csv_rows(path, METADATA_COLUMNS, 'metadata CSV'):
        where = f'{path}, line {line}'
        filename, duration, fps, total_frames = values
        duration = csv_number(duration, 'video-duration', where)
        fps = csv_number(fps, 'fps', where)
        check_video(duration, fps, where)
        metadata[filename] = dict(
            duration=duration,
            fps=fps,
            total_frames=csv_number(total_frames, 'video-frames', where,
                                    int))
    return metadata


def csv_videos(records: Sequence[dict]) -> Dict[str, VideoAnnotation]:
    """:func:`read_tsp_csv` rows grouped by video (in file order): the
    foreground rows (non-empty label) are the segments; background rows
    only make their video known."""
    videos: Dict[str, VideoAnnotation] = {}
    segments: Dict[str, list] = {}
    for r in records:
        name = r['video_name']
        if name not in videos:
            videos[name] = VideoAnnotation(
                name=name,
                duration=r['duration'],
                fps=r['fps'],
                num_frames=r['total_frames'],
                filename=r['filename'])
            segments[name] = []
        if r['label']:
            segments[name].append((r['t_start'], r['t_end']))
            videos[name].labels.append(r['label'])
    for name, video in videos.items():
        video.segments = np.asarray(segments[name],
                                    np.float64).reshape(-1, 2)
    return videos
