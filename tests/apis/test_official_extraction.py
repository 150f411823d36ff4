"""The official preprocessing end to end: extraction frames and pixels equal
what the official code's reader selects and what the validation pipeline
gives, on real mp4 files."""
import math

import av
import numpy as np
import pytest
from mmengine.dataset import Compose

from tests.conftest import moving_square_frames
from tsptools.apis.feature_extraction import iter_video_clips, \
    video_clip_plan
from tsptools.core.clip_plan import clip_offsets, make_extract_cfg
from tsptools.datasets.synthactions.writer import write_video
from tsptools.utils import register_all_modules

CLIP_SECONDS = 16 / 15


def official_read_video_frames(path, start, end):
    """Frame indices that torchvision's ``read_video(path, start, end,
    pts_unit='sec')`` (PyAV backend) returns, written from its documented
    rule: frames with ``floor(start / tb) <= pts <= ceil(end / tb)``, plus
    the last frame before ``floor(start / tb)`` when no frame has exactly
    that pts."""
    with av.open(path) as container:
        stream = container.streams.video[0]
        tb = stream.time_base
        pts = sorted(frame.pts for frame in container.decode(video=0))
    start_pts = int(math.floor(start * (1 / tb)))
    end_pts = int(math.ceil(end * (1 / tb)))
    chosen = [i for i, p in enumerate(pts) if start_pts <= p <= end_pts]
    if start_pts > 0 and start_pts not in pts:
        before = [i for i, p in enumerate(pts) if p < start_pts]
        if before:
            chosen.insert(0, before[-1])
    return chosen


@pytest.fixture(scope='module')
def videos(tmp_path_factory):
    """16:9 videos at 25, 30 and 60 fps."""
    root = tmp_path_factory.mktemp('official')
    out = {}
    for fps, n in ((25, 60), (30, 75), (60, 140)):
        path = str(root / f'v{fps}.mp4')
        write_video(path, moving_square_frames(n, fps % 2, 36, 64, seed=fps),
                    fps=fps)
        out[fps] = path
    return out


@pytest.mark.parametrize('fps', [25, 30, 60])
def test_extraction_clips_are_the_frames_the_official_reader_selects(
        videos, fps):
    cfg = make_extract_cfg(dict(stride=4))
    with av.open(videos[fps]) as container:
        num_frames = sum(1 for _ in container.decode(video=0))
    plan = video_clip_plan(num_frames, fps, cfg)
    assert plan['num_clips'] >= 2
    for frames in plan['frames']:
        start = frames[0] / fps  # the official clip-t-start
        read = official_read_video_frames(videos[fps], start,
                                          start + CLIP_SECONDS)
        official = [read[i] for i in clip_offsets(16, fps, 15)]
        assert frames.tolist() == official


@pytest.mark.parametrize('fps', [25, 30])
def test_extracted_clip_equals_the_validation_pipeline_clip(videos, fps):
    register_all_modules()
    cfg = make_extract_cfg(dict(stride=8))
    stream = iter_video_clips(videos[fps], cfg)
    plan = next(stream)
    clips = list(stream)
    assert len(clips) == plan['num_clips'] >= 2
    assert clips[0].dtype == np.float32 and clips[0].shape == (16, 112, 112,
                                                               3)
    pipeline = Compose([
        dict(type='DecordOpen'),
        dict(type='SampleClip', clip_len=16, fps=15, test_mode=True),
        dict(type='DecordReadClip'),
        dict(type='ResizeClip', size=(128, 171)),
        dict(type='CentreCropClip', crop_size=112),
    ])
    for k, clip in enumerate(clips):
        start = plan['starts'][k]
        first = int(np.floor(start * fps / 15))  # its first source frame
        sample = pipeline(dict(filename=videos[fps], clip_start=first / fps))
        assert np.array_equal(np.stack(sample['imgs']), clip), k


def test_decoder_backend_is_close_but_not_the_official_pixels(videos):
    official = list(iter_video_clips(videos[30], make_extract_cfg()))[1]
    fast = list(iter_video_clips(
        videos[30], make_extract_cfg(dict(resize_backend='decoder'))))[1]
    assert fast.dtype == np.uint8 and fast.shape == official.shape
    difference = np.abs(fast.astype(np.float32) - official)
    assert 0 < difference.mean() < 20


def write_variable_rate_video(path):
    """20 frames of 20 ms, then 20 frames of 60 ms (50 fps, then 16.7)."""
    import fractions
    frames = moving_square_frames(40, 1, 36, 64)
    base = fractions.Fraction(1, 1000)
    with av.open(path, 'w') as container:
        stream = container.add_stream('libx264', rate=30)
        stream.width, stream.height, stream.pix_fmt = 64, 36, 'yuv420p'
        stream.time_base = stream.codec_context.time_base = base
        pts = 0
        for i, image in enumerate(frames):
            frame = av.VideoFrame.from_ndarray(image, format='rgb24')
            frame.pts, frame.time_base = pts, base
            pts += 20 if i < 20 else 60
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)
    with av.open(path) as container:
        return [float(f.pts * f.time_base)
                for f in container.decode(video=0)]


def test_variable_frame_rate_is_sampled_by_time(tmp_path):
    path = str(tmp_path / 'vfr.mp4')
    seconds = write_variable_rate_video(path)

    def shown_at(t):  # the last frame that starts at or before t
        return max(i for i, s in enumerate(seconds) if s <= t + 1e-6)

    # by hand: 15 fps instants 0, 1/15, ... fall on frames 0, 3, 6, 10, 13,
    # 16 (20 ms frames), then 20, 21 (60 ms frames from 0.4 s)
    assert [shown_at(j / 15) for j in range(8)] == [0, 3, 6, 10, 13, 16, 20,
                                                    21]
    cfg = make_extract_cfg(dict(stride=4))
    stream = iter_video_clips(path, cfg)
    plan = next(stream)
    assert plan['variable_rate']
    clips = list(stream)
    assert len(clips) == plan['num_clips'] >= 2
    import decord
    reader = decord.VideoReader(path)
    frames = video_clip_plan(len(reader), reader.get_avg_fps(), cfg,
                             reader.get_frame_timestamp(
                                 np.arange(len(reader))))['frames']
    register_all_modules()
    pipeline = Compose([
        dict(type='DecordOpen'),
        dict(type='SampleClip', clip_len=16, fps=15, test_mode=True),
    ])
    for k, start in enumerate(plan['starts']):
        # the clip starts at the frame shown at its instant s / 15, and
        # goes on from that frame's timestamp, as the official reader reads
        first = seconds[shown_at(start / 15)]
        expected = [shown_at(first + j / 15) for j in range(16)]
        sample = pipeline(dict(filename=path, clip_start=start / 15))
        assert sample['frame_inds'].tolist() == expected, k
        assert frames[k].tolist() == expected, k
