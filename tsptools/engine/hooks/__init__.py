from .dataset_epoch_hook import DatasetEpochHook
from .gvf_refresh_hook import GVFRefreshHook

__all__ = ['DatasetEpochHook', 'GVFRefreshHook']
