from typing import Optional, Union

from tsptools.registry import MODELS
from .video_resnet import VideoResNet


@MODELS.register_module()
class R3D18(VideoResNet):
    """R3D-18 as torchvision's ``r3d_18`` builds it (the official TSP code uses
    torchvision's model as it is), without ``avgpool`` and ``fc``.

    Layers [2, 2, 2, 2] of :class:`BasicBlock` with 3x3x3 convolutions
    (``Conv3DSimple``), ``BasicStem`` (one 3 -> 64 conv, 3x7x7, stride 1x2x2,
    no max-pool), 1x1x1 conv + BN downsample. BN eps 1e-5, momentum 0.1
    (torchvision's). 33,166,272 parameters (torchvision's 33,371,472 less the
    400-class ``fc``).

    Keys are torchvision's: ``stem.{0,1}.*``, ``layerL.B.conv{1,2}.0.weight``
    (the conv), ``layerL.B.conv{1,2}.1.*`` (BN),
    ``layer{2,3,4}.0.downsample.{0,1}.*``; torchvision's Kinetics-400
    state_dict without ``fc.*`` loads with ``strict=True``.

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
            conv_type='3d',
            stem='basic',
            bn_eps=bn_eps,
            bn_momentum=bn_momentum,
            frozen_stages=frozen_stages,
            norm_eval=norm_eval,
            init_cfg=init_cfg)
