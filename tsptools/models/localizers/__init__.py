from .feature_pyramid_localizer import FeaturePyramidLocalizer
from .soft_nms import soft_nms_1d

__all__ = ['FeaturePyramidLocalizer', 'soft_nms_1d']
