"""PAL's pseudo-action paste: region boundaries, blending, strides, the
backgrounds, temporally consistent augmentation, and the decoding transform
on real mp4 files."""
import numpy as np
import pytest
import torch

from tsptools.datasets.transforms import PastePseudoActions
from tsptools.datasets.transforms import paste_pseudo_actions as paste_module
from tsptools.datasets.transforms.synthesizers import PseudoActionPaste
from tsptools.registry import SYNTHESIZERS, TRANSFORMS
from tsptools.utils import register_all_modules

NO_AUG = dict(crop_size=None, flip_ratio=0.0, color_jitter_prob=0.0,
              blur_prob=0.0)


def indexed_video(num_frames, offset=0, size=4):
    """Frame i is filled with the value ``offset + i`` (float32, so that the
    blend can be checked exactly)."""
    values = offset + np.arange(num_frames, dtype=np.float32)
    return np.broadcast_to(values[:, None, None, None],
                           (num_frames, size, size, 3)).copy()


def frame_values(video):
    """The value of each frame of a constant-per-frame video."""
    assert np.all(video == video[:, :1, :1, :1])
    return video[:, 0, 0, 0]


def test_registered_and_defaults_are_the_papers():
    synth = SYNTHESIZERS.build(dict(type='PseudoActionPaste'))
    assert (synth.num_clips, synth.clip_len) == (8, 8)
    assert (synth.min_region_clips, synth.max_region_clips) == (1, 6)
    assert synth.strides == (1, 2, 3, 4)
    assert synth.beta_range == (0.6, 1.0)
    assert synth.paste == 'different' and synth.num_backgrounds == 2
    assert synth.crop_size == 112


@pytest.mark.parametrize('seed', range(20))
def test_region_boundaries_blending_and_strides(seed):
    J, t = 8, 8
    synth = PseudoActionPaste(num_clips=J, clip_len=t, **NO_AUG)
    source = indexed_video(300)
    backgrounds = [indexed_video(250, 1000), indexed_video(280, 2000)]
    out = synth(source, backgrounds, rng=seed, augment=False)
    for view in range(2):
        s, e = out['regions'][view]
        length = e - s + 1
        assert 0 <= s <= e < J and 1 <= length <= 6
        stride, beta = out['strides'][view], out['betas'][view]
        assert stride in (1, 2, 3, 4) and 0.6 <= beta <= 1.0
        # the region: L*t source frames, one every `stride`, contiguous
        inds = out['source_inds'][view]
        assert len(inds) == length * t
        assert np.all(np.diff(inds) == stride)
        assert 0 <= inds[0] and inds[-1] < 300
        # pasted exactly on the frames of clips s..e, blended with beta
        bg = backgrounds[out['background_ids'][view]]
        bg_vals = frame_values(bg[out['background_inds'][view]])
        got = frame_values(out['videos'][view])
        assert got.shape == (J * t, )
        inside = np.zeros(J * t, bool)
        inside[s * t:(e + 1) * t] = True
        np.testing.assert_array_equal(got[~inside], bg_vals[~inside])
        expected = np.float32(beta) * inds.astype(np.float32) + \
            (np.float32(1) - np.float32(beta)) * bg_vals[inside]
        np.testing.assert_allclose(got[inside], expected, rtol=0, atol=1e-3)
    # two different backgrounds, uniformly covering each background video
    assert out['background_ids'] == [0, 1]


def test_blending_ratio_on_known_frames():
    synth = PseudoActionPaste(num_clips=4, clip_len=2, max_region_clips=2,
                              beta_range=(0.75, 0.75), strides=(1, ),
                              **NO_AUG)
    source = np.full((20, 2, 2, 3), 200, np.uint8)
    backgrounds = [np.full((20, 2, 2, 3), 40, np.uint8),
                   np.full((20, 2, 2, 3), 0, np.uint8)]
    out = synth(source, backgrounds, rng=3, augment=False)
    for view, bg in enumerate((40, 0)):
        s, e = out['regions'][view]
        video = out['videos'][view]
        assert video.dtype == np.float32
        assert np.all(video[s * 2:(e + 1) * 2] == 0.75 * 200 + 0.25 * bg)
        outside = np.delete(video, np.s_[s * 2:(e + 1) * 2], axis=0)
        assert np.all(outside == bg)


def test_draws_cover_the_ranges():
    synth = PseudoActionPaste(**NO_AUG)
    lengths, strides, betas, starts = set(), set(), [], set()
    for seed in range(300):
        plan = synth.sample_plan(300, [300, 300], np.random.default_rng(seed))
        for (s, e), r, b in zip(plan['regions'], plan['strides'],
                                plan['betas']):
            lengths.add(e - s + 1)
            strides.add(r)
            betas.append(b)
            starts.add(s)
    assert lengths == set(range(1, 7))
    assert strides == {1, 2, 3, 4}
    assert starts == set(range(0, 8))
    assert 0.6 <= min(betas) < 0.62 and 0.98 < max(betas) <= 1.0


def test_only_strides_that_fit_a_short_source():
    synth = PseudoActionPaste(num_clips=4, clip_len=4, max_region_clips=3,
                              **NO_AUG)
    for seed in range(50):
        plan = synth.sample_plan(40, [40, 40], seed)
        for (s, e), r, inds in zip(plan['regions'], plan['strides'],
                                   plan['source_inds']):
            assert (e - s + 1) * 4 * r <= 40
            assert inds.max() < 40


