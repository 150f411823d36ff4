"""BSP boundary synthesizers (Eq. 1-3) on tiny frame arrays with exact
expected frames, and the SynthesizeBoundary transform on real mp4s."""
import random

import numpy as np
import pytest
import torch

from tests.conftest import moving_square_frames
from tsptools.datasets.synthactions.writer import write_video
from tsptools.datasets.transforms import SynthesizeBoundary, open_video
from tsptools.datasets.transforms.synthesize_boundary import (match_size,
                                                              window_start)
from tsptools.datasets.transforms.synthesizers import (DiffClassSynthesizer,
                                                       DiffSpeedSynthesizer,
                                                       SameClassSynthesizer,
                                                       SameSpeedSynthesizer,
                                                       compose, compose_frames)
from tsptools.datasets.transforms.synthesizers.base_synthesizer import \
    dyadic_numerators
from tsptools.registry import SYNTHESIZERS


def constant_frames(values, size=2):
    """One ``size x size x 3`` frame per value, every pixel the value."""
    values = np.asarray(values, dtype=np.uint8)
    return np.broadcast_to(values[:, None, None, None],
                           (len(values), size, size, 3)).copy()


def grey(frames):
    return frames[:, 0, 0, 0].astype(int).tolist()


def test_diff_class_blend_weights_and_frames_eq1():
    synth = DiffClassSynthesizer(tau=4)
    # omega_1(i) = (tau + eps - i) / 2eps, omega_2(i) = (i - tau + eps) / 2eps
    np.testing.assert_array_equal(
        synth.weights(epsilon=2),
        [[1, 0], [1, 0], [.75, .25], [.5, .5], [.25, .75], [0, 1], [0, 1],
         [0, 1]])
    index, _ = synth.index_map(epsilon=2)
    # f_{1,i} for i <= tau + eps (weight 0 at i = tau + eps: not used),
    # f_{2, i - tau + eps} from i = tau - eps + 1
    np.testing.assert_array_equal(
        index, [[0, -1], [1, -1], [2, 0], [3, 1], [4, 2], [-1, 3], [-1, 4],
                [-1, 5]])
    v1 = constant_frames([10, 20, 30, 40, 50, 60])
    v2 = constant_frames([100, 110, 120, 130, 140, 150])
    out = synth([v1, v2], epsilon=2)
    # i=3: .75*30 + .25*100 = 47.5 -> 48 (half up); i=4: .5*40 + .5*110;
    # i=5: .25*50 + .75*120 = 102.5 -> 103; then f_2 frames 4, 5, 6
    assert grey(out['imgs']) == [10, 20, 48, 75, 103, 130, 140, 150]
    assert out['change_point'] == 3  # frame tau (1-based), equal weights
    assert out['boundary_type'] == 'diff_class'
    assert synth.source_lengths(epsilon=2) == [6, 6]  # tau + eps each


def test_diff_class_epsilon_one_and_frame_interval():
    synth = DiffClassSynthesizer(tau=3, frame_interval=2)
    np.testing.assert_array_equal(synth.weights(epsilon=1)[:, 1],
                                  [0, 0, .5, 1, 1, 1])
    index, _ = synth.index_map(epsilon=1)
    np.testing.assert_array_equal(index[:, 0], [0, 2, 4, -1, -1, -1])
    np.testing.assert_array_equal(index[:, 1], [-1, -1, 0, 2, 4, 6])
    assert synth.source_lengths(epsilon=1) == [7, 7]
    with pytest.raises(ValueError, match='epsilon'):
        synth.index_map(epsilon=4)
    with pytest.raises(ValueError, match='epsilon_range'):
        DiffClassSynthesizer(tau=3, epsilon_range=(0, 2))


