from typing import Dict, List, Sequence

import torch
import torch.nn as nn
from mmengine.model import BaseModule
from mmengine.structures import BaseDataElement

from tsptools.registry import MODELS


@MODELS.register_module()
class MultiTaskHead(BaseModule):
    """Several pretext heads trained jointly on one backbone.

    Each entry of ``heads`` is a head config with an optional
    ``loss_weight`` (default 1), which is taken out of the config (it is
    *this* head's weight for that head, not passed to it). ``loss`` calls
    every head on the same clip features and merges their dicts: every entry
    whose key contains ``loss`` is multiplied by the head's weight (mmengine
    sums those entries), the others (``acc_*``) are logged as they are. Two
    heads producing the same key is an error.

    Every head reads the sample fields it needs and ignores the samples that
    lack its label (label -1), so a batch may mix datasets, e.g. TSP clips
    (``action_label``, ``region_label``, ``gvf``) and BSP clips
    (``boundary_label``): pack the union of the fields with
    ``PackPretextInputs(defaults=...)`` filling the missing ones with -1
    (zeros for ``gvf``). ``predict`` calls each head in turn (each adds its
    ``pred_*`` fields).

    Examples: BSP two-head (TAC + BSP, Sec. 3.4), TSP + BSP.

    Args:
        heads (Sequence[dict]): head configs, each with an optional
            ``loss_weight``.
    """

    def __init__(self, heads: Sequence[dict], init_cfg=None) -> None:
        super().__init__(init_cfg=init_cfg)
        if not heads:
            raise ValueError('MultiTaskHead needs at least one head')
        self.heads = nn.ModuleList()
        self.loss_weights: List[float] = []
        for cfg in heads:
            cfg = dict(cfg)
            self.loss_weights.append(float(cfg.pop('loss_weight', 1.0)))
            self.heads.append(MODELS.build(cfg))

    def loss(self, feats: torch.Tensor,
             data_samples: List[BaseDataElement]) -> Dict[str, torch.Tensor]:
        losses: Dict[str, torch.Tensor] = {}
        owner: Dict[str, str] = {}
        for k, (head, weight) in enumerate(zip(self.heads,
                                               self.loss_weights)):
            name = f'heads[{k}] ({type(head).__name__})'
            for key, value in head.loss(feats, data_samples).items():
                if key in losses:
                    raise KeyError(f'MultiTaskHead: {name} and {owner[key]} '
                                   f'both output "{key}"')
                losses[key] = value * weight if 'loss' in key else value
                owner[key] = name
        return losses

    def predict(self, feats: torch.Tensor,
                data_samples: List[BaseDataElement]) -> List[BaseDataElement]:
        for head in self.heads:
            data_samples = head.predict(feats, data_samples)
        return data_samples