def test_plan_is_reproducible_from_the_seed():
    synth = PseudoActionPaste()
    a = synth.sample_plan(300, [250, 260], np.random.default_rng(7))
    b = synth.sample_plan(300, [250, 260], np.random.default_rng(7))
    assert a['regions'] == b['regions'] and a['betas'] == b['betas']
    np.testing.assert_array_equal(a['background_inds'][1],
                                  b['background_inds'][1])


def test_uniform_background_clips_cover_the_video():
    synth = PseudoActionPaste(num_clips=8, clip_len=8, background_stride=2)
    inds = synth.background_indices(320).reshape(8, 8)
    assert np.all(np.diff(inds, axis=1) == 2)  # stride within a clip
    centres = inds.mean(1)
    np.testing.assert_allclose(centres, (np.arange(8) + 0.5) * 40, atol=1)
    contiguous = PseudoActionPaste(num_clips=8, clip_len=8,
                                   background_sampling='contiguous',
                                   background_stride=3)
    inds = contiguous.background_indices(320, 0)
    assert np.all(np.diff(inds) == 3)


def test_same_background_and_no_paste():
    same = PseudoActionPaste(paste='same', **NO_AUG)
    assert same.num_backgrounds == 1
    out = same(indexed_video(300), [indexed_video(300, 1000)], rng=0,
               augment=False)
    assert out['background_ids'] == [0, 0]
    np.testing.assert_array_equal(out['background_inds'][0],
                                  out['background_inds'][1])

    none = PseudoActionPaste(num_clips=1, clip_len=8, paste='none',
                             strides=(2, ), **NO_AUG)
    assert none.num_backgrounds == 0
    out = none(indexed_video(300), rng=0, augment=False)
    assert out['regions'] == [(0, 0), (0, 0)] and out['betas'] == [1.0, 1.0]
    for view in range(2):
        np.testing.assert_array_equal(
            frame_values(out['videos'][view]), out['source_inds'][view])
        assert np.all(np.diff(out['source_inds'][view]) == 2)


def test_invalid_options_are_errors():
    with pytest.raises(ValueError, match='max_region_clips'):
        PseudoActionPaste(num_clips=4, max_region_clips=6)
    with pytest.raises(ValueError, match='paste'):
        PseudoActionPaste(paste='nope')
    with pytest.raises(ValueError, match='beta_range'):
        PseudoActionPaste(beta_range=(0.8, 0.6))
    with pytest.raises(ValueError, match='background videos'):
        PseudoActionPaste().sample_plan(100, [100])


def test_augmentation_is_temporally_consistent():
    synth = PseudoActionPaste(crop_size=16, flip_ratio=0.5,
                              color_jitter_prob=1.0, blur_prob=1.0)
    rng = np.random.default_rng(0)
    frame = rng.integers(0, 256, (24, 32, 3)).astype(np.float32)
    video = np.repeat(frame[None], 6, axis=0)
    outs = [synth.augment(video, np.random.default_rng(s)) for s in range(4)]
    for out in outs:
        assert out.shape == (6, 16, 16, 3) and out.dtype == np.float32
        assert 0 <= out.min() and out.max() <= 255
        # the same parameters for every frame of a video
        assert np.allclose(out, out[:1], atol=1e-4)
    # ... and different parameters for different videos
    assert not np.allclose(outs[0], outs[1])


def test_full_frame_crop_and_flip_are_exact():
    synth = PseudoActionPaste(crop_size=8, crop_scale=(1.0, 1.0),
                              crop_ratio=(1.0, 1.0), flip_ratio=1.0,
                              color_jitter_prob=0.0, blur_prob=0.0)
    video = np.arange(2 * 8 * 8 * 3, dtype=np.float32).reshape(2, 8, 8, 3)
    out = synth.augment(video, 0)
    np.testing.assert_allclose(out, video[:, :, ::-1], atol=1e-3)


# ----------------------------------------------------------------------------
# The transform, on real mp4 files
# ----------------------------------------------------------------------------


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
        dict(type='PastePseudoActions',
             synthesizer=dict(type='PseudoActionPaste', num_clips=4,
                              clip_len=4, max_region_clips=3, crop_size=16),
             frame_size=None))
    results = transform(pal_results(trimmed_set))
    assert calls == dict(open=3, get_batch=3)
    assert results['imgs'].shape == (2 * 4 * 4, 16, 16, 3)
    assert results['num_clips'] == 8 and results['clip_len'] == 4
    for key in ('region_a', 'region_b'):
        s, e = results[key]
        assert results[key].dtype == np.int64 and 0 <= s <= e < 4


def test_transform_pastes_the_planned_source_frames(trimmed_set):
    """moving_square_frames writes 20 + 4 t in the bottom-left block of frame
    t: the pasted frames must be the planned source frames, blended."""
    synth = PseudoActionPaste(num_clips=4, clip_len=4, max_region_clips=3,
                              **NO_AUG)
    transform = PastePseudoActions(synth, frame_size=None, augment=False)
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
        dict(type='PastePseudoActions',
             synthesizer=dict(type='PseudoActionPaste', num_clips=4,
                              clip_len=4, max_region_clips=3, crop_size=16),
             frame_size=(24, 24)),
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
