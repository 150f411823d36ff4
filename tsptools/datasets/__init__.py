from .transforms import *  # noqa: F401,F403
from .trimmed_video_dataset import TrimmedVideoDataset
from .untrimmed_video_dataset import UntrimmedVideoDataset

__all__ = ['TrimmedVideoDataset', 'UntrimmedVideoDataset']
