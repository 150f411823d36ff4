"""Pure-numpy evaluation of temporal localization (ActivityNet protocols).

No torch, no registry: the metrics in ``tsptools.evaluation.metrics`` and
``tools/analysis_tools/eval_localization.py`` wrap these functions.
"""
from .actionness import (SEGMENT_LENGTH, actionness_ap,
                         binary_average_precision, segment_actionness)
from .detection import (ACTIVITYNET_TIOU_THRESHOLDS, THUMOS14_TIOU_THRESHOLDS,
                        check_tiou_thresholds, detection_map,
                        interpolated_average_precision, match_detections)
from .grounding import GROUNDING_TIOU_THRESHOLDS, grounding_recall
from .io import (AnnotationError, load_actionness, load_ground_truth,
                 load_grounding_ground_truth, load_grounding_predictions,
                 load_json, load_predictions)
from .length_breakdown import (LENGTH_BINS, LENGTH_NAMES, length_breakdown,
                               length_groups)
from .proposal import average_recall_vs_num_proposals
from .tiou import paired_tiou, segment_tiou

__all__ = [
    'ACTIVITYNET_TIOU_THRESHOLDS', 'THUMOS14_TIOU_THRESHOLDS',
    'GROUNDING_TIOU_THRESHOLDS', 'LENGTH_BINS', 'LENGTH_NAMES',
    'SEGMENT_LENGTH', 'AnnotationError', 'actionness_ap',
    'average_recall_vs_num_proposals', 'binary_average_precision',
    'check_tiou_thresholds', 'detection_map', 'grounding_recall',
    'interpolated_average_precision', 'length_breakdown', 'length_groups',
    'load_actionness',
    'load_ground_truth', 'load_grounding_ground_truth',
    'load_grounding_predictions', 'load_json', 'load_predictions',
    'match_detections', 'paired_tiou', 'segment_actionness', 'segment_tiou'
]