def test_same_class_concatenation_point_eq2():
    synth = SameClassSynthesizer(tau=3)
    v1 = constant_frames([10, 20, 30, 40])
    v2 = constant_frames([100, 110, 120, 130])
    out = synth([v1, v2])
    assert grey(out['imgs']) == [10, 20, 30, 100, 110, 120]
    assert out['change_point'] == 2
    index, weight = SameClassSynthesizer(tau=2, frame_interval=3).index_map()
    np.testing.assert_array_equal(index, [[0, -1], [3, -1], [-1, 0], [-1, 3]])
    np.testing.assert_array_equal(weight, [[1, 0], [1, 0], [0, 1], [0, 1]])


def test_diff_speed_index_map_eq3():
    synth = DiffSpeedSynthesizer(tau=4)
    # up-sampling gamma = 0.5 after t = 3: paper frames 1, 2, 3, 3.5, 4, 4.5,
    # 5, 5.5 -> nearest (ties up) 1 2 3 4 4 5 5 6 -> 0-based
    index, weight = synth.index_map(t=3, gamma=0.5)
    assert index[:, 0].tolist() == [0, 1, 2, 3, 3, 4, 4, 5]
    assert (weight == 1).all()
    # down-sampling gamma = 2.5: 1 2 3 5.5 8 10.5 13 15.5 -> 1 2 3 6 8 11 13 16
    index, _ = synth.index_map(t=3, gamma=2.5)
    assert index[:, 0].tolist() == [0, 1, 2, 5, 7, 10, 12, 15]
    assert synth.source_lengths(t=3, gamma=2.5) == [16]
    frames = constant_frames(np.arange(16) * 10)
    out = synth([frames], t=3, gamma=2.5)
    assert grey(out['imgs']) == [0, 10, 20, 50, 70, 100, 120, 150]
    assert out['change_point'] == 2
    # frame_interval 2: the original rate takes every 2nd source frame, the
    # slowed part the source frames in between
    index, _ = DiffSpeedSynthesizer(tau=4, frame_interval=2).index_map(
        t=3, gamma=0.5)
    assert index[:, 0].tolist() == [0, 2, 4, 5, 6, 7, 8, 9]
    with pytest.raises(ValueError, match='gamma'):
        synth.index_map(t=3, gamma=1.0)
    with pytest.raises(ValueError, match='t must'):
        synth.index_map(t=8, gamma=2.0)
    with pytest.raises(ValueError, match='exclude 1'):
        DiffSpeedSynthesizer(gamma_ranges=((0.5, 1.5), ))


def test_same_speed_is_the_unmodified_clip():
    frames = np.random.default_rng(0).integers(0, 256, (12, 4, 5, 3),
                                               dtype=np.uint8)
    out = SameSpeedSynthesizer(tau=3, frame_interval=2)([frames])
    np.testing.assert_array_equal(out['imgs'], frames[0:12:2])
    assert out['change_point'] == -1


def test_sampled_parameters_stay_in_their_ranges():
    rng = np.random.default_rng(0)
    dc = DiffClassSynthesizer(tau=8)
    assert dc.epsilon_range == (1, 4)
    assert {dc.sample_params(rng)['epsilon'] for _ in range(200)} == \
        {1, 2, 3, 4}
    ds = DiffSpeedSynthesizer(tau=8)
    assert ds.t_range == (4, 12)
    params = [ds.sample_params(rng) for _ in range(200)]
    assert {p['t'] for p in params} == set(range(4, 13))
    gammas = np.array([p['gamma'] for p in params])
    assert ((gammas >= .25) & (gammas <= .75) | (gammas >= 1.5) &
            (gammas <= 3.0)).all()
    assert (gammas < 1).any() and (gammas > 1).any()
    synth = SYNTHESIZERS.build(dict(type='DiffSpeedSynthesizer', tau=2,
                                    gamma_ranges=((2.0, 2.0), )))
    assert synth.sample_params(rng)['gamma'] == 2.0


