"""BSP boundary synthesizers (registered in ``SYNTHESIZERS``)."""
from .base_synthesizer import (BaseBoundarySynthesizer, compose,
                               compose_frames, round_half_up)
from .diff_class_synthesizer import DiffClassSynthesizer
from .diff_speed_synthesizer import DiffSpeedSynthesizer
from .pseudo_action_paste import PseudoActionPaste
from .same_class_synthesizer import SameClassSynthesizer
from .same_speed_synthesizer import SameSpeedSynthesizer

__all__ = [
    'BaseBoundarySynthesizer', 'DiffClassSynthesizer', 'DiffSpeedSynthesizer',
    'PseudoActionPaste', 'SameClassSynthesizer', 'SameSpeedSynthesizer',
    'compose', 'compose_frames', 'round_half_up'
]
