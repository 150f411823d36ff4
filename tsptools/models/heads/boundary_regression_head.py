from typing import Dict, List, Optional

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.model import BaseModule
from mmengine.structures import BaseDataElement

from tsptools.registry import MODELS
from ..utils import masked_accuracy, stack_field


def gaussian_heatmap(change_points: torch.Tensor, num_frames: int,
                     sigma2: float) -> torch.Tensor:
    """BSP's regression target (Sec. 3.3):
    ``y_t = exp(-(t - mu)^2 / (2 sigma2))`` for ``t`` in ``0 .. L-1``.

    Args:
        change_points: ``N`` change points mu (0-based frame indices; a
            negative value means "no boundary" and gives an all-zero row).
        num_frames: ``L``.
        sigma2: the variance; the paper's ``exp[-(t - mu)^2 / 2 tau]`` is
            ``sigma2 = tau``.

    Returns:
        ``N x L`` float tensor.
    """
    mu = change_points.float().view(-1, 1)
    t = torch.arange(num_frames, device=mu.device, dtype=torch.float32)
    heat = torch.exp(-(t - mu)**2 / (2.0 * sigma2))
    return heat * (mu >= 0).float()


@MODELS.register_module()
class BoundaryRegressionHead(BaseModule):
    """Change-point regression head of BSP (Xu et al., 2021, Sec. 3.3,
    "pre-training by regression").

    The change point mu of a synthesized clip of ``L = 2 tau`` frames is
    turned into the 1D Gaussian heatmap ``y_t = exp(-(t - mu)^2 / 2 tau)``,
    ``t = 1 .. L`` (here 0-based, as mu). A linear layer maps the pooled clip
    feature to ``r = (r_1, ..., r_L)``, one value per frame, and the loss is
    the smooth L1 norm of ``y - r`` (mean over frames and samples).

    Choices the paper leaves open (``docs/en/user_guides/bsp.md``):

    - ``L`` is the clip length ``2 tau`` (the paper's "video with length
      L"), ``sigma2 = tau = L / 2`` by default (the formula's ``2 tau``);
    - ``r`` comes from the pooled clip feature (``F -> L``), the interface
      of every tsptools head: the backbones downsample time (R(2+1)D by 8),
      so a per-frame map would need upsampling; the linear layer is free to
      decode position from the pooled feature;
    - a clip without boundary (same-speed, ``change_point == -1``) has an
      all-zero target; samples whose ``boundary_label`` is -1 (not
      synthesized) are ignored;
    - smooth L1 with ``beta`` (1 by default, PyTorch's), no output
      activation.

    Logged: ``loss_change_point`` and ``acc_change_point`` (argmax of ``r``
    equals mu, over clips with a boundary). ``predict`` adds
    ``pred_change_point`` (the ``L`` values r), which
    ``ClipAccuracy(tasks=('change_point', ))`` compares with
    ``change_point_label`` (written by :class:`SynthesizeBoundary`).

    Args:
        in_channels (int): feature dimension F.
        num_frames (int): ``L = 2 tau``, frames of the synthesized clips.
        sigma2 (float, optional): variance of the target; ``None`` gives
            ``num_frames / 2`` (= tau, the paper's).
        beta (float): smooth L1 threshold. Defaults to 1.
        loss_weight (float): multiplier of the loss. Defaults to 1.
        dropout_ratio (float): dropout before the regressor. Defaults to 0.
        init_std (float): std of the normal init of the weights (bias 0).
            Defaults to 0.01.
    """

    def __init__(self,
                 in_channels: int,
                 num_frames: int,
                 sigma2: Optional[float] = None,
                 beta: float = 1.0,
                 loss_weight: float = 1.0,
                 dropout_ratio: float = 0.0,
                 init_std: float = 0.01) -> None:
        super().__init__(init_cfg=dict(
            type='Normal', layer='Linear', std=init_std, bias=0))
        if num_frames < 2:
            raise ValueError(f'num_frames must be >= 2, got {num_frames}')
        self.num_frames = int(num_frames)
        self.sigma2 = float(num_frames / 2 if sigma2 is None else sigma2)
        if self.sigma2 <= 0:
            raise ValueError(f'sigma2 must be > 0, got {sigma2}')
        self.beta = beta
        self.loss_weight = loss_weight
        self.dropout = nn.Dropout(dropout_ratio)
        self.fc_change_point = nn.Linear(in_channels, self.num_frames)

    def forward(self, feats: torch.Tensor) -> torch.Tensor:
        return self.fc_change_point(self.dropout(feats))

    def targets(self, data_samples: List[BaseDataElement],
                device: torch.device) -> torch.Tensor:
        """``N x L`` Gaussian heatmaps of the samples' ``change_point``."""
        points = stack_field(data_samples, 'change_point', device).view(-1)
        if (points >= self.num_frames).any():
            raise ValueError(f'change points {points.tolist()} outside a '
                             f'clip of num_frames={self.num_frames}')
        return gaussian_heatmap(points, self.num_frames, self.sigma2)

    def loss(self, feats: torch.Tensor,
             data_samples: List[BaseDataElement]) -> Dict[str, torch.Tensor]:
        pred = self(feats)
        valid = stack_field(data_samples, 'boundary_label',
                            feats.device).view(-1) != -1
        points = stack_field(data_samples, 'change_point',
                             feats.device).long().view(-1)
        if valid.any():
            target = self.targets(data_samples, feats.device)
            loss = F.smooth_l1_loss(
                pred[valid], target[valid], beta=self.beta)
        else:
            loss = pred.sum() * 0.
        labels = torch.where(valid, points, torch.full_like(points, -1))
        return dict(
            loss_change_point=self.loss_weight * loss,
            acc_change_point=masked_accuracy(pred.detach(), labels))

    def predict(self, feats: torch.Tensor,
                data_samples: List[BaseDataElement]) -> List[BaseDataElement]:
        pred = self(feats)
        for sample, value in zip(data_samples, pred):
            sample.set_field(value, 'pred_change_point')
        return data_samples
