from typing import Dict, List, Optional, Sequence

import numpy as np
from mmengine.evaluator import BaseMetric

from tsptools.evaluation.functional import (ACTIVITYNET_TIOU_THRESHOLDS,
                                            detection_map, length_breakdown,
                                            length_groups)
from tsptools.registry import METRICS


def _numpy(value, dtype, shape):
    """A tensor / list / array as a numpy array of ``dtype`` and ``shape``."""
    if hasattr(value, 'detach'):
        value = value.detach().cpu().numpy()
    return np.asarray(value, dtype=dtype).reshape(shape)


def unpack_localization_sample(sample, with_labels: bool) -> dict:
    """The fields of a localization data sample (dict or data element).

    Contract: ``video_name`` (str), ``gt_segments`` (K x 2 s),
    ``pred_segments`` (M x 2 s), ``pred_scores`` (M) and, when
    ``with_labels`` (detection), ``gt_labels`` (K ints) and ``pred_labels``
    (M ints); other keys (``duration``, ...) are ignored. Everything needed,
    ground truth included, so that results gathered from several processes
    are complete.
    """
    if hasattr(sample, 'to_dict'):
        sample = sample.to_dict()
    keys = ['video_name', 'gt_segments', 'pred_segments', 'pred_scores']
    keys += ['gt_labels', 'pred_labels'] if with_labels else []
    missing = [k for k in keys if k not in sample]
    if missing:
        raise KeyError(f'a localization data sample lacks {missing}')
    out = dict(
        video_name=str(sample['video_name']),
        gt_segments=_numpy(sample['gt_segments'], np.float64, (-1, 2)),
        pred_segments=_numpy(sample['pred_segments'], np.float64, (-1, 2)),
        pred_scores=_numpy(sample['pred_scores'], np.float64, (-1, )))
    if with_labels:
        out['gt_labels'] = _numpy(sample['gt_labels'], np.int64, (-1, ))
        out['pred_labels'] = _numpy(sample['pred_labels'], np.int64, (-1, ))
    return out


def concatenate_results(results: List[dict], with_labels: bool) -> dict:
    """Instance-level arrays of all videos; a video may appear only once."""
    names = [r['video_name'] for r in results]
    if len(set(names)) != len(names):
        dup = sorted({n for n in names if names.count(n) > 1})[:3]
        raise ValueError(f'videos {dup} appear in several data samples; '
                         'merge their predictions per video first')

    def cat(key, shape):
        parts = [r[key] for r in results]
        return np.concatenate(parts) if parts else np.zeros(shape)

    out = dict(
        gt_videos=np.repeat(names,
                            [len(r['gt_segments']) for r in results]),
        gt_segments=cat('gt_segments', (0, 2)),
        pred_videos=np.repeat(names,
                              [len(r['pred_scores']) for r in results]),
        pred_segments=cat('pred_segments', (0, 2)),
        pred_scores=cat('pred_scores', (0, )))
    if with_labels:
        out['gt_labels'] = cat('gt_labels', (0, )).astype(np.int64)
        out['pred_labels'] = cat('pred_labels', (0, )).astype(np.int64)
    return out


@METRICS.register_module()
class DetectionMAP(BaseMetric):
    """Temporal action detection mAP, ActivityNet protocol.

    Wraps :func:`tsptools.evaluation.functional.detection_map`. Each data
    sample is one whole video with its ground truth and its detections (see
    :func:`unpack_localization_sample`); ``process`` keeps both, so the
    metric is correct when results are gathered from several processes.
    Reports ``mAP@0.50`` ... (one per threshold, two decimals) and
    ``average_mAP``, as fractions; with ``per_class`` also ``AP/<label>``
    (averaged over thresholds; the class name from ``dataset_meta['classes']``
    when the dataset gives one); with ``length_breakdown`` also
    ``average_mAP/XS`` ... ``average_mAP/XL`` (DETAD length groups, or the
    groups of ``length_bins``).

    Args:
        tiou_thresholds (Sequence[float], optional): defaults to ActivityNet's
            0.5:0.05:0.95; THUMOS14 uses (0.3, 0.4, 0.5, 0.6, 0.7).
        per_class (bool): also report every class's AP.
        length_breakdown (bool): also report DETAD's length breakdown.
        length_bins (Sequence[float], optional): increasing group edges in
            seconds for the breakdown, the last one ``None`` for no upper
            limit;
            defaults to DETAD's ActivityNet groups (0, 30, 60, 120, 180,
            inf), which put every instance of short-action data sets in XS.
        length_names (Sequence[str], optional): one name per group of
            ``length_bins``; defaults to XS, S, M, L, XL, ... when there are
            at most 5 groups, else ``'<lo>-<hi>s'``.
        drop_unknown_labels (bool): drop predictions whose label is no
            ground-truth class instead of raising (changes no number).
        collect_device (str): ``'cpu'`` or ``'gpu'``.
        prefix (str, optional): prefix of the metric names.
    """

    default_prefix: Optional[str] = None

    def __init__(self,
                 tiou_thresholds: Optional[Sequence[float]] = None,
                 per_class: bool = False,
                 length_breakdown: bool = False,
                 length_bins: Optional[Sequence[float]] = None,
                 length_names: Optional[Sequence[str]] = None,
                 drop_unknown_labels: bool = False,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.tiou_thresholds = (ACTIVITYNET_TIOU_THRESHOLDS
                                if tiou_thresholds is None else
                                np.asarray(tiou_thresholds, dtype=np.float64))
        self.per_class = per_class
        self.length_breakdown = length_breakdown
        self.length_bins, self.length_names = length_groups(
            length_bins, length_names)
        self.drop_unknown_labels = drop_unknown_labels

    def process(self, data_batch, data_samples: Sequence) -> None:
        for sample in data_samples:
            self.results.append(
                unpack_localization_sample(sample, with_labels=True))

    def compute_metrics(self, results: List[dict]) -> Dict[str, float]:
        arrays = concatenate_results(results, with_labels=True)
        args = [arrays[k] for k in (
            'gt_videos', 'gt_segments', 'gt_labels', 'pred_videos',
            'pred_segments', 'pred_scores', 'pred_labels')]
        res = detection_map(
            *args,
            tiou_thresholds=self.tiou_thresholds,
            drop_unknown_labels=self.drop_unknown_labels)
        metrics = {
            f'mAP@{t:.2f}': float(m)
            for t, m in zip(res['tiou_thresholds'], res['mAP'])
        }
        metrics['average_mAP'] = res['average_mAP']
        if self.per_class:
            names = (self.dataset_meta or {}).get('classes')
            for label, ap in zip(res['classes'], res['ap'].mean(axis=0)):
                if names is not None and 0 <= label < len(names):
                    label = names[label]
                metrics[f'AP/{label}'] = float(ap)
        if self.length_breakdown:
            groups = length_breakdown(
                *args,
                tiou_thresholds=self.tiou_thresholds,
                bins=self.length_bins,
                names=self.length_names,
                drop_unknown_labels=self.drop_unknown_labels)
            for name, group in groups.items():
                metrics[f'average_mAP/{name}'] = group['average_mAP']
        return metrics
