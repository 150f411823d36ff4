from typing import Dict, List

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.model import BaseModule
from mmengine.structures import BaseDataElement

from tsptools.registry import MODELS
from ..utils import masked_accuracy, stack_field


@MODELS.register_module()
class BSPHead(BaseModule):
    """Boundary-type classification head of BSP (Xu et al., 2021,
    Sec. 3.3, "pre-training by classification", the default).

    One linear layer ``F -> num_classes`` on the clip feature predicts
    :math:`\\mathbf{p} = (p_0, ..., p_{K-1})`, trained with cross-entropy
    against ``boundary_label``: 4-way over ``S = {S_dc, S_sc, S_ds, S_ss}``
    (labels 0..3, the order of :class:`BoundarySynthesisDataset`'s default
    synthesizers), or 2-way for the binary subsets of Table 4 (labels = the
    positions of the dataset's two synthesizers). Samples whose
    ``boundary_label`` is -1 (not synthesized, e.g. TSP clips trained
    jointly through :class:`MultiTaskHead`) are ignored.

    Logged: ``loss_boundary`` and ``acc_boundary``; ``predict`` adds
    ``pred_boundary`` (class scores), which ``ClipAccuracy(tasks=
    ('boundary', ))`` compares with ``boundary_label``.

    Args:
        in_channels (int): feature dimension F.
        num_classes (int): boundary classes. Defaults to 4.
        loss_weight (float): multiplier of the cross-entropy. Defaults to 1.
        dropout_ratio (float): dropout before the classifier. Defaults to 0.
        init_std (float): std of the normal init of the weights (bias 0).
            Defaults to 0.01.
    """

    def __init__(self,
                 in_channels: int,
                 num_classes: int = 4,
                 loss_weight: float = 1.0,
                 dropout_ratio: float = 0.0,
                 init_std: float = 0.01) -> None:
        super().__init__(init_cfg=dict(
            type='Normal', layer='Linear', std=init_std, bias=0))
        if num_classes < 2:
            raise ValueError(f'num_classes must be >= 2, got {num_classes}')
        self.loss_weight = loss_weight
        self.dropout = nn.Dropout(dropout_ratio)
        self.fc_boundary = nn.Linear(in_channels, num_classes)

    def forward(self, feats: torch.Tensor) -> torch.Tensor:
        return self.fc_boundary(self.dropout(feats))

    def loss(self, feats: torch.Tensor,
             data_samples: List[BaseDataElement]) -> Dict[str, torch.Tensor]:
        logits = self(feats)
        labels = stack_field(data_samples, 'boundary_label',
                             feats.device).long().view(-1)
        if (labels >= logits.shape[1]).any():
            raise ValueError(
                f'BSPHead(num_classes={logits.shape[1]}) got boundary labels '
                f'{sorted(set(labels.tolist()))}: match num_classes to the '
                'dataset\'s synthesizers')
        if (labels != -1).any():
            loss = F.cross_entropy(logits, labels, ignore_index=-1)
        else:
            loss = logits.sum() * 0.
        return dict(
            loss_boundary=self.loss_weight * loss,
            acc_boundary=masked_accuracy(logits.detach(), labels))

    def predict(self, feats: torch.Tensor,
                data_samples: List[BaseDataElement]) -> List[BaseDataElement]:
        scores = self(feats).softmax(-1)
        for sample, score in zip(data_samples, scores):
            sample.set_field(score, 'pred_boundary')
        return data_samples
