"""Load and validate ActivityNet-style JSON files (plain or gzip-compressed).

Ground truth (``database``, as the official ActivityNet files)::

    {"database": {"<video>": {"subset": "validation", "duration": 120.5,
                              "annotations": [{"segment": [s, e],
                                               "label": "<class>"}, ...]}}}

Detections / proposals (``results``; ``label`` only for detections)::

    {"results": {"<video>": [{"segment": [s, e], "score": 0.9,
                              "label": "<class>"}, ...]}}

Other top-level keys (``version``, ``taxonomy``, ``external_data``) are
allowed and ignored. Every problem raises :class:`AnnotationError` (a
``ValueError``) whose message names the file and the entry. The ground truth
is read by :mod:`tsptools.core.annotations` (the one annotation reader, with
:data:`GROUND_TRUTH_RULES`); :class:`AnnotationError` and :func:`load_json`
are re-exported from it.
"""
import functools
import gc
import os.path as osp

import numpy as np

from tsptools.core.annotations import (JSON_ANNOTATION_WHERE,
                                       JSON_VIDEO_WHERE, AnnotationError,
                                       check_segments, database_of)
from tsptools.core.annotations import load_json as _load_json
from tsptools.core.annotations import parse_database

__all__ = [
    'AnnotationError', 'load_json', 'load_ground_truth', 'load_predictions',
    'load_grounding_ground_truth', 'load_grounding_predictions',
    'load_actionness'
]

#: The reading rules of the evaluation ground truth (see
#: :func:`tsptools.core.annotations.parse_video`): the official code's
#: keys, any duration >= 0 (NaN when absent), segments kept as they are.
GROUND_TRUTH_RULES = dict(
    require_subset=True,
    require_annotations=True,
    positive_duration=False,
    out_of_video='keep',
    where=JSON_VIDEO_WHERE,
    ann_where=JSON_ANNOTATION_WHERE,
    messages=dict(order='segment end {end} < start {start}'))


def _gc_paused(load):
    """Run the loader ``load`` with the cyclic garbage collector paused.

    Reading a file builds, then drops, a dict and a list or two per
    prediction; the collector would scan that growing tree again and again
    (parsed JSON has no reference cycles to find), which nearly doubles the
    time to read an ActivityNet-sized file.
    """

    @functools.wraps(load)
    def wrapper(*args, **kwargs):
        collecting = gc.isenabled()
        gc.disable()
        try:
            return load(*args, **kwargs)
        finally:
            if collecting:
                gc.enable()

    return wrapper


#: Read a JSON file, gzip-compressed or not (detected by its content).
load_json = _gc_paused(_load_json)


def _open(source, what):
    """``(data, name)`` from a path or an already-loaded dict."""
    if isinstance(source, dict):
        return source, what
    name = osp.basename(str(source))
    return load_json(source), name


def _section(data, key, name):
    if key == 'database':
        return database_of(data, name)
    if not isinstance(data, dict) or key not in data:
        raise AnnotationError(f'{name}: missing top-level key "{key}"')
    section = data[key]
    if not isinstance(section, dict):
        raise AnnotationError(
            f'{name}: "{key}" must map video names to entries, got '
            f'{type(section).__name__}')
    return section


def _get(entry, key, where):
    if not isinstance(entry, dict):
        raise AnnotationError(
            f'{where}: expected an object, got {type(entry).__name__}')
    if key not in entry:
        raise AnnotationError(f'{where}: missing key "{key}"')
    return entry[key]


def _segments(values, where, name):
    """Validate ``[start, end]`` pairs; ``where(i)`` names entry i."""
    return check_segments(
        values, lambda i: f'{name}: {where(i)}',
        messages=GROUND_TRUTH_RULES['messages'])


def _numbers(values, where, name, key):
    try:
        arr = np.array(values, dtype=np.float64)
        ok = arr.ndim == 1
    except (TypeError, ValueError):
        ok = False
    if not ok:
        for i, v in enumerate(values):
            if not isinstance(v, (int, float, str)):
                v = [v]  # lists and objects are no numbers
            try:
                float(v)
            except (TypeError, ValueError):
                raise AnnotationError(
                    f'{name}: {where(i)}: "{key}" must be a number, got '
                    f'{values[i]!r}') from None
        raise AnnotationError(f'{name}: malformed "{key}" values')
    bad = np.flatnonzero(~np.isfinite(arr))
    if bad.size:
        raise AnnotationError(
            f'{name}: {where(bad[0])}: "{key}" must be a finite number, got '
            f'{values[bad[0]]!r}')
    return arr


