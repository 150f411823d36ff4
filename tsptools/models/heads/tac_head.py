from typing import Dict, List

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.model import BaseModule
from mmengine.structures import BaseDataElement

from tsptools.registry import MODELS
from ..utils import masked_accuracy, stack_field


@MODELS.register_module()
class TACHead(BaseModule):
    """Trimmed action classification head: one linear layer ``F -> C``.

    The supervised baseline of the TSP and BSP papers (TAC pretraining), and
    "TAC on the target dataset" when trained on foreground clips of untrimmed
    videos. Samples whose ``action_label`` is -1 are ignored.

    Logged: ``loss_action`` and ``acc_action``; ``predict`` adds
    ``pred_action`` (class scores) to each data sample.

    Args:
        num_classes (int): number of action classes.
        in_channels (int): feature dimension F.
        loss_weight (float): multiplier of the cross-entropy. Defaults to 1.
        dropout_ratio (float): dropout before the classifier. Defaults to 0.
        init_std (float): std of the normal init of the weights (bias 0),
            0.01 as in the official TSP code.
    """

    def __init__(self,
                 num_classes: int,
                 in_channels: int,
                 loss_weight: float = 1.0,
                 dropout_ratio: float = 0.0,
                 init_std: float = 0.01) -> None:
        super().__init__(init_cfg=dict(
            type='Normal', layer='Linear', std=init_std, bias=0))
        self.loss_weight = loss_weight
        self.dropout = nn.Dropout(dropout_ratio)
        self.fc_action = nn.Linear(in_channels, num_classes)

    def forward(self, feats: torch.Tensor) -> torch.Tensor:
        return self.fc_action(self.dropout(feats))

    def loss(self, feats: torch.Tensor,
             data_samples: List[BaseDataElement]) -> Dict[str, torch.Tensor]:
        logits = self(feats)
        labels = stack_field(data_samples, 'action_label', feats.device)
        labels = labels.long().view(-1)
        if (labels != -1).any():
            loss = F.cross_entropy(logits, labels, ignore_index=-1)
        else:
            loss = logits.sum() * 0.
        return dict(
            loss_action=self.loss_weight * loss,
            acc_action=masked_accuracy(logits.detach(), labels))

    def predict(self, feats: torch.Tensor,
                data_samples: List[BaseDataElement]) -> List[BaseDataElement]:
        scores = self(feats).softmax(-1)
        for sample, score in zip(data_samples, scores):
            sample.set_field(score, 'pred_action')
        return data_samples
