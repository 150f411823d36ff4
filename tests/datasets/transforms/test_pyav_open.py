"""The opt-in fast input options: PyAVOpen / PyAVReader (the same frames as
decord), DecordOpen(decode_size), ResizeClip(backend='cv2'), and the
``backend='pyav'`` option of the BSP / PAL reading transforms."""
import numpy as np
import pytest
from mmengine.dataset import Compose

from tests.conftest import moving_square_frames
from tsptools.core.clip_preprocess import resize_frames
from tsptools.datasets.synthactions.writer import write_video
from tsptools.datasets.transforms import (DecordOpen, DecordReadClip,
                                          PastePseudoActions, PyAVOpen,
                                          PyAVReader, ResizeClip, open_video)
from tsptools.utils import register_all_modules


@pytest.fixture(scope='module')
def videos(tmp_path_factory):
    """B-frames and a keyframe every 8 frames (30 fps, 70 frames), and a 25
    fps file with one keyframe."""
    root = tmp_path_factory.mktemp('pyav')
    gop8 = str(root / 'gop8.mp4')
    write_video(gop8, moving_square_frames(70, 0, height=48, width=64),
                preset='fast', options=dict(g=8))
    slow = str(root / 'fps25.mp4')
    write_video(slow, moving_square_frames(40, 1, height=32, width=64),
                fps=25, preset='fast', options=dict(g=300))
    return gop8, slow


@pytest.mark.parametrize('which', [0, 1])
def test_pyav_reader_gives_decords_frames(videos, which):
    path = videos[which]
    decord_reader, reader = open_video(path), PyAVReader(path)
    n = len(decord_reader)
    assert len(reader) == n
    assert reader.get_avg_fps() == pytest.approx(
        decord_reader.get_avg_fps())
    rng = np.random.default_rng(0)
    cases = [[0], [n - 1], list(range(n - 9, n, 2)), [5, 3, 3, n - 2, 0]]
    cases += [sorted(rng.choice(n, 6, replace=False)) for _ in range(4)]
    cases += [list(s + 2 * np.arange(8)) for s in rng.integers(0, n - 16, 4)]
    for inds in cases:
        np.testing.assert_array_equal(
            reader.get_batch(inds), decord_reader.get_batch(inds).asnumpy())


def test_pyav_reader_get_list_is_get_batch_unstacked(videos):
    path = videos[0]
    inds = [5, 3, 3, 40, 0]
    frames = PyAVReader(path).get_list(inds)
    assert isinstance(frames, list) and len(frames) == len(inds)
    np.testing.assert_array_equal(np.stack(frames),
                                  open_video(path).get_batch(inds).asnumpy())
    assert frames[1] is frames[2]  # a repeated index: the same frame


def test_pyav_open_adds_the_keys_of_decord_open(videos):
    path = videos[1]
    a, b = DecordOpen()(dict(filename=path)), PyAVOpen()(dict(filename=path))
    for key in ('total_frames', 'fps', 'duration'):
        assert b[key] == pytest.approx(a[key])
    assert isinstance(b['video_reader'], PyAVReader)
    # the fps of the annotations is kept
    assert PyAVOpen()(dict(filename=path, fps=24.0))['fps'] == 24.0


def test_pyav_pipeline_equals_decord_pipeline(videos):
    register_all_modules()
    steps = [dict(type='SampleClip', clip_len=8, fps=15),
             dict(type='DecordReadClip'),
             dict(type='ResizeClip', size=(24, 30))]
    clip = {}
    for opener in ('DecordOpen', 'PyAVOpen'):
        pipeline = Compose([dict(type=opener)] + steps)
        clip[opener] = pipeline(dict(filename=videos[0], clip_start=0.5))
    np.testing.assert_array_equal(clip['DecordOpen']['frame_inds'],
                                  clip['PyAVOpen']['frame_inds'])
    np.testing.assert_array_equal(np.stack(clip['DecordOpen']['imgs']),
                                  np.stack(clip['PyAVOpen']['imgs']))


def test_pyav_reader_errors_name_the_file(tmp_path, videos):
    with pytest.raises(FileNotFoundError, match='missing.mp4'):
        PyAVReader(str(tmp_path / 'missing.mp4'))
    bad = tmp_path / 'bad.mp4'
    bad.write_bytes(b'\x00' * 3000)
    with pytest.raises(RuntimeError, match='bad.mp4'):
        PyAVReader(str(bad))
    reader = PyAVReader(videos[0])
    with pytest.raises(IndexError, match='gop8.mp4'):
        reader.get_batch([0, 70])


def test_decode_size_decodes_at_that_size(videos):
    results = DecordOpen(decode_size=(24, 30))(dict(filename=videos[0]))
    results['frame_inds'] = np.array([0, 9])
    frames = DecordReadClip()(results)['imgs']
    assert frames[0].shape == (24, 30, 3)
    with pytest.raises(ValueError, match='decode_size'):
        DecordOpen(decode_size=(24, ))


def test_cv2_resize_matches_the_official_resize():
    rng = np.random.default_rng(0)
    frames = rng.integers(0, 256, (4, 90, 160, 3), dtype=np.uint8)
    for size in ((128, 171), (32, 43)):
        official = ResizeClip(size)(dict(imgs=list(frames)))['imgs']
        fast = ResizeClip(size, backend='cv2')(dict(imgs=list(frames)))
        assert fast['img_shape'] == size
        fast = np.stack(fast['imgs'])
        assert fast.dtype == np.float32 and fast.shape == (4, *size, 3)
        assert np.abs(fast - np.stack(official)).max() < 0.02
    np.testing.assert_allclose(
        np.stack(ResizeClip((90, 160), backend='cv2')(
            dict(imgs=list(frames)))['imgs']),
        resize_frames(frames, (90, 160)))
    with pytest.raises(ValueError, match='backend'):
        ResizeClip(backend='pil')


def test_pal_reads_the_same_with_pyav(trimmed_set):
    register_all_modules()
    names = sorted(p.name for p in (trimmed_set / 'videos').glob('*.mp4'))
    sample = dict(
        filename=str(trimmed_set / 'videos' / names[0]),
        background_filenames=[str(trimmed_set / 'videos' / n)
                              for n in names[1:3]],
        synth_seed=3)
    synth = dict(type='PseudoActionPaste', num_clips=4, clip_len=4,
                 max_region_clips=3, crop_size=16)
    out = {backend: PastePseudoActions(synth, frame_size=None,
                                       backend=backend)(dict(sample))
           for backend in ('decord', 'pyav')}
    np.testing.assert_array_equal(out['decord']['imgs'], out['pyav']['imgs'])
    with pytest.raises(ValueError, match='backend'):
        PastePseudoActions(synth, backend='opencv')
