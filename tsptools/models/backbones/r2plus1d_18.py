from typing import Optional, Union

from tsptools.registry import MODELS
from .video_resnet import VideoResNet


@MODELS.register_module()
class R2Plus1D18(VideoResNet):
    """R(2+1)D-18 as torchvision's ``r2plus1d_18`` builds it (the official TSP
    code uses torchvision's model as it is), without ``avgpool`` and ``fc``.

    Layers [2, 2, 2, 2] of :class:`BasicBlock` with torchvision's
    ``Conv2Plus1D`` (mid channels computed once per block, shared by its two
    convs: 230 in ``layer2.0.conv{1,2}``), ``R2Plus1dStem`` (3 -> 45 -> 64, no
    max-pool), 1x1x1 conv + BN downsample. BN eps 1e-5, momentum 0.1
    (torchvision's). 31,300,125 parameters (torchvision's 31,505,325 less the
    400-class ``fc``).

    Keys are torchvision's: ``stem.{0,1,3,4}.*``,
    ``layerL.B.conv{1,2}.0.{0,1,3}.*`` (the (2+1)D conv),
    ``layerL.B.conv{1,2}.1.*`` (BN), ``layer{2,3,4}.0.downsample.{0,1}.*``;
    torchvision's Kinetics-400 state_dict without ``fc.*`` loads with
    ``strict=True``.

    Args:
        bn_eps (float, optional): None: 1e-5.
        bn_momentum (float, optional): None: 0.1 (PyTorch convention).
        frozen_stages, norm_eval, init_cfg: see :class:`VideoResNet`.
    """

    def __init__(self,
                 bn_eps: Optional[float] = None,
                 bn_momentum: Optional[float] = None,
                 frozen_stages: int = -1,
                 norm_eval: bool = False,
                 init_cfg: Optional[Union[dict, list]] = None) -> None:
        super().__init__(
            layers=(2, 2, 2, 2),
            conv_type='2plus1d_torchvision',
            stem='r2plus1d',
            bn_eps=bn_eps,
            bn_momentum=bn_momentum,
            frozen_stages=frozen_stages,
            norm_eval=norm_eval,
            init_cfg=init_cfg)
