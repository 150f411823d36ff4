"""The official TSP sampling rules, checked on cases worked out by hand."""
import numpy as np
import pytest

from tsptools.core.clip_plan import (clip_centre_times, clip_duration,
                                     clip_frame_indices, clip_offsets,
                                     clip_starts, frame_at_time,
                                     make_extract_cfg, num_clips,
                                     sampled_frames)


def test_offsets_of_a_clip_at_25_30_and_60_fps():
    # floor(j * fps / 15) for j = 0..15, by hand
    assert clip_offsets(16, 30, 15).tolist() == list(range(0, 32, 2))
    assert clip_offsets(16, 60, 15).tolist() == list(range(0, 64, 4))
    assert clip_offsets(16, 25, 15).tolist() == [
        0, 1, 3, 5, 6, 8, 10, 11, 13, 15, 16, 18, 20, 21, 23, 25]
    # frame interval instead of a target rate: whatever the source rate
    assert clip_offsets(4, 25, None, 3).tolist() == [0, 3, 6, 9]


def test_sampled_frames_is_the_official_ceil_grid():
    # 30 fps: arange(N)[::2], i.e. ceil(N / 2) frames
    assert sampled_frames(33, 30, 15).tolist() == list(range(0, 33, 2))
    assert len(sampled_frames(33, 30, 15)) == 17
    assert len(sampled_frames(32, 30, 15)) == 16
    # 60 fps: every 4th
    assert sampled_frames(10, 60, 15).tolist() == [0, 4, 8]
    # 25 fps, 10 frames: int(10 * 15 / 25) = 6 frames floor(i * 5 / 3)
    assert sampled_frames(10, 25, 15).tolist() == [0, 1, 3, 5, 6, 8]


def test_clip_count_gains_a_clip_for_odd_frame_counts():
    # 63 frames at 30 fps: 32 sampled frames (ceil); stride 1 gives
    # 32 - 16 + 1 = 17 clips (the floor grid of 31 frames gave 16)
    assert num_clips(63, 16, stride=1, fps=30, target_fps=15) == 17
    assert num_clips(62, 16, stride=1, fps=30, target_fps=15) == 16
    # stride 16: 32 sampled frames -> clips at 0 and 16
    starts, short = clip_starts(63, 16, stride=16, fps=30, target_fps=15)
    assert starts.tolist() == [0, 16] and not short


def test_clip_frames_and_times_at_25_fps():
    # 100 frames at 25 fps: 60 sampled frames; clip 1 with stride 16 starts
    # at sampled frame 16 = source frame floor(16 * 5 / 3) = 26 and holds
    # 26 + floor(j * 5 / 3): the official per-clip resampling
    frames = clip_frame_indices(16, 100, 16, fps=25, target_fps=15)
    assert frames.tolist() == [26 + o for o in [
        0, 1, 3, 5, 6, 8, 10, 11, 13, 15, 16, 18, 20, 21, 23, 25]]
    # its time: the centre of [26, 26 + 16 * 5 / 3) frames, in seconds
    times = clip_centre_times(np.array([0, 16]), 100, 25, 16,
                              target_fps=15)
    assert times == pytest.approx([(0 + 80 / 3) / 2 / 25,
                                   (26 + 26 + 80 / 3) / 2 / 25])
    assert clip_duration(16, 2, 25, 15) == pytest.approx(16 / 15)


def test_padded_clip_repeats_the_last_sampled_frame():
    # 20 frames at 30 fps: sampled 0..18 (10 frames), shorter than a clip
    starts, short = clip_starts(20, 16, stride=16, fps=30, target_fps=15)
    assert short and starts.tolist() == [0]
    frames = clip_frame_indices(0, 20, 16, fps=30, target_fps=15)
    assert frames.tolist() == list(range(0, 20, 2)) + [18] * 6


def test_frame_at_time():
    fps = 30000 / 1001
    for f in (0, 1, 29, 1000, 123457):
        assert frame_at_time(f / fps, fps) == f
        assert frame_at_time(f / fps + 0.5 / fps, fps) == f
    assert frame_at_time(10 / 25 - 1e-4, 25) == 9


def test_extract_cfg_layers():
    cfg = make_extract_cfg()
    assert (cfg['fps'], cfg['resize'], cfg['resize_backend']) == (
        15.0, (128, 171), 'official')
    # a layer that sets short_side and frame_interval turns the official
    # fixed resize and the time-based sampling off
    cfg = make_extract_cfg(dict(short_side=64, frame_interval=2, crop_size=56))
    assert (cfg['resize'], cfg['fps'], cfg['resize_backend']) == (
        None, None, 'decoder')
    with pytest.raises(ValueError, match='short_side'):
        make_extract_cfg(dict(short_side=64, crop_size=56,
                              resize_backend='official'))
    with pytest.raises(ValueError, match='exactly one'):
        make_extract_cfg(dict(short_side=64, resize=(128, 171)))
    with pytest.raises(KeyError, match='unknown'):
        make_extract_cfg(dict(target_fps=15))


@pytest.mark.parametrize('fps, settings', [
    (30.0, dict(clip_len=16, fps=15, stride=16)),
    (60.0, dict(clip_len=16, fps=15, stride=4)),
    (25.0, dict(clip_len=8, fps=None, frame_interval=2, stride=4)),
])
def test_time_grid_places_features_at_the_clip_times(fps, settings):
    """ActionFormer / OpenTAD put feature i at (i * feat_stride +
    offset_frames) / fps: the centres of tsptools' complete clips."""
    from tsptools.core.clip_plan import time_grid
    cfg = make_extract_cfg(dict(settings, crop_size=56, short_side=64))
    grid = time_grid(cfg)
    rate = grid['default_fps'] or fps
    starts, _ = clip_starts(3000, cfg['clip_len'], cfg['frame_interval'],
                            cfg['stride'], fps=fps, target_fps=cfg['fps'])
    times = clip_centre_times(starts, 3000, fps, cfg['clip_len'],
                              cfg['frame_interval'], target_fps=cfg['fps'])
    k = np.arange(len(starts))
    np.testing.assert_allclose(
        (k * grid['feat_stride'] + grid['offset_frames']) / rate, times)
    assert grid['offset_frames'] == grid['num_frames'] / 2
