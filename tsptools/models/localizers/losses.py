"""Losses of :class:`FeaturePyramidLocalizer`: sigmoid focal loss for the
per-step class scores and the 1-D distance-IoU loss for the (start, end)
distances (as ActionFormer uses them)."""
import torch
import torch.nn.functional as F


def sigmoid_focal_loss(logits: torch.Tensor,
                       targets: torch.Tensor,
                       alpha: float = 0.25,
                       gamma: float = 2.0) -> torch.Tensor:
    """Element-wise focal loss (Lin et al., 2017) on sigmoid outputs.

    ``-a_t (1 - p_t)^gamma log(p_t)``, ``a_t = alpha`` for positives and
    ``1 - alpha`` for negatives; ``alpha < 0`` gives no class weighting and
    ``gamma = 0`` gives binary cross-entropy.
    """
    prob = logits.sigmoid()
    ce = F.binary_cross_entropy_with_logits(
        logits, targets, reduction='none')
    p_t = prob * targets + (1 - prob) * (1 - targets)
    loss = ce * (1 - p_t)**gamma
    if alpha >= 0:
        loss = loss * (alpha * targets + (1 - alpha) * (1 - targets))
    return loss


def diou_loss_1d(pred: torch.Tensor,
                 target: torch.Tensor,
                 eps: float = 1e-8) -> torch.Tensor:
    """Distance-IoU loss of segments given as distances from one point.

    Args:
        pred, target: ``N x 2`` non-negative (distance to start, distance to
            end) from the same time step.

    Returns:
        ``N`` losses ``1 - IoU + d^2 / c^2``: ``d`` the distance between the
        two centres, ``c`` the length of the smallest segment enclosing
        both.
    """
    lp, rp = pred[:, 0], pred[:, 1]
    lg, rg = target[:, 0], target[:, 1]
    inter = torch.min(lp, lg) + torch.min(rp, rg)
    union = (lp + rp) + (lg + rg) - inter
    iou = inter / union.clamp(min=eps)
    enclosing = torch.max(lp, lg) + torch.max(rp, rg)
    centre_dist = 0.5 * (rp - lp - rg + lg)
    return 1 - iou + centre_dist**2 / enclosing.clamp(min=eps)**2