def test_compose_copies_single_frames_exactly():
    rng = np.random.default_rng(1)
    a = rng.integers(0, 256, (3, 4, 4, 3), dtype=np.uint8)
    b = rng.integers(0, 256, (3, 4, 4, 3), dtype=np.uint8)
    out = compose([a, b], [[2, -1], [-1, 0], [1, 1]],
                  [[1, 0], [0, 1], [.5, .5]])
    np.testing.assert_array_equal(out[0], a[2])
    np.testing.assert_array_equal(out[1], b[0])
    expected = np.floor(a[1] / 2 + b[1] / 2 + 0.5).astype(np.uint8)
    np.testing.assert_array_equal(out[2], expected)


def test_match_size_and_window_start():
    frames = np.zeros((2, 40, 60, 3), np.uint8)
    frames[:, :, 10:50] = 255  # the centre 40x40 is white
    out = match_size(frames, 20, 20)
    assert out.shape == (2, 20, 20, 3) and (out == 255).all()
    assert window_start(100, 10, 0.0) == 0
    assert window_start(100, 10, 0.999) == 90
    assert window_start(100, 10, 0.5) == 45
    assert window_start(5, 10, 0.7) == 0


@pytest.fixture(scope='module')
def two_videos(tmp_path_factory):
    root = tmp_path_factory.mktemp('bsp_src')
    paths = []
    for k in range(2):
        path = str(root / f'v{k}.mp4')
        write_video(path, moving_square_frames(30, k, seed=k))
        paths.append(path)
    return paths


@pytest.fixture(scope='module')
def bframe_videos(tmp_path_factory):
    """Two 32 x 32 videos and one 48 x 64 with B-frames and a keyframe every
    8 frames, as prepared videos have."""
    root = tmp_path_factory.mktemp('bsp_bframes')
    paths = []
    for k, (height, width) in enumerate(((32, 32), (32, 32), (48, 64))):
        path = str(root / f'b{k}.mp4')
        write_video(path, moving_square_frames(60, k % 2, height, width,
                                               seed=k),
                    preset='fast', options=dict(g='8'))
        paths.append(path)
    return paths


def decode(path, inds):
    return open_video(path).get_batch(list(inds)).asnumpy()


def test_transform_decodes_the_windows_and_composes(two_videos):
    synth = DiffClassSynthesizer(tau=4, frame_interval=2)
    results = SynthesizeBoundary().transform(
        dict(
            synthesizer=synth,
            synth_params=dict(epsilon=2),
            sources=[
                dict(filename=two_videos[0], offset=0.0),
                dict(filename=two_videos[1], offset=0.5)
            ]))
    # windows of (tau + eps - 1) * 2 + 1 = 11 frames: starts 0 and
    # floor(0.5 * (30 - 11 + 1)) = 10; only weighted frames are decoded
    inds = results['source_frame_inds']
    assert inds[0].tolist() == [0, 2, 4, 6, 8]
    assert inds[1].tolist() == [10, 12, 14, 16, 18, 20]
    f1, f2 = decode(two_videos[0], inds[0]), decode(two_videos[1], inds[1])
    imgs = np.stack(results['imgs'])
    np.testing.assert_array_equal(imgs[:2], f1[:2])
    np.testing.assert_array_equal(imgs[5:], f2[3:])
    blend = np.floor(.75 * f1[2].astype(float) + .25 * f2[0] + .5)
    np.testing.assert_array_equal(imgs[2], blend.astype(np.uint8))
    assert results['change_point'] == results['change_point_label'] == 3
    assert results['clip_len'] == 8 and results['num_clips'] == 1
    assert results['img_shape'] == (32, 32) and 'synthesizer' not in results


def test_transform_speed_change_reads_the_mapped_frames(two_videos):
    results = SynthesizeBoundary().transform(
        dict(
            synthesizer=dict(type='DiffSpeedSynthesizer', tau=4),
            synth_params=dict(t=3, gamma=2.5),
            sources=[dict(filename=two_videos[0], offset=0.0)]))
    assert results['source_frame_inds'][0].tolist() == \
        [0, 1, 2, 5, 7, 10, 12, 15]
    np.testing.assert_array_equal(
        np.stack(results['imgs']),
        decode(two_videos[0], [0, 1, 2, 5, 7, 10, 12, 15]))
    assert results['boundary_type'] == 'diff_speed'