def _gather(groups, keys, name, where):
    """Columns ``keys`` of every item of ``groups`` = [(video, items)].

    ``where`` formats an item's location from ``vid`` and ``k``. Returns
    ``(columns, video_names, counts, locate)``; ``locate(i)`` names item i.
    """
    cols = {key: [] for key in keys}
    names, counts = [], []
    for vid, items in groups:
        for key in keys:
            try:
                cols[key].extend([x[key] for x in items])
            except (KeyError, TypeError, IndexError):
                for k, x in enumerate(items):  # name the culprit
                    _get(x, key, f'{name}: ' + where.format(vid=vid, k=k))
                raise
        names.append(vid)
        counts.append(len(items))
    ends = np.cumsum(counts, dtype=np.int64)

    def locate(i):
        v = int(np.searchsorted(ends, i, side='right'))
        return where.format(vid=names[v], k=i - (ends[v] - counts[v]))

    return cols, names, counts, locate


@_gc_paused
def load_ground_truth(source, subset='validation', with_labels=True):
    """Ground-truth instances of one subset of an ActivityNet ``database``.

    Args:
        source (str | dict): path (``.json`` or gzip) or loaded dict.
        subset (str | None): keep videos whose ``subset`` equals it (as the
            official code); None keeps every video.
        with_labels (bool): require and return ``label`` (detection).

    Returns:
        dict: ``videos`` (names of the subset's videos, with or without
        instances), ``durations`` (their ``duration``, NaN if absent),
        ``video`` (N,), ``segments`` (N x 2), ``labels`` (N,) if
        ``with_labels``.
    """
    data, name = _open(source, 'ground truth')
    database = _section(data, 'database', name)
    videos = parse_database(
        database, name, subset=subset,
        labels='str_or_int' if with_labels else 'ignore',
        **GROUND_TRUTH_RULES)
    if not videos:
        subsets = {str(entry['subset']) for entry in database.values()}
        raise AnnotationError(
            f'{name}: no video of subset "{subset}" (subsets present: '
            f'{sorted(subsets)})')
    counts = [len(v.segments) for v in videos]
    if not sum(counts):
        raise AnnotationError(
            f'{name}: the {len(videos)} video(s) of subset "{subset}" have '
            'no annotations')
    names = np.array([v.name for v in videos])
    out = dict(
        videos=names,
        durations=np.array(
            [np.nan if v.duration is None else v.duration for v in videos],
            dtype=np.float64),
        video=np.repeat(names, counts),
        segments=np.concatenate([v.segments for v in videos]))
    if with_labels:
        labels = [label for v in videos for label in v.labels]
        if len({type(x) for x in labels}) > 1:
            raise AnnotationError(
                f'{name}: labels mix strings and integers; use one kind')
        out['labels'] = np.array(labels)
    return out


def _labels(labels, where, name):
    kinds = {type(x) for x in labels}
    if not kinds <= {str, int}:
        bad = next(i for i, x in enumerate(labels)
                   if not isinstance(x, (str, int)) or isinstance(x, bool))
        raise AnnotationError(f'{name}: {where(bad)}: "label" must be a '
                              f'string or an integer, got {labels[bad]!r}')
    if len(kinds) > 1:
        raise AnnotationError(
            f'{name}: labels mix strings and integers; use one kind')
    return np.array(labels)


@_gc_paused
def load_predictions(source, with_labels=True):
    """Detections (``with_labels``) or proposals from a ``results`` file.

    Every prediction is returned, including those on videos that have no
    ground truth (the protocols count them).

    Returns:
        dict: ``video`` (M,), ``segments`` (M x 2), ``scores`` (M,),
        ``labels`` (M,) if ``with_labels``.
    """
    data, name = _open(source, 'predictions')
    results = _section(data, 'results', name)
    for vid, items in results.items():
        if not isinstance(items, list):
            raise AnnotationError(
                f'{name}: results["{vid}"] must be a list of predictions')
    keys = ['segment', 'score'] + (['label'] if with_labels else [])
    cols, videos, counts, locate = _gather(results.items(), keys, name,
                                           'results["{vid}"][{k}]')
    out = dict(
        video=np.repeat(np.array(videos, dtype=str), counts),
        segments=_segments(cols['segment'], locate, name),
        scores=_numbers(cols['score'], locate, name, 'score'))
    if with_labels:
        out['labels'] = _labels(cols['label'], locate, name)
    return out


