"""VideoGaussianBlur: every frame blurred as OpenCV does with the drawn
sigma, which is one per video; the impulse response has that sigma. Inside
mmcv.RandomApply (probability 0 and 1): test_paste_pseudo_actions.py."""
import cv2
import numpy as np
import pytest

from tsptools.datasets.transforms import VideoGaussianBlur


def test_every_frame_blurred_with_the_drawn_sigma():
    video = np.random.default_rng(0).uniform(0, 255, (4, 20, 24, 3)).astype(
        np.float32)
    blur = VideoGaussianBlur(sigma_range=(0.1, 2.0))
    sigmas = []
    for seed in range(5):
        np.random.seed(seed)
        results = blur(dict(imgs=list(video)))
        sigma = results['blur_sigma']
        assert 0.1 <= sigma <= 2.0
        sigmas.append(sigma)
        out = results['imgs']
        assert out.dtype == np.float32 and out.shape == video.shape
        for frame, got in zip(video, out):
            np.testing.assert_array_equal(
                got, cv2.GaussianBlur(frame, (0, 0), sigma))
    assert len(set(sigmas)) == 5


@pytest.mark.parametrize('sigma', [0.7, 1.5])
def test_impulse_response_has_the_sigma(sigma):
    """A unit impulse comes out as the sampled, normalised Gaussian:
    neighbouring taps in the ratio exp(-(2k + 1) / (2 sigma^2))."""
    video = np.zeros((2, 31, 31, 3), np.float32)
    video[:, 15, 15] = 1.0
    results = VideoGaussianBlur(sigma_range=(sigma, sigma))(dict(imgs=video))
    assert results['blur_sigma'] == sigma
    out = results['imgs'][:, :, :, 0]
    np.testing.assert_array_equal(out[0], out[1])
    row = out[0, 15, 15:19]
    ratios = row[1:] / row[:-1]
    k = np.arange(3)
    np.testing.assert_allclose(ratios, np.exp(-(2 * k + 1) / (2 * sigma**2)),
                               rtol=1e-4)
    assert out[0].sum() == pytest.approx(1.0, abs=1e-5)


def test_uint8_frames_are_blurred_in_float():
    frames = np.random.default_rng(1).integers(0, 256, (2, 8, 8, 3),
                                                dtype=np.uint8)
    np.random.seed(0)
    results = VideoGaussianBlur()(dict(imgs=frames))
    expected = cv2.GaussianBlur(frames[0].astype(np.float32), (0, 0),
                                results['blur_sigma'])
    np.testing.assert_array_equal(results['imgs'][0], expected)


def test_invalid_range_is_an_error():
    with pytest.raises(ValueError, match='sigma_range'):
        VideoGaussianBlur(sigma_range=(0.0, 1.0))
    with pytest.raises(ValueError, match='sigma_range'):
        VideoGaussianBlur(sigma_range=(2.0, 1.0))
