"""Print the config snippet with which a localization toolbox reads
features extracted by tsptools, from the features' manifest.

    python tools/misc/feature_config.py FEATURES --for opentad|actionformer|bmn
        [--anet-json activity_net.v1-3.min.json --anno-out DIR]

``FEATURES`` is an output folder of ``tools/extract_features.py``. The time
grid comes from its ``manifest.json`` (``time_grid``: feature ``i`` is
centred at ``(i * feat_stride + offset_frames) / default_fps`` seconds,
:func:`tsptools.core.clip_plan.time_grid`). The loader conventions are those
of OpenTAD's ``PaddingDataset`` (``feature_stride``, ``sample_stride``,
``offset_frames``, ``fps``), ActionFormer's datasets (``feat_stride``,
``num_frames``, ``default_fps``; centres at ``(i * feat_stride +
num_frames / 2) / fps``) and mmaction2's BMN (100-step csv files and the
``feature_frame`` / ``duration_frame`` of its annotation file); see
docs/en/user_guides/feature_extraction.md. For ``bmn``, ``--anet-json``
with ``--anno-out`` also writes ``anet_anno_{train,val,test}.json`` from
the manifest and the ActivityNet annotations.
"""
import argparse
import json
import os
import os.path as osp
import sys

from tsptools.core.clip_plan import time_grid
from tsptools.core.feature_format import (MANIFEST_NAME, FeatureManifest,
                                          FeatureStore, manifest_path)

TOOLBOXES = ('opentad', 'actionformer', 'bmn')


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('features', help='output folder of extract_features')
    parser.add_argument('--for', dest='toolbox', required=True,
                        choices=TOOLBOXES)
    parser.add_argument('--anet-json', help='bmn: ActivityNet annotations '
                        '(activity_net.v1-3.min.json)')
    parser.add_argument('--anno-out', help='bmn: folder for the annotation '
                        'files')
    return parser.parse_args(argv)


def read_manifest(folder: str) -> dict:
    path = manifest_path(folder)
    if not osp.isfile(path):
        raise SystemExit(f'{folder}: no {MANIFEST_NAME} (not an output '
                         'folder of tools/extract_features.py)')
    manifest = FeatureManifest.from_file(path).to_dict()
    if manifest['time_grid'] is None:
        manifest['time_grid'] = time_grid(manifest['settings'])
    return manifest


def feature_dim(folder: str, manifest: dict):
    """Channels of the features, from the first written video (None if
    there is none)."""
    for name, video in manifest['videos'].items():
        if video.get('status') == 'failed':
            continue
        try:
            return int(FeatureStore(folder, manifest['format']).shape(name)[1])
        except (OSError, KeyError, IndexError, ValueError):
            return None
    return None


def opentad(folder, manifest, dim):
    grid, fmt = manifest['time_grid'], manifest['format']
    lines = []
    if fmt != 'npy':
        lines.append(f'# OpenTAD reads one .npy per video: extract with '
                     f'--format npy (these are {fmt})')
    if grid['fixed_length']:
        lines.append('# OpenTAD rescales features itself: extract without '
                     '--resize-to (these have '
                     f"{grid['fixed_length']} steps)")
    fps = grid['default_fps'] if grid['default_fps'] else -1
    lines += [
        f'data_path = "{osp.abspath(folder)}/"',
        'dataset = dict(train=dict(',
        '    data_path=data_path,',
        f"    feature_stride={grid['feat_stride']},",
        '    sample_stride=1,',
        f"    offset_frames={grid['offset_frames']:g},",
        f'    fps={fps:g},  # -1: each video\'s frame / duration',
        '    pipeline=[dict(type="LoadFeats", feat_format="npy"), ...]))',
        f'# feature dim: {dim}',
    ]
    return lines


def actionformer(folder, manifest, dim):
    grid, fmt = manifest['time_grid'], manifest['format']
    lines = []
    if fmt != 'npy':
        lines.append(f'# ActionFormer reads .npy files (or an .hdf5 file): '
                     f'extract with --format npy (these are {fmt})')
    if grid['fixed_length']:
        lines.append('# these features were rescaled to '
                     f"{grid['fixed_length']} steps; ActionFormer's "
                     'feat_stride -1 assumes step i covers [i, i+1) of the '
                     'video, tsptools puts the first and last steps on the '
                     'first and last clips: extract without --resize-to')
    default_fps = grid['default_fps'] if grid['default_fps'] else '~'
    lines += [
        'dataset: {',
        f'  feat_folder: {osp.abspath(folder)},',
        '  file_prefix: ~,',
        '  file_ext: .npy,',
        f'  input_dim: {dim},',
        f"  feat_stride: {grid['feat_stride']},",
        f"  num_frames: {grid['num_frames']},",
        f'  default_fps: {default_fps},  # ~: the fps of the annotation file',
        '  downsample_rate: 1,',
        '}',
    ]
    return lines


def bmn(folder, manifest, dim):
    grid, fmt = manifest['time_grid'], manifest['format']
    lines = []
    if fmt != 'csv' or grid['fixed_length'] != 100:
        lines.append('# mmaction2\'s BMN reads 100-step csv files: extract '
                     'with --format csv --resize-to 100 (these are '
                     f"{fmt}, {grid['fixed_length'] or 'not rescaled'})")
    lines += [
        '# a config based on mmaction2\'s configs/localization/bmn/'
        'bmn_2xb8-400x100-9e_activitynet-feature.py',
        f'model = dict(feat_dim={dim}, temporal_dim=100)',
        f"data_root = data_root_val = '{osp.abspath(folder)}/'",
        '# annotation files: --anet-json ... --anno-out DIR writes '
        'anet_anno_{train,val,test}.json',
    ]
    return lines


def write_bmn_annotations(manifest, anet_json, out_dir):
    """``anet_anno_<subset>.json`` for mmaction2's ActivityNetDataset: per
    video ``duration_second``, ``duration_frame``, ``feature_frame``,
    ``fps`` and ``annotations``."""
    with open(anet_json) as f:
        database = json.load(f)['database']
    subsets = dict(training='train', validation='val', testing='test')
    files = {}
    for name, video in manifest['videos'].items():
        if video.get('status') == 'failed':
            continue
        key = name[2:] if name.startswith('v_') and name not in database \
            else name
        if key not in database:
            print(f'warning: {name} is not in {anet_json}', file=sys.stderr)
            continue
        entry = database[key]
        files.setdefault(subsets.get(entry['subset'], entry['subset']),
                         {})[name] = dict(
            duration_second=video['duration'],
            duration_frame=video['num_frames'],
            feature_frame=video['feature_frame'], fps=video['fps'],
            annotations=entry.get('annotations', []))
    os.makedirs(out_dir, exist_ok=True)
    for subset, entries in files.items():
        path = osp.join(out_dir, f'anet_anno_{subset}.json')
        with open(path, 'w') as f:
            json.dump(entries, f)
        print(f'# wrote {len(entries)} videos to {path}')


def main(argv=None) -> int:
    args = parse_args(argv)
    manifest = read_manifest(args.features)
    dim = feature_dim(args.features, manifest)
    lines = dict(opentad=opentad, actionformer=actionformer,
                 bmn=bmn)[args.toolbox](args.features, manifest, dim)
    print('\n'.join(lines))
    if args.toolbox == 'bmn' and args.anet_json:
        if not args.anno_out:
            raise SystemExit('--anet-json needs --anno-out')
        write_bmn_annotations(manifest, args.anet_json, args.anno_out)
    return 0


if __name__ == '__main__':
    sys.exit(main())
