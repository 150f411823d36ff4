"""PastePseudoActions on real mp4 files: each video decoded once, the pasted
frames are the planned ones, the packed inputs; the view pipeline: one draw
per video (temporally consistent), independent between the two videos,
reproducible from synth_seed whatever the global generators held, which it
leaves as they were; VideoColorJitter and VideoGaussianBlur inside
mmcv.RandomApply at probability 0 and 1."""
import random

import numpy as np
import pytest
import torch

from tsptools.datasets.transforms import PastePseudoActions
from tsptools.datasets.transforms import paste_pseudo_actions as paste_module
from tsptools.datasets.transforms.paste_pseudo_actions import \
    build_view_pipeline
from tsptools.datasets.transforms.synthesizers import PseudoActionPaste
from tsptools.registry import TRANSFORMS
from tsptools.utils import register_all_modules

SYNTH = dict(type='PseudoActionPaste', num_clips=4, clip_len=4,
             max_region_clips=3)


def moco_view_pipeline(size, color_jitter_prob=0.8, blur_prob=0.5):
    """MoCo v2's augmentation as in the PAL configs, at ``size`` pixels."""
    return [
        dict(type='mmaction.RandomResizedCrop', area_range=(0.2, 1.0),
             aspect_ratio_range=(3 / 4, 4 / 3)),
        dict(type='mmaction.Resize', scale=(size, size), keep_ratio=False),
        dict(type='mmaction.Flip', flip_ratio=0.5),
        dict(type='RandomApply', prob=color_jitter_prob,
             transforms=[dict(type='VideoColorJitter')]),
        dict(type='RandomApply', prob=blur_prob,
             transforms=[dict(type='VideoGaussianBlur')]),
    ]


def pal_results(root, seed=0):
    names = sorted(p.name for p in (root / 'videos').iterdir())
    return dict(
        filename=str(root / 'videos' / names[0]),
        background_filenames=[str(root / 'videos' / n) for n in names[1:3]],
        synth_seed=seed)


def test_transform_decodes_each_video_once(trimmed_set, monkeypatch):
    register_all_modules()
    calls = dict(open=0, get_batch=0)
    real_open = paste_module.open_video

    def counting_open(*args, **kwargs):
        calls['open'] += 1
        reader = real_open(*args, **kwargs)

        class Reader:
            def __len__(self):
                return len(reader)

            def get_batch(self, inds):
                calls['get_batch'] += 1
                return reader.get_batch(inds)

        return Reader()

    monkeypatch.setattr(paste_module, 'open_video', counting_open)
    transform = TRANSFORMS.build(
        dict(type='PastePseudoActions', synthesizer=SYNTH,
             view_pipeline=moco_view_pipeline(16), frame_size=None))
    results = transform(pal_results(trimmed_set))
    assert calls == dict(open=3, get_batch=3)
    assert results['imgs'].shape == (2 * 4 * 4, 16, 16, 3)
    assert results['imgs'].dtype == np.float32
    assert results['img_shape'] == (16, 16)
    assert results['num_clips'] == 8 and results['clip_len'] == 4
    for key in ('region_a', 'region_b'):
        s, e = results[key]
        assert results[key].dtype == np.int64 and 0 <= s <= e < 4


def test_transform_pastes_the_planned_source_frames(trimmed_set):
    """moving_square_frames writes 20 + 4 t in the bottom-left block of frame
    t: the pasted frames must be the planned source frames, blended."""
    synth = PseudoActionPaste(num_clips=4, clip_len=4, max_region_clips=3)
    transform = PastePseudoActions(synth, frame_size=None)
    info = pal_results(trimmed_set, seed=5)
    results = transform(dict(info))
    plan = synth.sample_plan(40, [40, 40], np.random.default_rng(5))
    imgs = results['imgs'].reshape(2, 16, 32, 32, 3)
    for view, key in enumerate(('region_a', 'region_b')):
        s, e = plan['regions'][view]
        assert list(results[key]) == [s, e]
        assert results['pal_strides'][view] == plan['strides'][view]
        beta = plan['betas'][view]
        assert results['pal_betas'][view] == pytest.approx(beta)
        block = imgs[view, s * 4:(e + 1) * 4, -6:-2, 2:6].mean((1, 2, 3))
        bg_block = 20 + 4 * plan['background_inds'][view][s * 4:(e + 1) * 4]
        expected = beta * (20 + 4 * plan['source_inds'][view]) + \
            (1 - beta) * bg_block
        np.testing.assert_allclose(block, expected, atol=6)


def test_transform_packs_two_videos_for_the_model(trimmed_set):
    register_all_modules()
    steps = [
        dict(type='PastePseudoActions', synthesizer=SYNTH,
             view_pipeline=moco_view_pipeline(16), frame_size=(24, 24)),
        dict(type='mmaction.FormatShape', input_format='NCTHW'),
        dict(type='PackPretextInputs', keys=('region_a', 'region_b'),
             meta_keys=('sample_idx', 'pal_betas')),
    ]
    results = pal_results(trimmed_set)
    results['sample_idx'] = 3
    for step in steps:
        results = TRANSFORMS.build(step)(results)
    assert results['inputs'].shape == (8, 3, 4, 16, 16)
    assert results['inputs'].dtype == torch.float32
    sample = results['data_samples']
    assert sample.region_a.shape == (2, )
    assert sample.metainfo['sample_idx'] == 3


def test_transform_needs_backgrounds(trimmed_set):
    transform = PastePseudoActions(dict(type='PseudoActionPaste'))
    info = pal_results(trimmed_set)
    info['background_filenames'] = info['background_filenames'][:1]
    with pytest.raises(KeyError, match='background'):
        transform(info)


# ----------------------------------------------------------------------------
# The view pipeline
# ----------------------------------------------------------------------------


