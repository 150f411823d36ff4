from .boundary_synthesis_dataset import BoundarySynthesisDataset
from .localization_data_sample import LocalizationDataSample
from .precomputed_feature_dataset import PrecomputedFeatureDataset
from .pseudo_action_dataset import PseudoActionDataset
from .samplers import *  # noqa: F401,F403
from .transforms import *  # noqa: F401,F403
from .trimmed_video_dataset import TrimmedVideoDataset
from .untrimmed_video_dataset import UntrimmedVideoDataset

__all__ = [
    'BoundarySynthesisDataset', 'LocalizationDataSample',
    'PrecomputedFeatureDataset',
    'PseudoActionDataset', 'TrimmedVideoDataset', 'UntrimmedVideoDataset'
]
