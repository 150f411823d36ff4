from .centre_crop_clip import CentreCropClip
from .decord_open import DecordOpen, open_video
from .decord_read_clip import DecordReadClip
from .pack_pretext_inputs import PackPretextInputs
from .paste_pseudo_actions import PastePseudoActions
from .pyav_open import PyAVOpen, PyAVReader
from .resize_clip import ResizeClip
from .sample_clip import SampleClip
from .synthesize_boundary import SynthesizeBoundary
from .synthesizers import *  # noqa: F401,F403

__all__ = [
    'CentreCropClip', 'DecordOpen', 'DecordReadClip', 'PackPretextInputs',
    'PastePseudoActions', 'PyAVOpen', 'PyAVReader', 'ResizeClip',
    'SampleClip', 'SynthesizeBoundary', 'open_video'
]
