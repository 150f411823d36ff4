from typing import Dict, List

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.model import BaseModule
from mmengine.structures import BaseDataElement

from tsptools.models.utils import masked_accuracy, stack_field
from tsptools.registry import MODELS


@MODELS.register_module()
class SpeedClassificationHead(BaseModule):
    """Classify the playback speed of a clip (a SpeedNet-style pretext
    task, the speed baseline BSP compares with).

    One linear layer ``fc_speed``: ``in_channels -> num_classes`` on the
    pooled clip feature, trained with cross-entropy on the samples'
    ``speed_label`` (set by :class:`SampleSpeedClip`; -1 is ignored). Logged
    as ``loss_speed`` and ``acc_speed``; ``predict`` adds ``pred_speed``
    (softmax scores), which ``ClipAccuracy(tasks=('speed', ))`` scores.

    Args:
        num_classes (int): number of playback speeds.
        in_channels (int): clip feature dimension.
        loss_weight (float): weight of the loss. Defaults to 1.
        dropout_ratio (float): dropout on the features. Defaults to 0.
        init_std (float): std of the normal init of the weights (bias 0).
            Defaults to 0.01.
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
        self.fc_speed = nn.Linear(in_channels, num_classes)

    def forward(self, feats: torch.Tensor) -> torch.Tensor:
        """Speed logits ``N x num_classes``."""
        return self.fc_speed(self.dropout(feats))

    def loss(self, feats: torch.Tensor,
             data_samples: List[BaseDataElement]) -> Dict[str, torch.Tensor]:
        logits = self(feats)
        labels = stack_field(data_samples, 'speed_label',
                             feats.device).long().view(-1)
        if (labels != -1).any():
            loss = F.cross_entropy(logits, labels, ignore_index=-1)
        else:
            loss = logits.sum() * 0.
        return dict(
            loss_speed=self.loss_weight * loss,
            acc_speed=masked_accuracy(logits.detach(), labels))

    def predict(self, feats: torch.Tensor,
                data_samples: List[BaseDataElement]) -> List[BaseDataElement]:
        scores = self(feats).softmax(-1)
        for sample, score in zip(data_samples, scores):
            sample.set_field(score, 'pred_speed')
        return data_samples