@_gc_paused
def load_grounding_ground_truth(source, subset='validation'):
    """Video-grounding queries: one per annotation of an ActivityNet
    ``database``; the query id is ``"<video>#<k>"`` (k = position in the
    video's ``annotations``); ``label``/``sentence`` are optional.

    Returns:
        dict: ``query`` (Q,), ``video`` (Q,), ``segments`` (Q x 2).
    """
    gt = load_ground_truth(source, subset=subset, with_labels=False)
    counts = {}
    query = []
    for vid in gt['video']:
        k = counts.get(vid, 0)
        counts[vid] = k + 1
        query.append(f'{vid}#{k}')
    return dict(query=np.array(query), video=gt['video'],
                segments=gt['segments'])


@_gc_paused
def load_grounding_predictions(source):
    """Ranked moments per query: ``{"results": {"<query>": [{"segment":
    [s, e], "score": x}, ...]}}``. Entries are ranked by descending
    ``score`` (ties keep list order); without ``score`` on every entry, by
    list order.

    Returns:
        dict: query id -> K x 2 array of segments, best first.
    """
    data, name = _open(source, 'predictions')
    results = _section(data, 'results', name)
    out = {}
    for qid, items in results.items():
        if not isinstance(items, list):
            raise AnnotationError(
                f'{name}: results["{qid}"] must be a list of moments')
        where = [f'results["{qid}"][{k}]' for k in range(len(items))]
        segs = _segments([_get(x, 'segment', f'{name}: {w}')
                          for x, w in zip(items, where)], where.__getitem__,
                         name)
        has_score = [isinstance(x, dict) and 'score' in x for x in items]
        if any(has_score) and not all(has_score):
            raise AnnotationError(
                f'{name}: results["{qid}"]: give "score" on every moment or '
                'on none')
        if items and all(has_score):
            scores = _numbers([x['score'] for x in items], where.__getitem__,
                              name, 'score')
            segs = segs[np.argsort(-scores, kind='stable')]
        out[qid] = segs
    return out


@_gc_paused
def load_actionness(source):
    """Per-video actionness curves: ``{"results": {"<video>": {"scores":
    [...], "stride": s, "offset": o}}}`` (score i at time ``o + i * s``,
    ``offset`` defaulting to 0) or ``{"scores": [...], "times": [...]}``
    (increasing times in seconds).

    Returns:
        dict: video -> ``(times, scores)`` float arrays.
    """
    data, name = _open(source, 'predictions')
    results = _section(data, 'results', name)
    out = {}
    for vid, entry in results.items():
        w = f'results["{vid}"]'
        scores = _get(entry, 'scores', f'{name}: {w}')
        if not isinstance(scores, list) or not scores:
            raise AnnotationError(
                f'{name}: {w}: "scores" must be a non-empty list')
        scores = _numbers(scores, lambda i: f'{w}["scores"][{i}]', name,
                          'score')
        if 'times' in entry:
            times = entry['times']
            if not isinstance(times, list) or len(times) != len(scores):
                raise AnnotationError(
                    f'{name}: {w}: "times" must be a list as long as '
                    '"scores"')
            times = _numbers(times, lambda i: f'{w}["times"][{i}]', name,
                             'time')
            if np.any(np.diff(times) <= 0):
                raise AnnotationError(
                    f'{name}: {w}: "times" must be strictly increasing')
        elif 'stride' in entry:
            stride = _numbers([entry['stride']], lambda i: w, name,
                              'stride')[0]
            offset = _numbers([entry.get('offset', 0.0)], lambda i: w, name,
                              'offset')[0]
            if stride <= 0:
                raise AnnotationError(f'{name}: {w}: "stride" must be > 0')
            times = offset + stride * np.arange(len(scores))
        else:
            raise AnnotationError(
                f'{name}: {w}: give "times" or "stride" for the scores')
        out[vid] = (times, scores)
    return out