def global_draws():
    return np.random.rand(4).tolist(), [random.random() for _ in range(4)]


def test_view_pipeline_is_a_function_of_the_seed_and_keeps_global_state(
        trimmed_set):
    transform = PastePseudoActions(SYNTH, moco_view_pipeline(16, 1.0, 1.0),
                                   frame_size=None)
    outs = []
    for global_seed in (0, 1):
        np.random.seed(global_seed)
        random.seed(global_seed)
        expected = global_draws()
        np.random.seed(global_seed)
        random.seed(global_seed)
        outs.append(transform(pal_results(trimmed_set, seed=4))['imgs'])
        # the global generators are where they were before the sample
        assert global_draws() == expected
    np.testing.assert_array_equal(outs[0], outs[1])
    other = transform(pal_results(trimmed_set, seed=6))['imgs']
    assert not np.array_equal(outs[0], other)


def test_views_get_one_draw_each_independent_of_the_other(trimmed_set):
    """A brightness-only jitter multiplies every pixel of a video by one
    factor (temporally consistent) and the two videos by different ones."""
    plain = PastePseudoActions(SYNTH, frame_size=None)
    bright = PastePseudoActions(
        SYNTH, [dict(type='VideoColorJitter', brightness=0.4, contrast=0,
                     saturation=0, hue=0)], frame_size=None)
    factors = []
    for seed in range(3):
        raw = plain(pal_results(trimmed_set, seed))['imgs'].reshape(
            2, 16, 32, 32, 3)
        out = bright(pal_results(trimmed_set, seed))['imgs'].reshape(
            2, 16, 32, 32, 3)
        for view in range(2):
            keep = (raw[view] > 10) & (out[view] < 255)
            ratio = out[view][keep] / raw[view][keep]
            assert np.ptp(ratio) < 1e-5  # one factor for every frame
            assert 0.6 <= ratio[0] <= 1.4
            factors.append(float(ratio[0]))
            # saturated pixels are clipped, not wrapped
            np.testing.assert_allclose(
                out[view], np.clip(raw[view] * ratio[0], 0, 255), atol=1e-3)
        assert factors[-1] != pytest.approx(factors[-2], abs=1e-4)
    assert len(set(np.round(factors, 5))) == 6


def test_full_frame_crop_and_flip_are_exact(trimmed_set):
    plain = PastePseudoActions(SYNTH, frame_size=None)
    flipped = PastePseudoActions(SYNTH, [
        dict(type='mmaction.RandomResizedCrop', area_range=(1.0, 1.0),
             aspect_ratio_range=(1.0, 1.0)),
        dict(type='mmaction.Resize', scale=(32, 32), keep_ratio=False),
        dict(type='mmaction.Flip', flip_ratio=1.0),
    ], frame_size=None)
    raw = plain(pal_results(trimmed_set))['imgs']
    out = flipped(pal_results(trimmed_set))['imgs']
    np.testing.assert_array_equal(out, raw[:, :, ::-1])


def test_augment_is_temporally_consistent():
    transform = PastePseudoActions(SYNTH, moco_view_pipeline(16, 1.0, 1.0))
    rng = np.random.default_rng(0)
    frame = rng.integers(0, 256, (24, 32, 3)).astype(np.float32)
    video = np.repeat(frame[None], 6, axis=0)
    outs = [transform.augment(video.copy(), seed) for seed in range(4)]
    for out in outs:
        assert out.shape == (6, 16, 16, 3) and out.dtype == np.float32
        assert 0 <= out.min() and out.max() <= 255
        # the same parameters for every frame of a video (up to float
        # round-off: OpenCV's vector and scalar paths round differently)
        np.testing.assert_allclose(out, np.repeat(out[:1], 6, axis=0),
                                   rtol=0, atol=1e-4)
    # ... and different parameters for different videos
    assert not np.allclose(outs[0], outs[1])
    np.testing.assert_array_equal(outs[2],
                                  transform.augment(video.copy(), 2))


def test_views_of_different_sizes_are_an_error(trimmed_set):
    class CropMore:
        """Crops 2 more pixels at every call."""
        calls = 0

        def __call__(self, results):
            CropMore.calls += 1
            k = 2 * CropMore.calls
            results['imgs'] = [f[k:, k:] for f in results['imgs']]
            return results

    transform = PastePseudoActions(SYNTH, [CropMore()], frame_size=None)
    with pytest.raises(ValueError, match='fixed size'):
        transform(pal_results(trimmed_set))


@pytest.mark.parametrize('prob', [0.0, 1.0])
@pytest.mark.parametrize('step, added', [
    (dict(type='VideoColorJitter'), 'color_jitter'),
    (dict(type='VideoGaussianBlur'), 'blur_sigma'),
])
def test_probability_edges_with_random_apply(prob, step, added):
    # built as the view pipeline is: the unscoped names inside RandomApply
    # resolve without a default scope
    apply, = build_view_pipeline(
        [dict(type='RandomApply', prob=prob, transforms=[step])])
    video = np.random.default_rng(2).uniform(0, 255, (2, 8, 8, 3)).astype(
        np.float32)
    for seed in range(10):
        np.random.seed(seed)
        results = apply(dict(imgs=video))
        assert (added in results) == (prob == 1.0)
        assert (results['imgs'] is video) == (prob == 0.0)


def test_invalid_view_pipeline_steps_are_errors(trimmed_set):
    with pytest.raises(TypeError, match='view_pipeline'):
        PastePseudoActions(SYNTH, (128, 171))
    transform = PastePseudoActions(SYNTH, [lambda results: None],
                                   frame_size=None)
    with pytest.raises(RuntimeError, match='returned None'):
        transform(pal_results(trimmed_set))
