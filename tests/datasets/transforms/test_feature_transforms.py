"""The transforms of PrecomputedFeatureDataset on hand-built arrays, and the
reproducibility of its random windows and time scales."""
import numpy as np
import pytest
import torch

from tests.models.localizers.test_feature_pyramid_localizer import \
    make_feature_set
from tsptools.core.feature_format import FeatureStore
from tsptools.datasets import PrecomputedFeatureDataset
from tsptools.datasets.localization_data_sample import LocalizationDataSample
from tsptools.datasets.transforms.load_clip_features import LoadClipFeatures
from tsptools.datasets.transforms.pack_localization_inputs import \
    PackLocalizationInputs
from tsptools.datasets.transforms.random_feature_window import \
    RandomFeatureWindow
from tsptools.datasets.transforms.rescale_feature_time import \
    RescaleFeatureTime
from tsptools.datasets.transforms.resize_features import ResizeFeatures
from tsptools.registry import TRANSFORMS
from tsptools.utils import register_all_modules


def _results(num=10, channels=3):
    return dict(
        features=np.arange(num * channels,
                           dtype=np.float32).reshape(num, channels),
        feature_times=0.25 + 0.5 * np.arange(num),
        video_name='v',
        duration=num * 0.5,
        gt_segments=np.array([[0.5, 1.5], [3.0, 4.5]]),
        gt_labels=np.array([0, 2]))


def test_transforms_are_registered():
    register_all_modules()
    for name in ('LoadClipFeatures', 'ResizeFeatures', 'RescaleFeatureTime',
                 'RandomFeatureWindow', 'PackLocalizationInputs'):
        assert TRANSFORMS.get(name) is not None, name


def test_load_clip_features_reads_the_store(tmp_path):
    fset = make_feature_set(str(tmp_path), num_videos=1)
    for store in (fset['features'], FeatureStore(fset['features'])):
        out = LoadClipFeatures()(
            dict(video_name='training_0', duration=100.0,
                 feature_store=store))
        feats = np.load(f'{fset["features"]}/training_0.npy')
        assert out['features'].dtype == np.float32
        np.testing.assert_allclose(out['features'], feats)
        np.testing.assert_allclose(out['feature_times'],
                                   0.25 + 0.5 * np.arange(len(feats)))


def test_resize_features_interpolates_features_and_times():
    out = ResizeFeatures(19)(_results())
    assert out['features'].shape == (19, 3)
    np.testing.assert_allclose(out['features'][[0, -1]],
                               _results()['features'][[0, -1]])
    np.testing.assert_allclose(out['feature_times'],
                               np.linspace(0.25, 4.75, 19))
    same = ResizeFeatures(10)(_results())
    np.testing.assert_array_equal(same['features'], _results()['features'])
    with pytest.raises(ValueError, match='resize_to'):
        ResizeFeatures(0)


def test_rescale_feature_time_keeps_the_span_and_is_seeded():
    results = dict(_results(), rng=np.random.default_rng([0, 0, 0]))
    out = RescaleFeatureTime((0.5, 2.0))(results)
    num = len(out['features'])
    assert 5 <= num <= 20
    assert out['time_scale'] == pytest.approx(num / 10, abs=0.05)
    assert out['feature_times'][0] == pytest.approx(0.25)
    assert out['feature_times'][-1] == pytest.approx(4.75)
    again = RescaleFeatureTime((0.5, 2.0))(
        dict(_results(), rng=np.random.default_rng([0, 0, 0])))
    assert again['time_scale'] == out['time_scale']
    with pytest.raises(ValueError, match='scale_range'):
        RescaleFeatureTime((2.0, 1.0))


def test_random_feature_window_crops_features_and_ground_truth():
    for seed in range(5):
        out = RandomFeatureWindow(4, window_min_overlap=0.5)(
            dict(_results(), rng=np.random.default_rng(seed)))
        first = out['window_start']
        np.testing.assert_array_equal(out['features'],
                                      _results()['features'][first:first + 4])
        assert out['time_step'] == pytest.approx(0.5)
        assert out['time_offset'] == pytest.approx(0.25 + 0.5 * first)
        lo, hi = 0.5 * first, 0.5 * (first + 4)
        assert np.all(out['gt_segments'] >= lo - 1e-9)
        assert np.all(out['gt_segments'] <= hi + 1e-9)
        assert len(out['gt_segments']) == len(out['gt_labels'])
    # a short video is kept whole
    out = RandomFeatureWindow(16)(_results())
    assert len(out['features']) == 10 and out['window_start'] == 0
    assert out['time_offset'] == pytest.approx(0.25)


