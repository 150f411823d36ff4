from typing import Dict, List, Optional, Sequence

import numpy as np
from mmengine.evaluator import BaseMetric

from tsptools.registry import METRICS


@METRICS.register_module()
class ClipAccuracy(BaseMetric):
    """Top-1 clip accuracy of one or more pretext heads.

    For each task ``t`` in ``tasks`` a data sample carries the label
    ``{t}_label`` and the head's scores ``pred_{t}``; samples whose label is
    -1 (e.g. background clips for the action head) are skipped. Reports
    ``acc_{t}`` for every task and ``mean_acc``, their mean, which TSP uses to
    pick the best checkpoint (``save_best='mean_acc'``).

    Args:
        tasks (Sequence[str]): task names. Defaults to ``('action', )``.
        collect_device (str): ``'cpu'`` or ``'gpu'``.
        prefix (str, optional): prefix of the metric names.
    """

    default_prefix = ''

    def __init__(self,
                 tasks: Sequence[str] = ('action', ),
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.tasks = tuple(tasks)

    def process(self, data_batch, data_samples: Sequence[dict]) -> None:
        for sample in data_samples:
            result = {}
            for task in self.tasks:
                label = sample.get(f'{task}_label')
                pred = sample.get(f'pred_{task}')
                if label is None or pred is None:
                    raise KeyError(
                        f'ClipAccuracy: a sample lacks "{task}_label" or '
                        f'"pred_{task}"')
                result[task] = (int(label), int(pred.argmax()))
            self.results.append(result)

    def compute_metrics(self, results: List[dict]) -> Dict[str, float]:
        metrics = {}
        for task in self.tasks:
            pairs = np.array([r[task] for r in results]).reshape(-1, 2)
            pairs = pairs[pairs[:, 0] != -1]
            metrics[f'acc_{task}'] = float(
                (pairs[:, 0] == pairs[:, 1]).mean()) if len(pairs) else 0.0
        metrics['mean_acc'] = float(
            np.mean([metrics[f'acc_{t}'] for t in self.tasks]))
        return metrics
