from typing import Dict, List, Optional

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.model import BaseModule
from mmengine.structures import BaseDataElement

from tsptools.registry import MODELS
from ..utils import masked_accuracy, stack_field


@MODELS.register_module()
class TSPHead(BaseModule):
    """The two heads of Temporally-Sensitive Pretraining (TSP, Eq. 1).

    - action head ``fc_action``: ``F -> num_classes`` on the local clip
      feature, trained on foreground clips only (``action_label == -1`` for
      background clips is ignored);
    - temporal-region head ``fc_region``: ``2F -> num_regions`` on the
      concatenation of the local feature and the sample's global video
      feature ``gvf`` (``F -> num_regions`` when ``with_gvf=False``, the
      "TSP w/o GVF" variant). Samples whose ``region_label`` is -1 (e.g.
      BSP samples trained jointly through :class:`MultiTaskHead`) are
      ignored.

    Loss: ``alpha_action * CE(action) + alpha_region * CE(region)``, logged as
    ``loss_action`` and ``loss_region`` with ``acc_action`` and
    ``acc_region``. ``predict`` adds ``pred_action`` and ``pred_region``.

    Args:
        num_classes (int, optional): action classes; ``None`` removes the
            action head ("TSP w/o action head").
        in_channels (int): clip feature dimension F.
        num_regions (int): temporal-region classes. Defaults to 2 (the
            official mapping ``["Action", "No action"]``).
        with_gvf (bool): condition the region head on the GVF. Defaults to
            True.
        alpha_action (float): weight of the action loss. Defaults to 1.
        alpha_region (float): weight of the region loss. Defaults to 1.
        dropout_ratio (float): dropout on the features. Defaults to 0.
        init_std (float): std of the normal init of the weights (bias 0),
            0.01 as in the official code.
    """

    def __init__(self,
                 num_classes: Optional[int],
                 in_channels: int,
                 num_regions: int = 2,
                 with_gvf: bool = True,
                 alpha_action: float = 1.0,
                 alpha_region: float = 1.0,
                 dropout_ratio: float = 0.0,
                 init_std: float = 0.01) -> None:
        super().__init__(init_cfg=dict(
            type='Normal', layer='Linear', std=init_std, bias=0))
        self.with_gvf = with_gvf
        self.alpha_action = alpha_action
        self.alpha_region = alpha_region
        self.dropout = nn.Dropout(dropout_ratio)
        self.fc_action = nn.Linear(in_channels, num_classes) \
            if num_classes else None
        region_in = 2 * in_channels if with_gvf else in_channels
        self.fc_region = nn.Linear(region_in, num_regions)

    def forward(self, feats: torch.Tensor,
                gvf: Optional[torch.Tensor] = None) -> Dict[str, torch.Tensor]:
        """Logits of each head: ``dict(action=..., region=...)``."""
        feats = self.dropout(feats)
        logits = {}
        if self.fc_action is not None:
            logits['action'] = self.fc_action(feats)
        if self.with_gvf:
            if gvf is None:
                raise ValueError('TSPHead(with_gvf=True) needs the samples\' '
                                 '"gvf" (set gvf_file in the dataset and '
                                 'pack "gvf" in PackPretextInputs)')
            feats = torch.cat([feats, gvf.to(feats.dtype)], dim=1)
        logits['region'] = self.fc_region(feats)
        return logits

    def _logits(self, feats, data_samples):
        gvf = stack_field(data_samples, 'gvf', feats.device) \
            if self.with_gvf else None
        return self(feats, gvf)

    def loss(self, feats: torch.Tensor,
             data_samples: List[BaseDataElement]) -> Dict[str, torch.Tensor]:
        logits = self._logits(feats, data_samples)
        losses = {}
        region = stack_field(data_samples, 'region_label',
                             feats.device).long().view(-1)
        # region_label -1: a sample without a temporal region (e.g. a BSP
        # sample in a multi-task batch, see MultiTaskHead) is ignored.
        if (region != -1).any():
            loss = F.cross_entropy(logits['region'], region, ignore_index=-1)
        else:
            loss = logits['region'].sum() * 0.
        losses['loss_region'] = self.alpha_region * loss
        losses['acc_region'] = masked_accuracy(logits['region'].detach(),
                                               region)
        if 'action' in logits:
            action = stack_field(data_samples, 'action_label',
                                 feats.device).long().view(-1)
            if (action != -1).any():
                loss = F.cross_entropy(
                    logits['action'], action, ignore_index=-1)
            else:
                loss = logits['action'].sum() * 0.
            losses['loss_action'] = self.alpha_action * loss
            losses['acc_action'] = masked_accuracy(
                logits['action'].detach(), action)
        return losses

    def predict(self, feats: torch.Tensor,
                data_samples: List[BaseDataElement]) -> List[BaseDataElement]:
        logits = self._logits(feats, data_samples)
        for name, value in logits.items():
            scores = value.softmax(-1)
            for sample, score in zip(data_samples, scores):
                sample.set_field(score, f'pred_{name}')
        return data_samples
