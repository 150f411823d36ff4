"""GPU speed options of feature extraction, checked on the CPU: the
library plumbing (channels_last inputs, pinned-memory DataLoader) and
tools/extract_features.py's --channels-last / --cudnn-benchmark, which are
ignored on the CPU so that its features stay bit-identical."""
import json

import numpy as np
import pytest
import torch
from mmengine.config import Config

from tests.conftest import (load_script, save_tiny_encoder,
                            write_tiny_videos)
from tsptools.apis import init_encoder, iter_video_features
from tsptools.apis.feature_extraction import (SequentialClipDataset,
                                              _make_loader)
from tsptools.core.clip_plan import make_extract_cfg
from tsptools.utils import to_channels_last_3d

# 30 fps, 64x86, clip 16 x 2, stride 16: a -> 2 clips, b -> 3 clips
LENGTHS = dict(a=70, b=100)


@pytest.fixture(scope='module')
def setup(tmp_path_factory):
    root = tmp_path_factory.mktemp('speedups')
    videos = root / 'videos'
    videos.mkdir()
    write_tiny_videos(videos, LENGTHS)
    return dict(root=root, videos=videos, **save_tiny_encoder(root, 2))


@pytest.fixture(scope='module')
def extract_tool():
    return load_script('tools/extract_features.py')


def entries(setup):
    return [(n, str(setup['videos'] / f'{n}.mp4')) for n in LENGTHS]


def test_pinned_memory_loader():
    dataset = SequentialClipDataset([], make_extract_cfg(short_side=40,
                                                         crop_size=32))
    assert _make_loader(dataset, 0, pin_memory=True).pin_memory
    assert not _make_loader(dataset, 0).pin_memory


def test_channels_last_inputs_reach_the_model(setup):
    """channels_last=True hands the model channels_last_3d inputs; the
    features agree with the default ones to float precision (the CPU's
    kernels for that layout are not bit-identical, hence CUDA only in the
    tool)."""
    cfg = Config.fromfile(setup['config']).extract_cfg
    model = init_encoder(setup['config'], setup['checkpoint'])
    plain = {r.name: r.features for r in
             iter_video_features(model, entries(setup), cfg)}
    seen = []
    extract_feat = model.extract_feat

    def spy(inputs, *args, **kwargs):
        seen.append(inputs.is_contiguous(
            memory_format=torch.channels_last_3d) and inputs.dim() == 5)
        return extract_feat(inputs, *args, **kwargs)

    model.extract_feat = spy
    to_channels_last_3d(model)
    fast = {r.name: r.features for r in
            iter_video_features(model, entries(setup), cfg,
                                channels_last=True)}
    assert seen and all(seen)
    assert sorted(fast) == sorted(LENGTHS)
    for name, feats in plain.items():
        assert feats.shape == fast[name].shape
        np.testing.assert_allclose(fast[name], feats, rtol=1e-4, atol=1e-5)


def test_cli_flags_are_ignored_on_cpu_bit_identical(setup, extract_tool,
                                                    tmp_path, capsys,
                                                    monkeypatch):
    monkeypatch.setenv('LOCAL_RANK', '0')
    monkeypatch.setattr(torch.backends.cudnn, 'benchmark', False)
    base = [setup['config'], setup['checkpoint'], '--video-dir',
            str(setup['videos']), '--no-progress']
    assert extract_tool.main(base + ['--out-dir', str(tmp_path / 'plain')]) \
        == 0
    assert 'ignored' not in capsys.readouterr().err
    assert extract_tool.main(base + [
        '--out-dir', str(tmp_path / 'flags'), '--channels-last',
        '--cudnn-benchmark']) == 0
    err = capsys.readouterr().err
    assert '--channels-last: ignored on cpu (CUDA only)' in err
    assert '--cudnn-benchmark: ignored on cpu (CUDA only)' in err
    assert torch.backends.cudnn.benchmark is False
    for name, clips in (('a', 2), ('b', 3)):
        plain = np.load(tmp_path / 'plain' / f'{name}.npy')
        flags = np.load(tmp_path / 'flags' / f'{name}.npy')
        assert plain.shape == (clips, 32)
        assert plain.tobytes() == flags.tobytes()  # bit-identical
    manifest = json.loads((tmp_path / 'flags' / 'manifest.json').read_text())
    assert manifest['num_ok'] == 2
    # the speed options are not settings: resuming with them redoes nothing
    mtime = (tmp_path / 'plain' / 'a.npy').stat().st_mtime_ns
    assert extract_tool.main(base + [
        '--out-dir', str(tmp_path / 'plain'), '--channels-last']) == 0
    assert (tmp_path / 'plain' / 'a.npy').stat().st_mtime_ns == mtime
