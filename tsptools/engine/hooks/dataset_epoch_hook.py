from mmengine.hooks import Hook

from tsptools.datasets.dataset_wrappers import leaf_datasets
from tsptools.registry import HOOKS


@HOOKS.register_module()
class DatasetEpochHook(Hook):
    """Tell the training dataset the current epoch before each epoch.

    Datasets with a ``set_epoch(epoch)`` method (e.g.
    :class:`UntrimmedVideoDataset`) seed their per-sample randomness (TSP's
    temporal jittering) with ``(seed, epoch, index)``, so that it is the same
    in every worker and rank and changes across epochs. Datasets inside
    wrappers (``ConcatDataset``, ``RepeatDataset``) are reached too. Worker
    processes copy
    the dataset when an epoch's iterator starts, so keep
    ``persistent_workers=False`` for such datasets.
    """

    priority = 'NORMAL'

    def before_train_epoch(self, runner) -> None:
        for dataset in leaf_datasets(runner.train_dataloader.dataset):
            if hasattr(dataset, 'set_epoch'):
                dataset.set_epoch(runner.epoch)
