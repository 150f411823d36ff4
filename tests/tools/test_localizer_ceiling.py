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


def test_learning_curve_config_keeps_the_iterations(ceiling, tmp_path):
    from mmengine.config import Config
    config = ('configs/localizer/localizer-fpn1d_r2plus1d-18-w16_tsp-pre_'
              '1xb4-80e_synthactions-small.py')
    args = SimpleNamespace(config=config, work_dir=str(tmp_path))
    # the small recipe: 4 videos a batch, 80 epochs (warm-up 5, validation
    # and checkpoints every 10); 24 videos are 6 iterations an epoch, the
    # first 12 are 3 (twice the epochs), the first 5 are 2 (three times)
    for num_videos, factor in ((12, 2), (5, 3), (24, 1)):
        path = ceiling.learning_curve_config(args, num_videos, 24)
        assert path == str(tmp_path / f'train{num_videos}.py')
        cfg = Config.fromfile(path)
        assert cfg.train_dataloader.dataset.indices == num_videos
        assert cfg.train_dataloader.batch_size == 4
        assert cfg.train_cfg.max_epochs == 80 * factor
        assert cfg.train_cfg.val_interval == 10 * factor
        assert cfg.default_hooks.checkpoint.interval == 10 * factor
        warmup, cosine = cfg.param_scheduler
        assert (warmup.begin, warmup.end) == (0, 5 * factor)
        assert (cosine.begin, cosine.end) == (5 * factor, 80 * factor)
        assert cosine.T_max == 75 * factor
        assert cfg.model.num_levels == 1  # the rest is the base config's


def test_plot_learning_curve_writes_a_png(ceiling, tmp_path):
    curve = {'noise0.25': [
        dict(train_videos=24, average_mAP=(68.0, 1.0), AR100=(74.0, 0.7)),
        dict(train_videos=200, average_mAP=(77.0, float('nan')),
             AR100=(81.0, float('nan')))]}
    rule = {'noise0.25': {'average_mAP': 59.2, 'AR@100': 79.1}}
    path = tmp_path / 'curve.png'
    ceiling.plot_learning_curve(curve, rule, str(path), 'standard')
    assert path.read_bytes()[:8] == b'\x89PNG\r\n\x1a\n'


def test_train_videos_must_be_positive(ceiling, capsys):
    with pytest.raises(SystemExit):
        ceiling.parse_args(['--train-videos', '24', '0'])
    assert '--train-videos must be positive' in capsys.readouterr().err
    assert ceiling.parse_args(['--train-videos', '12', '24']).train_videos \
        == [12, 24]
