"""The official resize and crop, against values computed by hand."""
import numpy as np
import pytest

from tsptools.core.clip_preprocess import centre_crop_box, resize_frames


def test_resize_is_bilinear_with_half_pixel_centres():
    # halving: output (i, j) samples the input at (2i + 0.5, 2j + 0.5), the
    # mean of a 2x2 block
    frames = np.arange(4 * 6 * 3, dtype=np.uint8).reshape(1, 4, 6, 3)
    out = resize_frames(frames, (2, 3))
    blocks = frames[0].astype(np.float64).reshape(2, 2, 3, 2, 3)
    assert out.dtype == np.float32 and out.shape == (1, 2, 3, 3)
    np.testing.assert_allclose(out[0], blocks.mean(axis=(1, 3)), atol=1e-5)


def test_resize_does_not_antialias():
    # quartering an 8x8 frame samples at 4i + 1.5: only rows/columns 4i+1
    # and 4i+2 count (an antialiased or area resize would average all 16)
    frame = np.zeros((1, 8, 8, 1), np.float32)
    frame[0, 0, 0, 0] = 100.0  # outside every sample's support
    frame[0, 1, 1, 0] = 100.0  # a quarter of output (0, 0)
    out = resize_frames(frame, (2, 2))
    assert out[0, :, :, 0] == pytest.approx(np.array([[25.0, 0], [0, 0]]))


def test_resize_aspect_ratio_not_kept():
    frames = np.full((2, 36, 64, 3), 7, np.uint8)
    out = resize_frames(frames, (128, 171))
    assert out.shape == (2, 128, 171, 3)
    assert np.all(out == 7.0)


def test_centre_crop_offsets_are_the_official_ones():
    assert centre_crop_box(128, 171, 112) == (8, 30)  # mmaction2: (8, 29)
    assert centre_crop_box(64, 86, 56) == (4, 15)
    assert centre_crop_box(113, 113, 112) == (0, 0)  # round(0.5) == 0
    with pytest.raises(ValueError, match='cannot crop'):
        centre_crop_box(100, 171, 112)
