"""benchmarks/train_input.py: the frame census and the per-step timer count
each reader once and restore what they patch."""
import decord
import numpy as np
import pytest

from tests.conftest import load_script, moving_square_frames
from tsptools.datasets.synthactions.writer import write_video
from tsptools.datasets.transforms import PyAVReader
from tsptools.datasets.transforms.pyav_open import get_frame_list


@pytest.fixture(scope='module')
def bench():
    return load_script('benchmarks/train_input.py')


@pytest.fixture(scope='module')
def video(tmp_path_factory):
    path = str(tmp_path_factory.mktemp('train_input') / 'v.mp4')
    write_video(path, moving_square_frames(80, 0), options=dict(g='8'))
    return path


def test_covered_frames(bench):
    assert bench.covered_frames([0, 2, 4, 30]) == 31
    assert bench.covered_frames([5, 5, 6]) == 2
    # runs cut where indices jump by more than 32 frames
    assert bench.covered_frames([0, 1, 100, 103]) == 2 + 4


def test_census_counts_every_reader_once(bench, video):
    methods = (PyAVReader.get_list, PyAVReader.get_batch,
               decord.VideoReader.get_batch)
    with bench.FrameCensus() as census:
        PyAVReader(video).get_batch([0, 2, 4])  # get_batch calls get_list
        PyAVReader(video).get_list([10, 11])
        decord.VideoReader(video).get_batch([20, 24])
        get_frame_list(PyAVReader(video), np.asarray([30, 31, 33]))
    assert census.frames == 5 + 2 + 5 + 4
    assert (PyAVReader.get_list, PyAVReader.get_batch,
            decord.VideoReader.get_batch) == methods


def test_step_timer_times_the_steps_and_the_readers(bench, video):
    from mmengine.dataset import Compose

    from tsptools.utils import register_all_modules
    register_all_modules()

    class Dataset:
        pipeline = Compose([dict(type='PyAVOpen'),
                            dict(type='SampleClip', clip_len=4, fps=15),
                            dict(type='DecordReadClip')])

        def __getitem__(self, i):
            return self.pipeline(dict(filename=video, clip_start=0.5))

    dataset = Dataset()
    steps = bench.time_steps(dataset, np.arange(3))
    assert list(steps) == ['1 PyAVOpen', '2 SampleClip', '3 DecordReadClip',
                           'open', 'read']
    assert all(ms >= 0 for ms in steps.values())
    assert 'transform' not in vars(dataset.pipeline.transforms[0])
    assert PyAVReader.__init__.__name__ == '__init__'