def test_pack_localization_inputs_makes_a_data_sample():
    out = PackLocalizationInputs()(_results())
    assert isinstance(out['inputs'], torch.Tensor)
    assert out['inputs'].dtype == torch.float32
    assert out['inputs'].shape == (3, 10)
    np.testing.assert_array_equal(out['inputs'].numpy(),
                                  _results()['features'].T)
    sample = out['data_samples']
    assert isinstance(sample, LocalizationDataSample)
    assert sample.video_name == 'v' and sample.duration == 5.0
    assert sample.gt_segments.dtype == np.float64
    assert sample.gt_labels.dtype == np.int64
    assert sample.time_offset == pytest.approx(0.25)
    assert sample.time_step == pytest.approx(0.5)
    assert sample.num_steps == 10
    # a window's grid wins over the times
    out = PackLocalizationInputs()(
        dict(_results(), time_offset=1.0, time_step=0.25))
    assert out['data_samples'].time_offset == 1.0
    assert out['data_samples'].time_step == 0.25


def test_default_pipeline_follows_the_arguments(tmp_path):
    fset = make_feature_set(str(tmp_path), num_videos=2)
    args = dict(ann_file=fset['ann_file'], features=fset['features'],
                class_index=fset['class_index'], subset='training')
    names = [type(t).__name__ for t in PrecomputedFeatureDataset(
        **args, window_size=12, scale_range=(0.5, 2.0)).pipeline.transforms]
    assert names == ['LoadClipFeatures', 'RescaleFeatureTime',
                     'RandomFeatureWindow', 'PackLocalizationInputs']
    names = [type(t).__name__ for t in PrecomputedFeatureDataset(
        **args, window_size=12, scale_range=(0.5, 2.0),
        test_mode=True).pipeline.transforms]
    assert names == ['LoadClipFeatures', 'PackLocalizationInputs']
    names = [type(t).__name__ for t in PrecomputedFeatureDataset(
        **args, resize_to=100).pipeline.transforms]
    assert names == ['LoadClipFeatures', 'ResizeFeatures',
                     'PackLocalizationInputs']
    # an explicit pipeline, as a config would give it
    register_all_modules()
    ds = PrecomputedFeatureDataset(
        **args, pipeline=[dict(type='LoadClipFeatures'),
                          dict(type='ResizeFeatures', resize_to=7),
                          dict(type='PackLocalizationInputs')])
    assert ds[0]['inputs'].shape == (16, 7)


def test_random_windows_repeat_with_seed_epoch_and_index(tmp_path):
    fset = make_feature_set(str(tmp_path), num_videos=2)

    def dataset(seed=0):
        return PrecomputedFeatureDataset(
            ann_file=fset['ann_file'], features=fset['features'],
            class_index=fset['class_index'], subset='training',
            window_size=4, scale_range=(0.5, 2.0), seed=seed)

    def draw(ds, epoch, idx=0):
        ds.set_epoch(epoch)
        sample = ds[idx]
        return (sample['data_samples'].time_offset,
                sample['data_samples'].time_step)

    ds = dataset()
    np.random.seed(1)
    first = draw(ds, 0)
    np.random.seed(2)  # the global state plays no part
    assert draw(ds, 0) == first
    assert draw(dataset(), 0) == first  # another instance, same draws
    assert len({draw(ds, epoch) for epoch in range(6)}) > 1
    assert len({draw(dataset(seed), 0) for seed in range(6)}) > 1
    assert draw(ds, 0, idx=1) != draw(ds, 0, idx=0) or \
        draw(ds, 1, idx=1) != draw(ds, 1, idx=0)
    with pytest.raises(ValueError, match='seed'):
        dataset(seed=-1)
