from typing import Dict, List, Optional, Sequence

import numpy as np
from mmengine.evaluator import BaseMetric

from tsptools.registry import METRICS


@METRICS.register_module()
class ContrastiveAccuracy(BaseMetric):
    """Contrastive accuracy and loss of a queue-based contrastive pretrainer
    (:class:`PALPretrainer` in ``'predict'`` mode).

    Each data sample carries ``acc_contrast`` (1 if its positive logit is the
    largest of the ``1 + K``), ``loss_contrast`` (its InfoNCE loss) and
    ``num_negatives`` (``K``). Reports their means: ``acc_contrast``,
    ``loss_contrast`` (the validation loss that PAL's learning-rate schedule
    monitors) and ``chance_contrast`` (mean of ``1 / (1 + K)``, the accuracy
    of a random ranking).

    Args:
        collect_device (str): ``'cpu'`` or ``'gpu'``.
        prefix (str, optional): prefix of the metric names.
    """

    default_prefix = ''

    def __init__(self,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)

    def process(self, data_batch, data_samples: Sequence[dict]) -> None:
        for sample in data_samples:
            values = [sample.get(k) for k in ('acc_contrast', 'loss_contrast',
                                              'num_negatives')]
            if any(v is None for v in values):
                raise KeyError('ContrastiveAccuracy: a sample lacks '
                               '"acc_contrast", "loss_contrast" or '
                               '"num_negatives" (use PALPretrainer)')
            acc, loss, k = (float(v) for v in values)
            self.results.append((acc, loss, 1.0 / (1.0 + k)))

    def compute_metrics(self, results: List[tuple]) -> Dict[str, float]:
        values = np.asarray(results, dtype=np.float64).reshape(-1, 3)
        if not len(values):
            return dict(acc_contrast=0.0, loss_contrast=0.0,
                        chance_contrast=0.0)
        acc, loss, chance = values.mean(0)
        return dict(
            acc_contrast=float(acc),
            loss_contrast=float(loss),
            chance_contrast=float(chance))
