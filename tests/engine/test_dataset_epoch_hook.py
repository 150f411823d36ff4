from types import SimpleNamespace

from mmengine.dataset import ConcatDataset, RepeatDataset

from tsptools.datasets import UntrimmedVideoDataset
from tsptools.engine.hooks import DatasetEpochHook


def test_epoch_reaches_datasets_inside_wrappers(tmp_path):
    ann = tmp_path / 'ann.json'
    ann.write_text('{"database": {"v": {"subset": "training", "duration": '
                   '10.0, "fps": 30, "annotations": [{"segment": [2, 5], '
                   '"label": "A"}]}}}')
    make = lambda: UntrimmedVideoDataset(  # noqa: E731
        ann_file=str(ann), data_prefix=dict(video=str(tmp_path)))
    a, b, c = make(), make(), make()
    wrapped = ConcatDataset([a, b])
    runner = SimpleNamespace(
        epoch=3, train_dataloader=SimpleNamespace(dataset=wrapped))
    DatasetEpochHook().before_train_epoch(runner)
    assert a.epoch == 3 and b.epoch == 3
    runner.train_dataloader.dataset = RepeatDataset(c, times=2)
    DatasetEpochHook().before_train_epoch(runner)
    assert c.epoch == 3
    # and the epoch changes the clip positions
    first = c.get_data_info(0)['clip_start']
    c.set_epoch(4)
    assert c.get_data_info(0)['clip_start'] != first
