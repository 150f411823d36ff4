"""tools/misc/feature_config.py: the loader settings of OpenTAD,
ActionFormer and BMN from a features manifest written by hand."""
import json
import subprocess
import sys

import numpy as np

from tests.conftest import REPO_ROOT

TOOL = 'tools/misc/feature_config.py'


def make_features(folder, settings, fmt='npy'):
    folder.mkdir()
    if fmt == 'csv':
        (folder / 'v_a.csv').write_text(','.join(f'f{i}' for i in range(24))
                                        + '\n' + ','.join(['0'] * 24) + '\n')
    else:
        np.save(folder / 'v_a.npy', np.zeros((5, 24), np.float32))
    manifest = dict(format=fmt, settings=settings, videos=dict(
        v_a=dict(status='ok', duration=10.0, num_frames=300,
                 feature_frame=288, fps=30.0),
        v_b=dict(status='failed')))
    (folder / 'manifest.json').write_text(json.dumps(manifest))
    return folder


def run(*args):
    proc = subprocess.run([sys.executable, TOOL, *map(str, args)],
                          cwd=REPO_ROOT, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout


OFFICIAL = dict(clip_len=16, fps=15.0, frame_interval=2, stride=16,
                resize_to=None)


def test_time_based_features(tmp_path):
    feats = make_features(tmp_path / 'f', OFFICIAL)
    out = run(feats, '--for', 'actionformer')
    for line in ('input_dim: 24,', 'feat_stride: 16,', 'num_frames: 16,',
                 'default_fps: 15.0,', 'file_ext: .npy,'):
        assert line in out
    out = run(feats, '--for', 'opentad')
    for line in ('feature_stride=16,', 'offset_frames=8,', 'fps=15,'):
        assert line in out


def test_frame_interval_features_count_source_frames(tmp_path):
    feats = make_features(tmp_path / 'f', dict(
        OFFICIAL, fps=None, frame_interval=2, stride=4, clip_len=8))
    out = run(feats, '--for', 'opentad')
    # 4 sampled frames of 2 source frames; clips of 16 source frames
    for line in ('feature_stride=8,', 'offset_frames=8,', 'fps=-1,'):
        assert line in out
    assert 'default_fps: ~' in run(feats, '--for', 'actionformer')


def test_bmn_annotations_from_the_manifest(tmp_path):
    feats = make_features(tmp_path / 'f', dict(OFFICIAL, resize_to=100),
                          fmt='csv')
    anet = tmp_path / 'anet.json'
    anet.write_text(json.dumps(dict(database=dict(
        a=dict(subset='training', annotations=[
            dict(segment=[1.0, 2.0], label='x')]),
        b=dict(subset='validation', annotations=[])))))
    out = run(feats, '--for', 'bmn', '--anet-json', anet, '--anno-out',
              tmp_path / 'anno')
    assert 'model = dict(feat_dim=24, temporal_dim=100)' in out
    assert 'extract with' not in out  # csv, 100 steps: as BMN wants
    train = json.loads((tmp_path / 'anno' / 'anet_anno_train.json')
                       .read_text())
    assert train == dict(v_a=dict(
        duration_second=10.0, duration_frame=300, feature_frame=288,
        fps=30.0, annotations=[dict(segment=[1.0, 2.0], label='x')]))
    # the failed video is left out
    assert not (tmp_path / 'anno' / 'anet_anno_val.json').exists()
