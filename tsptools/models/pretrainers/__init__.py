from .distillation_pretrainer import DistillationPretrainer
from .pal_pretrainer import PALPretrainer
from .pretrainer import Pretrainer
from .two_stream_encoder import TwoStreamEncoder

__all__ = [
    'DistillationPretrainer', 'PALPretrainer', 'Pretrainer', 'TwoStreamEncoder'
]
