"""benchmarks/localizer_ceiling.py: the ground-truth features and the
read-off rule on hand-built cases."""
from types import SimpleNamespace

import numpy as np
import pytest

from tests.conftest import load_script


@pytest.fixture(scope='module')
def ceiling():
    return load_script('benchmarks/localizer_ceiling.py')


def test_clip_windows_and_class_fractions(ceiling):
    args = SimpleNamespace(clip_len=16, frame_interval=2, stride=16)
    # 100 frames: clips of 32 frames every 32 -> [0, 32), [32, 64), [64, 96)
    frames, times = ceiling.clip_windows(100, args)
    assert frames.tolist() == [[0, 32], [32, 64], [64, 96]]
    assert np.allclose(times, [16 / 30, 48 / 30, 80 / 30])
    video = dict(instances=[dict(start_frame=40, end_frame=80, label=1),
                            dict(start_frame=0, end_frame=8, label=0)])
    frac = ceiling.class_fractions(video, frames, 3)
    assert np.allclose(frac, [[8 / 32, 0, 0], [0, 24 / 32, 0],
                              [0, 16 / 32, 0]])


def test_read_off_recovers_exact_boundaries(ceiling):
    frames = np.array([[0, 32], [32, 64], [64, 96], [96, 128]], float)
    # class 0 covers frames 40..100: 24/32 of clip 1, all of clip 2, 4/32 of
    # clip 3
    frac = np.zeros((4, 2))
    frac[:, 0] = [0, 24 / 32, 1.0, 4 / 32]
    segs = ceiling.read_off(frac, frames, fps=32.0)
    assert len(segs) == 1
    start, end, score, label = segs[0]
    assert (start, end) == pytest.approx((40 / 32, 100 / 32))
    assert label == 0 and score == pytest.approx((24 / 32 + 1) / 2)
    # nothing above the threshold: no segment
    assert ceiling.read_off(frac * 0.4, frames) == []
