from typing import List, Optional

import torch
from mmengine.structures import BaseDataElement

from tsptools.registry import MODELS
from .clip_cls_head import ClipClsHead


@MODELS.register_module()
class BSPHead(ClipClsHead):
    """Boundary-type classification head of BSP (Xu et al., 2021,
    Sec. 3.3, "pre-training by classification", the default).

    One linear layer ``F -> num_classes`` on the clip feature predicts
    :math:`\\mathbf{p} = (p_0, ..., p_{K-1})`, trained with cross-entropy
    against ``boundary_label``: 4-way over ``S = {S_dc, S_sc, S_ds, S_ss}``
    (labels 0..3, the order of :class:`BoundarySynthesisDataset`'s default
    synthesizers), or 2-way for the binary subsets of Table 4 (labels = the
    positions of the dataset's two synthesizers). Samples whose
    ``boundary_label`` is -1 (not synthesized, e.g. TSP clips trained
    jointly through :class:`MultiTaskHead`) are ignored; a label of
    ``num_classes`` or more is an error.

    Logged: ``loss_boundary`` and ``acc_boundary``; ``predict`` adds
    ``pred_boundary`` (class scores), which ``ClipAccuracy(tasks=
    ('boundary', ))`` compares with ``boundary_label`` (see
    :class:`ClipClsHead`).

    Args:
        in_channels (int): feature dimension F.
        num_classes (int): boundary classes. Defaults to 4.
        loss_weight (float): multiplier of the loss. Defaults to 1.
        dropout_ratio (float): dropout before the classifier. Defaults to 0.
        init_std (float): std of the normal init of the weights (bias 0).
            Defaults to 0.01.
        loss_cls (dict, optional): the loss; ``None``: cross-entropy
            (``mmaction.CrossEntropyLoss``).
    """

    def __init__(self,
                 in_channels: int,
                 num_classes: int = 4,
                 loss_weight: float = 1.0,
                 dropout_ratio: float = 0.0,
                 init_std: float = 0.01,
                 loss_cls: Optional[dict] = None) -> None:
        if num_classes < 2:
            raise ValueError(f'num_classes must be >= 2, got {num_classes}')
        super().__init__(
            loss_cls=loss_cls, dropout_ratio=dropout_ratio, init_std=init_std)
        self.add_task('boundary', in_channels, num_classes, loss_weight)

    def task_labels(self, task: str, data_samples: List[BaseDataElement],
                    device: torch.device) -> torch.Tensor:
        labels = super().task_labels(task, data_samples, device)
        num_classes = self.fc_boundary.out_features
        if (labels >= num_classes).any():
            raise ValueError(
                f'BSPHead(num_classes={num_classes}) got boundary labels '
                f'{sorted(set(labels.tolist()))}: match num_classes to the '
                'dataset\'s synthesizers')
        return labels
