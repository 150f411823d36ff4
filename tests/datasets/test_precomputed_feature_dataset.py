"""PrecomputedFeatureDataset: feature layouts, time mapping, resizing,
windows and errors that name the file."""
import json
import os
import os.path as osp

import h5py
import numpy as np
import pytest
import torch

from tests.models.localizers.test_feature_pyramid_localizer import \
    make_feature_set
from tsptools.datasets import PrecomputedFeatureDataset


def _dataset(fset, **kwargs):
    args = dict(ann_file=fset['ann_file'], features=fset['features'],
                class_index=fset['class_index'], subset='training')
    args.update(kwargs)
    return PrecomputedFeatureDataset(**args)


def test_samples_carry_inputs_ground_truth_and_time_grid(tmp_path):
    fset = make_feature_set(str(tmp_path), num_videos=3,
                            subsets=('training', 'validation'))
    ds = _dataset(fset, test_mode=True)
    assert len(ds) == 3
    assert ds.metainfo['classes'] == ('class_0', 'class_1', 'class_2')
    assert ds.metainfo['feature_channels'] == 16
    sample = ds[0]
    data = sample['data_samples']
    feats = np.load(osp.join(fset['features'], f'{data.video_name}.npy'))
    assert isinstance(sample['inputs'], torch.Tensor)
    assert sample['inputs'].shape == (16, len(feats))  # C x T
    assert np.allclose(sample['inputs'].numpy(), feats.T)
    with open(fset['ann_file']) as f:
        entry = json.load(f)['database'][data.video_name]
    assert data.duration == entry['duration']
    assert np.allclose(data.gt_segments,
                       [a['segment'] for a in entry['annotations']])
    assert data.gt_labels.dtype == np.int64
    assert data.time_offset == pytest.approx(0.25)
    assert data.time_step == pytest.approx(0.5)
    assert data.num_steps == len(feats)


def test_resize_to_interpolates_features_and_times(tmp_path):
    fset = make_feature_set(str(tmp_path), num_videos=2)
    ds = _dataset(fset, resize_to=100)
    sample = ds[0]
    data = sample['data_samples']
    feats = np.load(osp.join(fset['features'], f'{data.video_name}.npy'))
    assert sample['inputs'].shape == (16, 100)
    # align_corners: first and last steps kept
    assert np.allclose(sample['inputs'][:, 0].numpy(), feats[0])
    assert np.allclose(sample['inputs'][:, -1].numpy(), feats[-1])
    last = (len(feats) - 0.5) * 0.5
    assert data.time_offset == pytest.approx(0.25)
    assert data.time_offset + 99 * data.time_step == pytest.approx(last)


def test_training_windows_crop_features_and_ground_truth(tmp_path):
    fset = make_feature_set(str(tmp_path), num_videos=2)
    ds = _dataset(fset, window_size=12)
    np.random.seed(0)
    for _ in range(5):
        sample = ds[0]
        data = sample['data_samples']
        assert sample['inputs'].shape == (16, 12)
        lo = data.time_offset - 0.5 * data.time_step
        hi = data.time_offset + 11.5 * data.time_step
        assert np.all(data.gt_segments >= lo - 1e-9)
        assert np.all(data.gt_segments <= hi + 1e-9)
    # test mode keeps whole videos
    whole = _dataset(fset, window_size=12, test_mode=True)[0]['inputs']
    assert whole.shape[1] > 12


def test_h5_file_and_times_from_clip_grid(tmp_path):
    fset = make_feature_set(str(tmp_path), num_videos=2, write_times=False)
    h5_path = tmp_path / 'official.h5'
    with h5py.File(h5_path, 'w') as f:
        for name in ('training_0', 'training_1'):
            f.create_dataset(
                name,
                data=np.load(osp.join(fset['features'], f'{name}.npy')))
    # the official layout has no clip times: 16-frame clips every 16
    # sampled frames of 30 fps video (frame_interval 2) -> centres at
    # 16/30 + k * 32/30 s
    ds = _dataset(fset, features=str(h5_path),
                  clip_grid=dict(clip_len=16, frame_interval=2, stride=16,
                                 fps=30.0))
    data = ds[0]['data_samples']
    assert data.time_offset == pytest.approx(16 / 30)
    assert data.time_step == pytest.approx(32 / 30)
    # without any timing information: spread evenly over the video
    ds = _dataset(fset, features=str(h5_path))
    data = ds[0]['data_samples']
    assert data.time_step * data.num_steps == pytest.approx(data.duration)


