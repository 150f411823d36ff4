from typing import List, Optional, Sequence

import numpy as np

from tsptools.registry import SYNTHESIZERS
from .base_synthesizer import BaseBoundarySynthesizer, check_int_range


@SYNTHESIZERS.register_module()
class DiffClassSynthesizer(BaseBoundarySynthesizer):
    r"""Diff-class boundary :math:`S_{dc}` (BSP, Sec. 3.2, Eq. 1).

    Two videos :math:`V_1, V_2` of *different* classes; ``tau + epsilon``
    frames :math:`f_{1,i}` and :math:`f_{2,i}` are sampled from each, and
    frame :math:`i \in [1, 2\tau]` of the clip is

    .. math::

        f^{dc}_i = \begin{cases}
            f_{1,i} & i \in [1, \tau - \epsilon] \\
            \omega_1(i) f_{1,i} + \omega_2(i) f_{2,i-\tau+\epsilon}
                & i \in (\tau - \epsilon, \tau + \epsilon] \\
            f_{2,i-\tau+\epsilon} & i \in (\tau + \epsilon, 2\tau]
        \end{cases}

    with :math:`\omega_1(i) = (\tau + \epsilon - i) / 2\epsilon` and
    :math:`\omega_2(i) = (i - \tau + \epsilon) / 2\epsilon`: a linear blend
    over the ``2 epsilon`` frames ``tau - epsilon + 1 .. tau + epsilon``
    (:math:`\omega_2` goes ``1/2eps, 2/2eps, ..., 1``; the last blend frame is
    :math:`f_{2,2\epsilon}` alone). Blended pixels are rounded half up.

    Open choices (documented in ``docs/en/user_guides/bsp.md``): epsilon is
    an integer (the frame counts ``tau +- epsilon`` must be), drawn uniformly
    from ``epsilon_range``; the change point is frame ``tau`` (0-based
    ``tau - 1``), where :math:`\omega_1 = \omega_2 = 1/2`.

    Args:
        tau (int): half the clip length. Defaults to 4.
        frame_interval (int): source frames between two clip frames.
            Defaults to 1.
        epsilon_range (Sequence[int], optional): inclusive range of epsilon,
            within ``[1, tau]``. Defaults to ``(1, max(1, tau // 2))``.
    """

    boundary_type = 'diff_class'
    num_sources = 2
    source_relation = 'diff_class'

    def __init__(self,
                 tau: int = 4,
                 frame_interval: int = 1,
                 epsilon_range: Optional[Sequence[int]] = None) -> None:
        super().__init__(tau, frame_interval)
        if epsilon_range is None:
            epsilon_range = (1, max(1, self.tau // 2))
        self.epsilon_range = check_int_range('epsilon_range', epsilon_range,
                                             1, self.tau)

    def sample_params(self, rng: np.random.Generator) -> dict:
        low, high = self.epsilon_range
        return dict(epsilon=int(rng.integers(low, high + 1)))

    def _check(self, epsilon) -> int:
        if int(epsilon) != epsilon or not 1 <= epsilon <= self.tau:
            raise ValueError('epsilon must be an integer in '
                             f'[1, tau={self.tau}], got {epsilon!r}')
        return int(epsilon)

    def weights(self, epsilon: int) -> np.ndarray:
        """``2tau x 2`` array of ``(omega_1(i), omega_2(i))`` (1/0 outside
        the blend), row ``i - 1`` for paper frame ``i``."""
        tau, eps = self.tau, self._check(epsilon)
        i = np.arange(1, 2 * tau + 1, dtype=np.float64)
        w1 = np.clip((tau + eps - i) / (2 * eps), 0.0, 1.0)
        w2 = np.clip((i - tau + eps) / (2 * eps), 0.0, 1.0)
        return np.stack([w1, w2], axis=1)

    def index_map(self, epsilon: int):
        tau, eps, fi = self.tau, self._check(epsilon), self.frame_interval
        weight = self.weights(eps)
        i = np.arange(1, 2 * tau + 1)
        index = np.stack([(i - 1) * fi, (i - tau + eps - 1) * fi], axis=1)
        index[weight == 0] = -1
        return index.astype(np.int64), weight

    def change_point(self, epsilon: int) -> int:
        self._check(epsilon)
        return self.tau - 1

    def source_lengths(self, epsilon: int) -> List[int]:
        """``tau + epsilon`` frames from each video (Eq. 1), i.e.
        ``(tau + epsilon - 1) * frame_interval + 1`` source frames; the last
        frame of :math:`V_1` has weight 0 and is not decoded."""
        n = (self.tau + self._check(epsilon) - 1) * self.frame_interval + 1
        return [n, n]

    def _repr_args(self) -> str:
        return f'{super()._repr_args()}, epsilon_range={self.epsilon_range}'
