from .balanced_segment_sampler import BalancedSegmentSampler

__all__ = ['BalancedSegmentSampler']
