from typing import List

import numpy as np

from tsptools.registry import SYNTHESIZERS
from .base_synthesizer import BaseBoundarySynthesizer


@SYNTHESIZERS.register_module()
class SameClassSynthesizer(BaseBoundarySynthesizer):
    r"""Same-class boundary :math:`S_{sc}` (BSP, Sec. 3.2, Eq. 2).

    Two *different* videos :math:`V_1, V_2` of the *same* class; ``tau``
    frames are sampled from each and concatenated without blending:

    .. math::

        f^{sc}_i = \begin{cases}
            f_{1,i} & i \in [1, \tau] \\
            f_{2,i-\tau} & i \in (\tau, 2\tau]
        \end{cases}

    The change point is frame ``tau`` (0-based ``tau - 1``), the last frame
    of :math:`V_1`.

    Args:
        tau (int): half the clip length. Defaults to 4.
        frame_interval (int): source frames between two clip frames.
            Defaults to 1.
    """

    boundary_type = 'same_class'
    num_sources = 2
    source_relation = 'same_class'

    def index_map(self):
        tau, fi = self.tau, self.frame_interval
        i = np.arange(2 * tau)
        first = i < tau
        index = np.stack([np.where(first, i * fi, -1),
                          np.where(first, -1, (i - tau) * fi)], axis=1)
        weight = np.stack([first, ~first], axis=1).astype(np.float64)
        return index.astype(np.int64), weight

    def change_point(self) -> int:
        return self.tau - 1

    def source_lengths(self) -> List[int]:
        n = (self.tau - 1) * self.frame_interval + 1
        return [n, n]
