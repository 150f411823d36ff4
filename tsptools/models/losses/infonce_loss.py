import torch
import torch.nn as nn
import torch.nn.functional as F

from tsptools.registry import MODELS


@MODELS.register_module()
class InfoNCELoss(nn.Module):
    """InfoNCE (PAL's Eq. 7, MoCo's loss) of queries against one positive
    key each and a shared set of negative keys.

    .. math::
        \\mathcal{L} = -\\log \\frac{\\exp(q \\cdot k_+ / \\tau)}
        {\\exp(q \\cdot k_+ / \\tau)
         + \\sum_{i=1}^K \\exp(q \\cdot k_i / \\tau)}

    i.e. the cross-entropy of the logits ``[q.k+, q.k_1, ..., q.k_K] / tau``
    with target 0, averaged over the queries. The vectors are used as given
    (PAL L2-normalises them before, so the products are cosines).

    Args:
        temperature (float): :math:`\\tau`. Defaults to 0.07 (the paper's).
        loss_weight (float): multiplier of the loss. Defaults to 1.
    """

    def __init__(self, temperature: float = 0.07,
                 loss_weight: float = 1.0) -> None:
        super().__init__()
        if temperature <= 0:
            raise ValueError('temperature must be > 0')
        self.temperature = float(temperature)
        self.loss_weight = float(loss_weight)

    def logits(self, query: torch.Tensor, positive: torch.Tensor,
               negatives: torch.Tensor) -> torch.Tensor:
        """``N x (1 + K)`` logits, the positive first.

        Args:
            query: ``N x D``; positive: ``N x D``; negatives: ``K x D``.
        """
        l_pos = (query * positive).sum(-1, keepdim=True)
        l_neg = query @ negatives.t()
        return torch.cat([l_pos, l_neg], dim=1) / self.temperature

    def forward(self,
                query: torch.Tensor,
                positive: torch.Tensor,
                negatives: torch.Tensor,
                reduction: str = 'mean') -> torch.Tensor:
        """The loss (``reduction='none'``: one value per query)."""
        logits = self.logits(query, positive, negatives)
        target = logits.new_zeros(logits.shape[0], dtype=torch.long)
        return self.loss_weight * F.cross_entropy(
            logits, target, reduction=reduction)

    @staticmethod
    def positive_first(logits: torch.Tensor) -> torch.Tensor:
        """1 for each query whose positive logit is strictly the largest of
        its ``1 + K`` (contrastive accuracy), else 0."""
        return (logits[:, 0] > logits[:, 1:].max(dim=1).values).float() \
            if logits.shape[1] > 1 else logits.new_ones(logits.shape[0])

    def extra_repr(self) -> str:
        return (f'temperature={self.temperature}, '
                f'loss_weight={self.loss_weight}')
