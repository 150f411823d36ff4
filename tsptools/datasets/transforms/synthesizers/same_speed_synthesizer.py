from typing import List

import numpy as np

from tsptools.registry import SYNTHESIZERS
from .base_synthesizer import BaseBoundarySynthesizer


@SYNTHESIZERS.register_module()
class SameSpeedSynthesizer(BaseBoundarySynthesizer):
    r"""Same-speed "boundary" :math:`S_{ss}` (BSP, Sec. 3.2 (4)): the
    non-boundary class.

    ``2 tau`` frames of one video at its original rate, unmodified:
    :math:`f^{ss}_i = f_i`, :math:`i \in [1, 2\tau]`. There is no change
    point (-1).

    Args:
        tau (int): half the clip length. Defaults to 4.
        frame_interval (int): source frames between two clip frames.
            Defaults to 1.
    """

    boundary_type = 'same_speed'
    num_sources = 1

    def index_map(self):
        index = np.arange(2 * self.tau)[:, None] * self.frame_interval
        return index.astype(np.int64), np.ones(index.shape, np.float64)

    def change_point(self) -> int:
        return -1

    def source_lengths(self) -> List[int]:
        return [(2 * self.tau - 1) * self.frame_interval + 1]
