"""tsptools: pretraining video encoders for temporal localization."""
from .version import __version__

__all__ = ['__version__']