def test_transform_errors_name_the_file(tmp_path):
    with pytest.raises(FileNotFoundError, match='missing.mp4'):
        SynthesizeBoundary().transform(
            dict(synthesizer=SameSpeedSynthesizer(),
                 sources=[dict(filename=str(tmp_path / 'missing.mp4'))]))


def float64_compose(sources, index, weight):
    """The float64 arithmetic of :func:`compose` written out: every blend
    as ``floor(sum_s w_s * x_s + 0.5)`` in float64, clipped to uint8."""
    out = np.empty((len(index), ) + sources[0].shape[1:], np.uint8)
    for i, (row, w) in enumerate(zip(index, weight)):
        used = [s for s in range(len(row)) if row[s] >= 0 and w[s] != 0]
        if len(used) == 1 and w[used[0]] == 1:
            out[i] = sources[used[0]][row[used[0]]]
            continue
        acc = sum(w[s] * sources[s][row[s]].astype(np.float64) for s in used)
        out[i] = np.clip(np.floor(acc + 0.5), 0, 255).astype(np.uint8)
    return out


def test_blends_equal_the_float64_arithmetic_for_every_pixel_pair():
    # every pair of uint8 values, as two 256 x 256 x 1 frames
    a = np.repeat(np.arange(256, dtype=np.uint8), 256).reshape(1, 256, 256, 1)
    b = np.tile(np.arange(256, dtype=np.uint8), 256).reshape(1, 256, 256, 1)
    rng = np.random.default_rng(0)
    pairs = {tuple(w) for tau in range(1, 9) for eps in range(1, tau + 1)
             for w in DiffClassSynthesizer(tau=tau).weights(eps)}
    pairs |= {(1 / 3, 2 / 3), (0.1, 0.9), (0.5, 0.25), (0.75, 0.5),
              (1 / 256, 255 / 256), (1.5, 0.7), (-0.2, 0.9)}
    pairs |= {tuple(w) for w in rng.random((40, 2))}
    pairs |= {tuple(w) for w in rng.uniform(-0.5, 1.5, (20, 2))}
    pairs = sorted(w for w in pairs if 0 not in w)  # no copies
    assert dyadic_numerators((0.25, 0.75)) == [32, 96]
    assert dyadic_numerators((1 / 3, 2 / 3)) is None
    assert dyadic_numerators((0.75, 0.5)) is None  # sum > 1: clipping
    assert sum(dyadic_numerators(w) is not None for w in pairs) > 10
    index = np.array([[0, 0], [0, -1], [-1, 0]])
    for w0, w1 in pairs:
        weight = np.array([[w0, w1], [w0, 0], [0, w1]])
        np.testing.assert_array_equal(
            compose([a, b], index, weight),
            float64_compose([a, b], index, weight), err_msg=f'{w0}, {w1}')


def test_compose_frames_share_no_memory():
    rng = np.random.default_rng(2)
    src = rng.integers(0, 256, (4, 3, 5, 3), dtype=np.uint8)
    expected = src[[0, 1, 1, 3]].copy()
    # slow motion repeats source frame 1
    frames = compose_frames([src], [[0], [1], [1], [3]], np.ones((4, 1)))
    np.testing.assert_array_equal(np.stack(frames), expected)
    for i in range(4):
        for j in range(i):
            assert not np.shares_memory(frames[i], frames[j])
    for frame in frames:  # mmaction2's Flip flips in place
        frame[:] = frame[:, ::-1].copy()
    np.testing.assert_array_equal(np.stack(frames), expected[:, :, ::-1])
    # a list with one array in two places (PyAVReader.get_list of a
    # repeated index)
    listed = [src[0].copy(), src[1].copy()]
    frames = compose_frames([listed + listed[:1]], [[0], [2], [1]],
                            np.ones((3, 1)))
    np.testing.assert_array_equal(np.stack(frames), src[[0, 0, 1]])
    assert not np.shares_memory(frames[0], frames[1])


