from .balanced_segment_sampler import BalancedSegmentSampler
from .epoch_length_sampler import EpochLengthSampler

__all__ = ['BalancedSegmentSampler', 'EpochLengthSampler']
