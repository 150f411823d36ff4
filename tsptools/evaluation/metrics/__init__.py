from .clip_accuracy import ClipAccuracy

__all__ = ['ClipAccuracy']
