"""The items of SequentialClipDataset batches are ClipItem records."""
import numpy as np

from tests.conftest import moving_square_frames
from tsptools.apis.video_clips import ClipItem, SequentialClipDataset
from tsptools.core.clip_plan import make_extract_cfg
from tsptools.datasets.synthactions.writer import write_video


def test_batches_hold_named_items(tmp_path):
    path = str(tmp_path / 'a.mp4')
    write_video(path, moving_square_frames(70, 0, 64, 86, seed=0))
    missing = str(tmp_path / 'missing.mp4')
    cfg = make_extract_cfg(short_side=40, crop_size=32, batch_size=3,
                           num_workers=0)
    batches = list(SequentialClipDataset([('a', path), ('m', missing)], cfg))
    items = [item for batch in batches for item in batch['items']]
    assert all(isinstance(item, ClipItem) for item in items)
    assert [item.kind for item in items] == ['video', 'clip', 'clip', 'error']
    start, clips, error = items[0], items[1:3], items[3]
    assert start.index == 0 and start.plan['num_clips'] == 2
    assert [(c.clip, c.row) for c in clips] == [(0, 0), (1, 1)]
    assert error.index == 1 and missing in error.error
    inputs = batches[0]['inputs']
    assert tuple(inputs.shape) == (2, 3, 16, 32, 32)
    assert np.isfinite(inputs.float().numpy()).all()
