from typing import Dict, List, Optional

import torch
from mmengine.structures import BaseDataElement

from tsptools.registry import MODELS
from ..utils import stack_field
from .clip_cls_head import ClipClsHead


@MODELS.register_module()
class TSPHead(ClipClsHead):
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
    ``loss_region`` and ``loss_action`` with ``acc_region`` and
    ``acc_action``. ``predict`` adds ``pred_action`` and ``pred_region`` (see
    :class:`ClipClsHead`).

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
        loss_cls (dict, optional): the loss of both heads; ``None``:
            cross-entropy (``mmaction.CrossEntropyLoss``).
    """

    def __init__(self,
                 num_classes: Optional[int],
                 in_channels: int,
                 num_regions: int = 2,
                 with_gvf: bool = True,
                 alpha_action: float = 1.0,
                 alpha_region: float = 1.0,
                 dropout_ratio: float = 0.0,
                 init_std: float = 0.01,
                 loss_cls: Optional[dict] = None) -> None:
        super().__init__(
            loss_cls=loss_cls, dropout_ratio=dropout_ratio, init_std=init_std)
        self.with_gvf = with_gvf
        self.fc_action = None
        if num_classes:
            self.add_task('action', in_channels, num_classes, alpha_action)
        region_in = 2 * in_channels if with_gvf else in_channels
        self.add_task('region', region_in, num_regions, alpha_region)

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

    def task_logits(self, feats: torch.Tensor,
                    data_samples: List[BaseDataElement]
                    ) -> Dict[str, torch.Tensor]:
        """The logits of :meth:`forward` on the samples' ``gvf``, the region
        first (the order of the logged losses)."""
        gvf = stack_field(data_samples, 'gvf', feats.device) \
            if self.with_gvf else None
        logits = self(feats, gvf)
        return {task: logits[task] for task in ('region', 'action')
                if task in logits}
