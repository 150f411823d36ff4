"""Decoding real mp4s written with PyAV, and the clip sampling rule."""
import numpy as np
import pytest
import torch
from mmengine.dataset import Compose

from tests.conftest import moving_square_frames
from tsptools.datasets.synthactions.writer import write_video
from tsptools.datasets.transforms import (DecordOpen, DecordReadClip,
                                          PackPretextInputs, SampleClip)
from tsptools.utils import register_all_modules


@pytest.fixture(scope='module')
def video(tmp_path_factory):
    path = tmp_path_factory.mktemp('video') / 'square.mp4'
    frames = moving_square_frames(45, label=0)
    write_video(str(path), frames)
    return str(path), frames


def test_decord_open_reports_frames_and_fps(video):
    path, frames = video
    results = DecordOpen()(dict(filename=path))
    assert results['total_frames'] == len(frames)
    assert results['fps'] == pytest.approx(30.0)
    assert results['duration'] == pytest.approx(45 / 30)


def test_decoded_frames_match_what_pyav_wrote(video):
    path, frames = video
    results = DecordOpen()(dict(filename=path))
    results['frame_inds'] = np.array([0, 10, 44])
    results = DecordReadClip()(results)
    assert 'video_reader' not in results
    decoded = np.stack(results['imgs']).astype(int)
    assert decoded.shape == (3, 32, 32, 3)
    # H.264 at crf 18 is lossy: close, not equal.
    assert np.abs(decoded - frames[[0, 10, 44]]).mean() < 4
    # the frame-index block says which frame each one is (20 + 4 t)
    levels = decoded[:, -6:-2, 2:6].mean(axis=(1, 2, 3))
    assert np.round((levels - 20) / 4).tolist() == [0, 10, 44]


def test_sample_clip_uses_clip_start_seconds():
    t = SampleClip(clip_len=4, frame_interval=2)
    out = t(dict(total_frames=100, fps=30.0, clip_start=1.0, filename='x'))
    # 1.0 s at 30 fps -> frame 30; then every 2nd frame.
    assert out['frame_inds'].tolist() == [30, 32, 34, 36]
    # a start too close to the end moves back to the last valid start:
    # span = (4-1)*2+1 = 7 frames, last start = 100-7 = 93.
    out = t(dict(total_frames=100, fps=30.0, clip_start=3.3, filename='x'))
    assert out['frame_inds'].tolist() == [93, 95, 97, 99]


def test_sample_clip_centre_in_test_mode_and_random_in_training():
    t = SampleClip(clip_len=4, frame_interval=2, test_mode=True)
    out = t(dict(total_frames=21, fps=30.0, filename='x'))
    # last start = 21 - 7 = 14 -> centre start 7.
    assert out['frame_inds'].tolist() == [7, 9, 11, 13]
    t = SampleClip(clip_len=4, frame_interval=2)
    np.random.seed(0)
    starts = {t(dict(total_frames=21, fps=30.0, filename='x'))
              ['frame_inds'][0] for _ in range(200)}
    assert starts == set(range(15))


def test_short_video_is_an_error_naming_the_file_unless_padding():
    t = SampleClip(clip_len=16, frame_interval=2)
    with pytest.raises(ValueError, match='short.mp4.*10 frames.*31'):
        t(dict(total_frames=10, fps=30.0, filename='short.mp4'))
    t = SampleClip(clip_len=4, frame_interval=2, pad_short=True)
    out = t(dict(total_frames=5, fps=30.0, filename='short.mp4'))
    assert out['frame_inds'].tolist() == [0, 2, 4, 4]


def test_missing_empty_and_corrupt_videos_name_the_file(tmp_path):
    with pytest.raises(FileNotFoundError, match='nope.mp4'):
        DecordOpen()(dict(filename=str(tmp_path / 'nope.mp4')))
    empty = tmp_path / 'empty.mp4'
    empty.write_bytes(b'')
    with pytest.raises(ValueError, match='empty.*empty.mp4'):
        DecordOpen()(dict(filename=str(empty)))
    corrupt = tmp_path / 'corrupt.mp4'
    corrupt.write_bytes(b'\x00\x00\x00\x18ftypmp42' + b'garbage' * 100)
    with pytest.raises(RuntimeError, match='corrupt.mp4'):
        DecordOpen()(dict(filename=str(corrupt)))


def test_full_pipeline_shapes(video):
    register_all_modules()
    path, _ = video
    pipeline = Compose([
        dict(type='DecordOpen'),
        dict(type='SampleClip', clip_len=8, frame_interval=2),
        dict(type='DecordReadClip'),
        dict(type='mmaction.Resize', scale=(-1, 24)),
        dict(type='mmaction.RandomCrop', size=20),
        dict(type='mmaction.Flip', flip_ratio=0.5),
        dict(type='mmaction.FormatShape', input_format='NCTHW'),
        dict(type='PackPretextInputs', keys=('action_label', )),
    ])
    packed = pipeline(dict(filename=path, action_label=1))
    assert packed['inputs'].shape == (1, 3, 8, 20, 20)
    assert packed['inputs'].dtype == torch.uint8
    assert int(packed['data_samples'].action_label) == 1
    assert packed['data_samples'].metainfo['filename'] == path


def test_pack_names_missing_key():
    with pytest.raises(KeyError, match='gvf'):
        PackPretextInputs(keys=('gvf', ))(
            dict(imgs=np.zeros((1, 3, 2, 4, 4)), filename='v.mp4'))
