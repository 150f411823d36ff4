from .r2plus1d_18 import R2Plus1D18
from .r2plus1d_34 import R2Plus1D34
from .r3d_18 import R3D18
from .video_resnet import VideoResNet

__all__ = ['R2Plus1D18', 'R2Plus1D34', 'R3D18', 'VideoResNet']
