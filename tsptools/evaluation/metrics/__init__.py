from .clip_accuracy import ClipAccuracy
from .contrastive_accuracy import ContrastiveAccuracy
from .detection_metric import DetectionMAP
from .proposal_metric import ProposalAR

__all__ = ['ClipAccuracy', 'ContrastiveAccuracy', 'DetectionMAP', 'ProposalAR']
