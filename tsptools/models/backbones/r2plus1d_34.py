from typing import Optional, Union

from tsptools.registry import MODELS
from .video_resnet import VideoResNet


@MODELS.register_module()
class R2Plus1D34(VideoResNet):
    """R(2+1)D-34 as TSP's ``models/backbone.py`` builds it (``r2plus1d_34``,
    the layout of the IG65M -> Kinetics weights), without ``avgpool`` and
    ``fc``.

    torchvision's ``VideoResNet`` classes with layers [3, 4, 6, 3],
    ``R2Plus1dStem`` (3 -> 45 -> 64, no max-pool), 1x1x1 conv + BN
    downsample, and TSP's own ``Conv2Plus1D``, which ignores the block's mid
    channels and recomputes them per conv: ``layer2.0.conv2`` has 288 mid
    channels, not torchvision's 230. Every BN has eps 1e-3 and momentum 0.9,
    as TSP sets them (PyTorch convention: running statistics take 0.9 of
    each new batch; the official comment calls it "Caffe2 momentum", whose
    0.9 would be PyTorch's 0.1, but 0.9 is what the official code trains
    with).

    Keys: ``stem.{0,1,3,4}.*``, ``layerL.B.conv{1,2}.0.{0,1,3}.*`` (the
    (2+1)D conv), ``layerL.B.conv{1,2}.1.*`` (BN),
    ``layer{2,3,4}.0.downsample.{0,1}.*``; the IG65M -> Kinetics state_dict
    without ``fc.*``, and a released TSP checkpoint's ``features.*`` with the
    prefix stripped, load with ``strict=True``. 63,491,975 parameters.

    Args:
        bn_eps (float, optional): None: 1e-3.
        bn_momentum (float, optional): None: 0.9 (PyTorch convention).
        frozen_stages, norm_eval, init_cfg: see :class:`VideoResNet`.
    """

    def __init__(self,
                 bn_eps: Optional[float] = None,
                 bn_momentum: Optional[float] = None,
                 frozen_stages: int = -1,
                 norm_eval: bool = False,
                 init_cfg: Optional[Union[dict, list]] = None) -> None:
        super().__init__(
            layers=(3, 4, 6, 3),
            conv_type='2plus1d_tsp',
            stem='r2plus1d',
            bn_eps=1e-3 if bn_eps is None else bn_eps,
            bn_momentum=0.9 if bn_momentum is None else bn_momentum,
            frozen_stages=frozen_stages,
            norm_eval=norm_eval,
            init_cfg=init_cfg)
