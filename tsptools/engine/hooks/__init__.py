from .dataset_epoch_hook import DatasetEpochHook

__all__ = ['DatasetEpochHook']
