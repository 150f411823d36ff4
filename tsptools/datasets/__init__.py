from .transforms import *  # noqa: F401,F403
from .trimmed_video_dataset import TrimmedVideoDataset

__all__ = ['TrimmedVideoDataset']
