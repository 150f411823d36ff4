"""SynthActions annotation files, in the formats of the official data.

* ActivityNet JSON (``synthactions.json``): ``database`` -> video name ->
  ``subset``, ``duration``, ``url``, ``resolution`` (``'WxH'``), ``fps``,
  ``num_frames``, ``annotations`` (``segment``, ``label``).
* The official TSP files (``data/tsp_official`` of the TSP repository):

  - ``*_metadata.csv``: ``filename,video-duration,fps,video-frames``; the
    duration printed with 15 significant digits and the fps as an integer,
    as in the official files (``v_000012.mp4,33.7333333333333,30,1012``);
  - ``*_tsp_groundtruth.csv``: ``video-name,t-start,t-end,action-label,
    video-duration,filename,fps,video-frames,temporal-region-label``; floats
    as Python prints them (``30.0``), the action rows of every video first,
    then the background rows, which leave ``action-label`` empty and have
    region ``No action``. Background rows are the gaps between actions
    (:func:`tsptools.datasets.tsp_segments.background_segments`) of at least
    one 16-frame clip at 15 fps (:data:`MIN_BACKGROUND` = 16/15 s);
  - ``*_action_label_mapping.json`` / ``*_temporal_region_label_mapping.json``:
    JSON lists, one name a line, as the official files.
* ``class_index.json``: ``{class name: index}``.
* mmaction2 ``VideoDataset`` lists for the trimmed clips:
  ``relative/path.mp4 label``.
"""
import csv
import json
import os.path as osp
from typing import Dict, List

from ..tsp_segments import background_segments
from .plan import CSV_SPLITS, UNTRIMMED_SUBSETS
from .presets import FPS

#: Shortest background gap written to the TSP ground truth: one 16-frame
#: clip at 15 fps.
MIN_BACKGROUND = 16 / 15
#: File prefix of the untrimmed annotation files.
PREFIX = 'synthactions'
REGION_LABELS = ['Action', 'No action']
METADATA_HEADER = ['filename', 'video-duration', 'fps', 'video-frames']
GROUNDTRUTH_HEADER = [
    'video-name', 't-start', 't-end', 'action-label', 'video-duration',
    'filename', 'fps', 'video-frames', 'temporal-region-label'
]


def _json_list(names: List[str]) -> str:
    """A JSON list laid out as the official label mappings."""
    return '[' + ',\n '.join(json.dumps(n) for n in names) + ']'


def activitynet_json(videos: List[Dict], class_names: List[str],
                     width: int, height: int, version: str) -> Dict:
    """The ActivityNet-style annotation dict of the untrimmed videos."""
    taxonomy = [dict(nodeId=0, nodeName='Root', parentId=None,
                     parentName=None)]
    taxonomy += [
        dict(nodeId=i + 1, nodeName=name, parentId=0, parentName='Root')
        for i, name in enumerate(class_names)
    ]
    database = {}
    for video in videos:
        database[video['name']] = dict(
            subset=video['subset'],
            duration=video['duration'],
            url='',
            resolution=f'{width}x{height}',
            fps=float(FPS),
            num_frames=video['num_frames'],
            annotations=[
                dict(segment=list(inst['segment']),
                     label=class_names[inst['label']])
                for inst in video['instances']
            ])
    return dict(version=version, taxonomy=taxonomy, database=database)


def metadata_rows(videos: List[Dict]) -> List[List[str]]:
    """Rows of an official ``*_metadata.csv`` (header excluded)."""
    return [[
        f"{v['name']}.mp4", f"{v['duration']:.15g}",
        str(FPS), str(v['num_frames'])
    ] for v in videos]


def groundtruth_rows(videos: List[Dict],
                     class_names: List[str]) -> List[List[str]]:
    """Rows of an official ``*_tsp_groundtruth.csv`` (header excluded):
    all action rows, then all background rows."""
    action_rows, background_rows = [], []
    for v in videos:
        common = [repr(float(v['duration'])), f"{v['name']}.mp4",
                  repr(float(FPS)), str(v['num_frames'])]
        segments = []
        for inst in sorted(v['instances'], key=lambda i: i['segment']):
            t0, t1 = inst['segment']
            segments.append((t0, t1))
            action_rows.append(
                [v['name'], repr(float(t0)), repr(float(t1)),
                 class_names[inst['label']]] + common + ['Action'])
        for t0, t1 in background_segments(segments, v['duration'],
                                          MIN_BACKGROUND):
            background_rows.append(
                [v['name'], repr(float(t0)), repr(float(t1)), ''] + common +
                ['No action'])
    return action_rows + background_rows


def _write_csv(path: str, header: List[str], rows: List[List[str]]) -> None:
    with open(path, 'w', newline='') as f:
        writer = csv.writer(f, lineterminator='\n')
        writer.writerow(header)
        writer.writerows(rows)


def write_untrimmed_annotations(ann_dir: str, videos: List[Dict],
                                class_names: List[str], width: int,
                                height: int, version: str) -> List[str]:
    """Write every untrimmed annotation file; returns their paths."""
    paths = []

    def path_of(name):
        paths.append(osp.join(ann_dir, name))
        return paths[-1]

    with open(path_of(f'{PREFIX}.json'), 'w') as f:
        json.dump(activitynet_json(videos, class_names, width, height,
                                   version), f, indent=1)
        f.write('\n')
    with open(path_of('class_index.json'), 'w') as f:
        json.dump({name: i for i, name in enumerate(class_names)}, f,
                  indent=1)
        f.write('\n')
    with open(path_of(f'{PREFIX}_action_label_mapping.json'), 'w') as f:
        f.write(_json_list(class_names))
    with open(path_of(f'{PREFIX}_temporal_region_label_mapping.json'),
              'w') as f:
        f.write(_json_list(REGION_LABELS))
    for subset in UNTRIMMED_SUBSETS:
        split = CSV_SPLITS[subset]
        chosen = [v for v in videos if v['subset'] == subset]
        _write_csv(path_of(f'{PREFIX}_{split}_metadata.csv'),
                   METADATA_HEADER, metadata_rows(chosen))
        _write_csv(path_of(f'{PREFIX}_{split}_tsp_groundtruth.csv'),
                   GROUNDTRUTH_HEADER, groundtruth_rows(chosen, class_names))
    return paths


def write_trimmed_lists(trimmed_dir: str, clips: List[Dict]) -> List[str]:
    """Write ``train_list.txt`` and ``val_list.txt``; returns their paths."""
    paths = []
    for split in ('train', 'val'):
        path = osp.join(trimmed_dir, f'{split}_list.txt')
        with open(path, 'w') as f:
            for clip in clips:
                if clip['split'] == split:
                    f.write(f"{clip['relative_path']} {clip['label']}\n")
        paths.append(path)
    return paths
