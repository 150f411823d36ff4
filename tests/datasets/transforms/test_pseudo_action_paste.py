"""PAL's pseudo-action paste (the synthesizer): region boundaries, blending,
strides and the backgrounds, on frame arrays. The decoding transform and the
augmentation of the views: test_paste_pseudo_actions.py."""
import numpy as np
import pytest

from tsptools.datasets.transforms.synthesizers import PseudoActionPaste
from tsptools.datasets.transforms.synthesizers.pseudo_action_paste import \
    blend
from tsptools.registry import SYNTHESIZERS


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


@pytest.mark.parametrize('seed', range(20))
def test_region_boundaries_blending_and_strides(seed):
    J, t = 8, 8
    synth = PseudoActionPaste(num_clips=J, clip_len=t)
    source = indexed_video(300)
    backgrounds = [indexed_video(250, 1000), indexed_video(280, 2000)]
    out = synth(source, backgrounds, rng=seed)
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
                              beta_range=(0.75, 0.75), strides=(1, ))
    source = np.full((20, 2, 2, 3), 200, np.uint8)
    backgrounds = [np.full((20, 2, 2, 3), 40, np.uint8),
                   np.full((20, 2, 2, 3), 0, np.uint8)]
    out = synth(source, backgrounds, rng=3)
    for view, bg in enumerate((40, 0)):
        s, e = out['regions'][view]
        video = out['videos'][view]
        assert video.dtype == np.float32
        assert np.all(video[s * 2:(e + 1) * 2] == 0.75 * 200 + 0.25 * bg)
        outside = np.delete(video, np.s_[s * 2:(e + 1) * 2], axis=0)
        assert np.all(outside == bg)


@pytest.mark.parametrize('dtype', [np.uint8, np.float32])
def test_blend_is_the_float32_expression(dtype):
    rng = np.random.default_rng(0)
    region = rng.integers(0, 256, (6, 5, 7, 3)).astype(dtype)
    background = rng.integers(0, 256, (6, 5, 7, 3)).astype(dtype)
    for beta in (0.6, 0.8137, 1.0):
        out = np.full(region.shape, -1, np.float32)
        blend(region, background, beta, out)
        b = np.float32(beta)
        expected = b * region.astype(np.float32) + \
            (np.float32(1) - b) * background.astype(np.float32)
        np.testing.assert_allclose(out, expected, rtol=2e-7, atol=0)


def test_draws_cover_the_ranges():
    synth = PseudoActionPaste()
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
    synth = PseudoActionPaste(num_clips=4, clip_len=4, max_region_clips=3)
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
    same = PseudoActionPaste(paste='same')
    assert same.num_backgrounds == 1
    out = same(indexed_video(300), [indexed_video(300, 1000)], rng=0)
    assert out['background_ids'] == [0, 0]
    np.testing.assert_array_equal(out['background_inds'][0],
                                  out['background_inds'][1])

    none = PseudoActionPaste(num_clips=1, clip_len=8, paste='none',
                             strides=(2, ))
    assert none.num_backgrounds == 0
    out = none(indexed_video(300), rng=0)
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
