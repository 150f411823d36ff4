"""VideoColorJitter: each operation on hand-built pixels, the whole transform
against a reference written here (plain numpy and colorsys), one draw per
video, the order drawn per video. Inside mmcv.RandomApply (probability 0
and 1): test_paste_pseudo_actions.py."""
import colorsys

import numpy as np
import pytest

from tsptools.datasets.transforms import VideoColorJitter
from tsptools.datasets.transforms import video_color_jitter as cj


def pixels(*rgb):
    """A video of one frame, one row of the given RGB pixels (float32)."""
    return np.array(rgb, dtype=np.float32)[None, None]


def test_brightness_contrast_saturation_on_known_pixels():
    video = pixels([100, 50, 200], [0, 0, 0])
    np.testing.assert_allclose(
        cj.adjust_brightness(video.copy(), 1.5)[0, 0],
        [[150, 75, 300], [0, 0, 0]])
    # grey of (100, 50, 200): 29.9 + 29.35 + 22.8 = 82.05; of black 0;
    # mean grey of the whole video 41.025
    np.testing.assert_allclose(
        cj.adjust_contrast(video.copy(), 2.0)[0, 0],
        [[200 - 41.025, 100 - 41.025, 400 - 41.025], [-41.025] * 3],
        atol=1e-4)
    np.testing.assert_allclose(
        cj.adjust_saturation(video.copy(), 0.5)[0, 0],
        [[91.025, 66.025, 141.025], [0, 0, 0]], atol=1e-4)
    np.testing.assert_allclose(
        cj.adjust_saturation(video.copy(), 0.0)[0, 0],
        [[82.05] * 3, [0, 0, 0]], atol=1e-4)


def test_contrast_uses_the_mean_of_the_whole_video():
    # frame 0 dark, frame 1 bright: one mean (100) for both frames
    video = np.stack([np.full((2, 2, 3), 50, np.float32),
                      np.full((2, 2, 3), 150, np.float32)])
    out = cj.adjust_contrast(video.copy(), 0.5)
    np.testing.assert_allclose(out[0], 75, atol=1e-4)
    np.testing.assert_allclose(out[1], 125, atol=1e-4)


@pytest.mark.parametrize('shift, expected', [
    (1 / 3, [0, 255, 0]),      # red + 120 degrees: green
    (-1 / 3, [0, 0, 255]),     # red - 120 degrees: blue
    (0.5, [0, 255, 255]),      # red + 180 degrees: cyan
    (1 / 6, [255, 255, 0]),    # red + 60 degrees: yellow
])
def test_hue_shift_of_pure_red(shift, expected):
    out = cj.shift_hue(pixels([255, 0, 0]), shift)
    np.testing.assert_allclose(out[0, 0, 0], expected, atol=1e-3)


def test_hue_shift_keeps_value_and_saturation():
    # (200, 100, 100): hue 0, saturation 0.5, value 200; +60 degrees gives
    # (200, 200, 100); -60 degrees (200, 100, 200); grey stays grey
    out = cj.shift_hue(pixels([200, 100, 100], [90, 90, 90]), 1 / 6)
    np.testing.assert_allclose(out[0, 0], [[200, 200, 100], [90, 90, 90]],
                               atol=1e-3)
    out = cj.shift_hue(pixels([200, 100, 100]), -1 / 6)
    np.testing.assert_allclose(out[0, 0, 0], [200, 100, 200], atol=1e-3)


def reference(video, params):
    """The jitter written independently: numpy for brightness, contrast and
    saturation, colorsys for the hue, clipping after every operation."""
    grey_w = np.array([0.299, 0.587, 0.114])
    out = video.astype(np.float64)
    for name in params['order']:
        f = params[name]
        if f is None:
            continue
        if name == 'brightness':
            out = f * out
        elif name == 'contrast':
            out = f * out + (1 - f) * (out @ grey_w).mean()
        elif name == 'saturation':
            out = f * out + (1 - f) * (out @ grey_w)[..., None]
        else:
            flat = out.reshape(-1, 3) / 255
            for i, (r, g, b) in enumerate(flat):
                h, s, v = colorsys.rgb_to_hsv(r, g, b)
                flat[i] = colorsys.hsv_to_rgb((h + f) % 1.0, s, v)
            out = flat.reshape(out.shape) * 255
        out = np.clip(out, 0, 255)
    return out


def test_transform_matches_the_reference_with_one_draw_per_video():
    rng = np.random.default_rng(0)
    frame = rng.integers(0, 256, (5, 6, 3)).astype(np.float32)
    video = np.stack([frame, frame, frame * 0.5])
    jitter = VideoColorJitter(brightness=0.4, contrast=0.4, saturation=0.4,
                              hue=0.1)
    orders = set()
    for seed in range(12):
        np.random.seed(seed)
        results = jitter(dict(imgs=list(video)))
        params = results['color_jitter']
        out = results['imgs']
        assert out.dtype == np.float32 and out.shape == video.shape
        assert 0.6 <= params['brightness'] <= 1.4
        assert 0.6 <= params['contrast'] <= 1.4
        assert 0.6 <= params['saturation'] <= 1.4
        assert -0.1 <= params['hue'] <= 0.1
        assert sorted(params['order']) == sorted(cj.OPERATIONS)
        orders.add(tuple(params['order']))
        np.testing.assert_allclose(out, reference(video, params), atol=2e-3)
        # the same parameters for the two identical frames
        np.testing.assert_array_equal(out[0], out[1])
    assert len(orders) > 3  # the order is drawn per video


def test_zero_strengths_draw_nothing_and_change_nothing():
    video = np.random.default_rng(1).uniform(0, 255, (2, 3, 4, 3))
    np.random.seed(0)
    results = VideoColorJitter(0, 0, 0, 0)(dict(imgs=video))
    assert [results['color_jitter'][k] for k in cj.OPERATIONS] == [None] * 4
    np.testing.assert_array_equal(results['imgs'],
                                  video.astype(np.float32))
    # only the permutation was drawn
    np.random.seed(0)
    np.random.permutation(4)
    after = np.random.rand()
    np.random.seed(0)
    VideoColorJitter(0, 0, 0, 0)(dict(imgs=video))
    assert np.random.rand() == after


def test_input_is_not_changed_in_place():
    video = np.full((2, 2, 2, 3), 100, np.float32)
    np.random.seed(0)
    VideoColorJitter()(dict(imgs=video))
    assert np.all(video == 100)


def test_invalid_strengths_are_errors():
    with pytest.raises(ValueError, match='brightness'):
        VideoColorJitter(brightness=-0.1)
    with pytest.raises(ValueError, match='hue'):
        VideoColorJitter(hue=0.6)
