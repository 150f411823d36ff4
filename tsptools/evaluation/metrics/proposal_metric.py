from typing import Dict, List, Optional, Sequence

import numpy as np
from mmengine.evaluator import BaseMetric

from tsptools.evaluation.functional import (ACTIVITYNET_TIOU_THRESHOLDS,
                                            average_recall_vs_num_proposals)
from tsptools.registry import METRICS
from .detection_metric import concatenate_results, unpack_localization_sample


@METRICS.register_module()
class ProposalAR(BaseMetric):
    """Proposal AR@AN and AUC, ActivityNet protocol.

    Wraps :func:`tsptools.evaluation.functional.
    average_recall_vs_num_proposals`. Each data sample is one whole video
    with its ground truth and its proposals (``pred_labels`` not needed);
    ``process`` keeps both, so gathering from several processes is correct.
    Reports ``AR@k`` for k in ``ar_at`` (k <= ``max_avg_proposals``) and
    ``AUC``, as fractions (the official script prints 100 x AUC).

    Args:
        max_avg_proposals (int): AN at the end of the AR-AN curve.
        tiou_thresholds (Sequence[float], optional): defaults to
            0.5:0.05:0.95.
        ar_at (Sequence[int]): AN values to report AR at.
        segments_key (str): the field holding the proposals (a localizer's
            class-agnostic ``proposal_segments``, or ``pred_segments``).
        scores_key (str): the field holding their scores.
        collect_device (str): ``'cpu'`` or ``'gpu'``.
        prefix (str, optional): prefix of the metric names.
    """

    default_prefix: Optional[str] = None

    def __init__(self,
                 max_avg_proposals: int = 100,
                 tiou_thresholds: Optional[Sequence[float]] = None,
                 ar_at: Sequence[int] = (1, 5, 10, 100),
                 segments_key: str = 'pred_segments',
                 scores_key: str = 'pred_scores',
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.max_avg_proposals = max_avg_proposals
        self.tiou_thresholds = (ACTIVITYNET_TIOU_THRESHOLDS
                                if tiou_thresholds is None else
                                np.asarray(tiou_thresholds, dtype=np.float64))
        self.ar_at = tuple(ar_at)
        self.segments_key = segments_key
        self.scores_key = scores_key

    def process(self, data_batch, data_samples: Sequence) -> None:
        for sample in data_samples:
            if hasattr(sample, 'to_dict'):
                sample = sample.to_dict()
            missing = [k for k in (self.segments_key, self.scores_key)
                       if k not in sample]
            if missing:
                raise KeyError(f'ProposalAR: a data sample lacks {missing}')
            sample = dict(sample, pred_segments=sample[self.segments_key],
                          pred_scores=sample[self.scores_key])
            self.results.append(
                unpack_localization_sample(sample, with_labels=False))

    def compute_metrics(self, results: List[dict]) -> Dict[str, float]:
        arrays = concatenate_results(results, with_labels=False)
        res = average_recall_vs_num_proposals(
            arrays['gt_videos'],
            arrays['gt_segments'],
            arrays['pred_videos'],
            arrays['pred_segments'],
            arrays['pred_scores'],
            max_avg_proposals=self.max_avg_proposals,
            tiou_thresholds=self.tiou_thresholds,
            ar_at=self.ar_at)
        metrics = {f'AR@{k}': v for k, v in res['ar'].items()}
        metrics['AUC'] = res['auc']
        return metrics
