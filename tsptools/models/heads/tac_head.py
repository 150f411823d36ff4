from typing import Optional

from tsptools.registry import MODELS
from .clip_cls_head import ClipClsHead


@MODELS.register_module()
class TACHead(ClipClsHead):
    """Trimmed action classification head: one linear layer ``F -> C``.

    The supervised baseline of the TSP and BSP papers (TAC pretraining), and
    "TAC on the target dataset" when trained on foreground clips of untrimmed
    videos. Samples whose ``action_label`` is -1 are ignored.

    Logged: ``loss_action`` and ``acc_action``; ``predict`` adds
    ``pred_action`` (class scores) to each data sample (see
    :class:`ClipClsHead`).

    Args:
        num_classes (int): number of action classes.
        in_channels (int): feature dimension F.
        loss_weight (float): multiplier of the loss. Defaults to 1.
        dropout_ratio (float): dropout before the classifier. Defaults to 0.
        init_std (float): std of the normal init of the weights (bias 0),
            0.01 as in the official TSP code.
        loss_cls (dict, optional): the loss; ``None``: cross-entropy
            (``mmaction.CrossEntropyLoss``).
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
        self.add_task('action', in_channels, num_classes, loss_weight)
