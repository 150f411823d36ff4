from .centre_crop_clip import CentreCropClip
from .decord_open import DecordOpen, open_video
from .decord_read_clip import DecordReadClip
from .load_clip_features import LoadClipFeatures
from .pack_localization_inputs import PackLocalizationInputs
from .pack_pretext_inputs import PackPretextInputs
from .paste_pseudo_actions import PastePseudoActions
from .pyav_open import PyAVOpen, PyAVReader
from .random_feature_window import RandomFeatureWindow
from .rescale_feature_time import RescaleFeatureTime
from .resize_clip import ResizeClip
from .resize_features import ResizeFeatures
from .sample_clip import SampleClip
from .synthesize_boundary import SynthesizeBoundary
from .video_color_jitter import VideoColorJitter
from .video_gaussian_blur import VideoGaussianBlur
from .synthesizers import *  # noqa: F401,F403

__all__ = [
    'CentreCropClip', 'DecordOpen', 'DecordReadClip', 'LoadClipFeatures',
    'PackLocalizationInputs', 'PackPretextInputs', 'PastePseudoActions',
    'PyAVOpen', 'PyAVReader', 'RandomFeatureWindow', 'RescaleFeatureTime',
    'ResizeClip', 'ResizeFeatures', 'SampleClip', 'SynthesizeBoundary',
    'VideoColorJitter', 'VideoGaussianBlur', 'open_video'
]
