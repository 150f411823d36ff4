from .decord_open import DecordOpen, open_video
from .decord_read_clip import DecordReadClip
from .pack_pretext_inputs import PackPretextInputs
from .sample_clip import SampleClip

__all__ = [
    'DecordOpen', 'DecordReadClip', 'PackPretextInputs', 'SampleClip',
    'open_video'
]