def test_errors_name_the_file(tmp_path):
    fset = make_feature_set(str(tmp_path), num_videos=2)
    with open(fset['ann_file']) as f:
        ann = json.load(f)

    def write(database, name):
        path = str(tmp_path / name)
        with open(path, 'w') as f:
            json.dump(dict(database=database), f)
        return path

    # a video of the annotation without features
    db = dict(ann['database'])
    db['lost_video'] = dict(subset='training', duration=10.0,
                            annotations=[])
    path = write(db, 'missing.json')
    with pytest.raises(FileNotFoundError, match='lost_video') as err:
        _dataset(fset, ann_file=path)
    assert fset['features'] in str(err.value)
    assert len(_dataset(fset, ann_file=path, allow_missing=True)) == 2

    # a segment outside the video
    db = json.loads(json.dumps(ann['database']))
    db['training_0']['annotations'][0]['segment'] = [1.0, 1e4]
    path = write(db, 'outside.json')
    with pytest.raises(ValueError, match=r'outside\.json.*training_0.*'
                       'outside the video'):
        _dataset(fset, ann_file=path)
    ds = _dataset(fset, ann_file=path, out_of_video='clip', test_mode=True)
    seg = ds[0]['data_samples'].gt_segments
    assert seg.max() == pytest.approx(db['training_0']['duration'])

    # an unknown label
    db = json.loads(json.dumps(ann['database']))
    db['training_1']['annotations'][0]['label'] = 'juggling'
    path = write(db, 'unknown.json')
    with pytest.raises(ValueError, match=r'unknown\.json.*training_1.*'
                       "'juggling'.*class_index.json"):
        _dataset(fset, ann_file=path)

    # an empty feature array
    np.save(osp.join(fset['features'], 'training_1.npy'),
            np.zeros((0, 16), np.float32))
    with pytest.raises(ValueError, match=r'training_1\.npy.*non-empty'):
        _dataset(fset)
    os.remove(osp.join(fset['features'], 'training_1.npy'))
    with pytest.raises(FileNotFoundError, match='training_1'):
        _dataset(fset)


def test_scale_range_rescales_training_samples_in_time(tmp_path):
    fset = make_feature_set(str(tmp_path), num_videos=2)
    plain = _dataset(fset)[0]
    feats = plain['inputs'].numpy()
    num = feats.shape[1]
    ds = _dataset(fset, scale_range=(0.5, 2.0))
    lengths = set()
    for epoch in range(8):  # the scale is drawn per (seed, epoch, index)
        ds.set_epoch(epoch)
        sample = ds[0]
        data = sample['data_samples']
        new = sample['inputs'].shape[1]
        lengths.add(new)
        assert round(num * 0.5) <= new <= round(num * 2.0)
        # the same time span, sampled on a grid of `new` steps; first and
        # last steps kept (linear interpolation with aligned corners)
        first = plain['data_samples'].time_offset
        last = first + (num - 1) * plain['data_samples'].time_step
        assert data.time_offset == pytest.approx(first)
        assert data.time_offset + (new - 1) * data.time_step == \
            pytest.approx(last)
        assert np.allclose(sample['inputs'][:, 0].numpy(), feats[:, 0])
        assert np.allclose(sample['inputs'][:, -1].numpy(), feats[:, -1])
        # the ground truth stays in seconds
        assert np.allclose(data.gt_segments,
                           plain['data_samples'].gt_segments)
    assert len(lengths) > 1
    # evaluation is never rescaled
    test = _dataset(fset, scale_range=(0.5, 2.0), test_mode=True)[0]
    assert test['inputs'].shape[1] == num
    with pytest.raises(ValueError, match='scale_range'):
        _dataset(fset, scale_range=(2.0, 1.0))


def test_manifest_times_of_a_padded_last_clip(tmp_path):
    """Features stored without clip times, placed by the manifest: a padded
    last clip (tail='pad') is centred on its real frames, as extraction
    does (it used to be placed as a complete clip past the video's end)."""
    fset = make_feature_set(str(tmp_path), num_videos=1, write_times=False)
    name = 'training_0'
    feats = np.load(osp.join(fset['features'], f'{name}.npy'))[:4]
    np.save(osp.join(fset['features'], f'{name}.npy'), feats)
    manifest_file = osp.join(fset['features'], 'manifest.json')
    with open(manifest_file) as f:
        manifest = json.load(f)
    # 100 frames at 30 fps, 16-frame clips every 16 sampled frames, one
    # frame in two: clips at source frames 0, 32, 64 and the padded one at
    # 96, whose real frames 96..99 are centred at frame 98
    manifest['settings'] = dict(clip_len=16, frame_interval=2, stride=16,
                                fps=None, tail='pad', resize_to=None)
    manifest['videos'][name].update(T=4, num_clips=4, num_frames=100)
    with open(manifest_file, 'w') as f:
        json.dump(manifest, f)
    ds = _dataset(fset, test_mode=True)
    _, times = ds.load_features(ds.get_data_info(0))
    np.testing.assert_allclose(times, np.array([16, 48, 80, 98]) / 30)
    # resized to 7 steps (align_corners) when the features were
    ds = _dataset(fset, test_mode=True, resize_to=7)
    _, times = ds.load_features(ds.get_data_info(0))
    np.testing.assert_allclose(
        times, np.interp(np.linspace(0, 3, 7), np.arange(4),
                         np.array([16, 48, 80, 98]) / 30))
