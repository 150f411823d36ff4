"""benchmarks/train_input.py's FrameCensus counts the frames of every read,
whichever method of which reader a pipeline calls, exactly once."""
import numpy as np

from tests.conftest import load_script, moving_square_frames
from tsptools.datasets.synthactions.writer import write_video
from tsptools.datasets.transforms import PyAVReader, open_video
from tsptools.datasets.transforms.pyav_open import get_frame_list


def test_frame_census_counts_each_read_once(tmp_path):
    bench = load_script('benchmarks/train_input.py')
    path = str(tmp_path / 'v.mp4')
    write_video(path, moving_square_frames(100, 0))
    inds = [0, 2, 4, 90, 91]  # two runs: 5 + 2 frames covered
    assert bench.covered_frames(inds) == 7
    with bench.FrameCensus() as census:
        open_video(path).get_batch(inds)
        PyAVReader(path).get_batch(inds)
        PyAVReader(path).get_list(inds)
        get_frame_list(PyAVReader(path), np.asarray(inds))
    assert census.frames == 4 * 7
    # restored afterwards
    with bench.FrameCensus() as census:
        pass
    PyAVReader(path).get_list(inds)
    assert census.frames == 0