def test_composed_clips_equal_the_float64_pipeline(bframe_videos):
    """Every boundary type of the BSP config, both readers, a source of
    another size: the clip is the float64 composition of the frames decord
    decodes, and the config's training pipeline gives the same tensors as
    on that clip."""
    from mmengine.config import Config
    from mmengine.dataset import Compose

    from tests.conftest import REPO_ROOT
    from tsptools.utils import register_all_modules
    register_all_modules()
    cfg = Config.fromfile(f'{REPO_ROOT}/configs/_base_/datasets/'
                          'kinetics400-bsp.py')
    after = Compose(cfg.train_pipeline[1:])
    synths = [SYNTHESIZERS.build(s) for s in cfg.synthesizers]
    rng = np.random.default_rng(0)
    for trial in range(12):
        synth = synths[trial % 4]
        params = synth.sample_params(rng)
        names = rng.permutation(3)[:synth.num_sources]
        sources = [dict(filename=bframe_videos[int(k)], offset=rng.random())
                   for k in names]
        index, weight = synth.index_map(**params)
        for backend in ('decord', 'pyav'):
            results = SynthesizeBoundary(backend=backend).transform(
                dict(synthesizer=synth, synth_params=params,
                     sources=sources, boundary_label=trial % 4))
            inds = results['source_frame_inds']
            decoded = [decode(s['filename'], i)
                       for s, i in zip(sources, inds)]
            height, width = decoded[0].shape[1:3]
            decoded = [decoded[0]] + [match_size(f, height, width)
                                      for f in decoded[1:]]
            # the decoded frames are the used window frames, in order
            mapped = np.full_like(index, -1)
            for s in range(synth.num_sources):
                valid = index[:, s] >= 0
                used = np.unique(index[valid, s])
                assert len(used) == len(inds[s])
                mapped[valid, s] = np.searchsorted(used, index[valid, s])
            clip = float64_compose(decoded, mapped, weight)
            np.testing.assert_array_equal(np.stack(results['imgs']), clip)
            ref = dict(results, imgs=list(clip.copy()))
            for r in (results, ref):
                random.seed(trial)
                np.random.seed(trial)
                r['inputs'] = after(dict(r))['inputs']
            assert torch.equal(results['inputs'], ref['inputs'])


def test_a_file_used_twice_is_opened_and_read_once(bframe_videos,
                                                   monkeypatch):
    opened, reads = [], []
    transform = SynthesizeBoundary(backend='pyav')
    original_open, original_read = transform._open, transform._read
    monkeypatch.setattr(transform, '_open',
                        lambda f: opened.append(f) or original_open(f))
    monkeypatch.setattr(
        transform, '_read',
        lambda r, f, i: reads.append(i.tolist()) or original_read(r, f, i))
    # a class with one video: both windows of a same-class boundary in it
    path = bframe_videos[0]
    results = transform.transform(dict(
        synthesizer=SameClassSynthesizer(tau=4, frame_interval=2),
        sources=[dict(filename=path, offset=0.1),
                 dict(filename=path, offset=0.14)]))
    inds = results['source_frame_inds']
    assert opened == [path] and reads == [inds[0].tolist() +
                                          inds[1].tolist()]
    assert set(inds[0].tolist()) & set(inds[1].tolist())  # overlapping
    imgs = results['imgs']
    np.testing.assert_array_equal(
        np.stack(imgs), np.concatenate([decode(path, i) for i in inds]))
    assert not any(np.shares_memory(imgs[i], imgs[j])
                   for i in range(8) for j in range(i))
