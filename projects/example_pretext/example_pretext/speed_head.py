from typing import Optional

from tsptools.models import ClipClsHead
from tsptools.registry import MODELS


@MODELS.register_module()
class SpeedClassificationHead(ClipClsHead):
    """Classify the playback speed of a clip (a SpeedNet-style pretext
    task, the speed baseline BSP compares with).

    One task ``speed`` of :class:`tsptools.models.ClipClsHead`: the
    linear layer ``fc_speed``, ``in_channels -> num_classes``, on the pooled
    clip feature, trained with cross-entropy on the samples' ``speed_label``
    (set by :class:`SampleSpeedClip`; -1 is ignored). The base head logs
    ``loss_speed`` and ``acc_speed`` and its ``predict`` adds ``pred_speed``
    (softmax scores), which ``ClipAccuracy(tasks=('speed', ))`` scores.

    Args:
        num_classes (int): number of playback speeds.
        in_channels (int): clip feature dimension.
        loss_weight (float): weight of the loss. Defaults to 1.
        dropout_ratio (float): dropout on the features. Defaults to 0.
        init_std (float): std of the normal init of the weights (bias 0).
            Defaults to 0.01.
        loss_cls (dict, optional): the loss; ``None``: cross-entropy.
    """

    def __init__(self,
                 num_classes: int,
                 in_channels: int,
                 loss_weight: float = 1.0,
                 dropout_ratio: float = 0.0,
                 init_std: float = 0.01,
                 loss_cls: Optional[dict] = None) -> None:
        super().__init__(
            loss_cls=loss_cls, dropout_ratio=dropout_ratio, init_std=init_std)
        self.add_task('speed', in_channels, num_classes, loss_weight)
