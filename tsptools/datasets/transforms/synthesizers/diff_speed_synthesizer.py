from typing import Optional, Sequence

import numpy as np

from tsptools.registry import SYNTHESIZERS
from .base_synthesizer import (BaseBoundarySynthesizer, check_int_range,
                               round_half_up)


@SYNTHESIZERS.register_module()
class DiffSpeedSynthesizer(BaseBoundarySynthesizer):
    r"""Diff-speed boundary :math:`S_{ds}` (BSP, Sec. 3.2, Eq. 3).

    One video :math:`V = \{f_1, f_2, \dots\}` whose sampling rate changes by
    a factor :math:`\gamma \neq 1` after frame ``t``:

    .. math::

        f^{ds}_i = \begin{cases}
            f_i & i \le t \text{ (original rate)} \\
            f_{t + \gamma (i - t)} & i > t \text{ (new rate)}
        \end{cases} \qquad i \in [1, 2\tau]

    :math:`\gamma \in (0, 1)` up-samples (slow motion), :math:`\gamma > 1`
    down-samples (fast forward). A fractional index takes the nearest frame
    (ties rounded up).

    With ``frame_interval`` ``fi > 1`` the index is taken on the source
    frames: frame ``k`` (possibly fractional) at the original rate is source
    frame ``(k - 1) * fi`` of the window, rounded to the nearest source
    frame, so that slowing down by ``gamma >= 1 / fi`` uses real
    intermediate frames rather than repeating frames. With ``fi = 1`` this is
    Eq. 3 literally.

    Open choices (``docs/en/user_guides/bsp.md``): ``t`` is an integer drawn
    uniformly from ``t_range`` (default the middle half of the clip,
    ``[ceil(tau / 2), floor(3 tau / 2)]``, within ``[1, 2 tau - 1]`` so both
    rates are seen); ``gamma`` is drawn by picking one of ``gamma_ranges``
    (uniformly, or with ``gamma_probs``) and then uniformly inside it
    (default: slow ``[0.25, 0.75]`` or fast ``[1.5, 3.0]``, equally likely).
    The change point is frame ``t`` (0-based ``t - 1``).

    Args:
        tau (int): half the clip length. Defaults to 4.
        frame_interval (int): source frames between two clip frames.
            Defaults to 1.
        t_range (Sequence[int], optional): inclusive range of ``t`` in
            ``[1, 2 tau - 1]``.
        gamma_ranges (Sequence[Sequence[float]]): ranges ``(low, high)`` of
            gamma, each entirely below or above 1 (``low == high`` gives a
            fixed value).
        gamma_probs (Sequence[float], optional): probability of each range.
    """

    boundary_type = 'diff_speed'
    num_sources = 1

    def __init__(self,
                 tau: int = 4,
                 frame_interval: int = 1,
                 t_range: Optional[Sequence[int]] = None,
                 gamma_ranges: Sequence[Sequence[float]] = ((0.25, 0.75),
                                                            (1.5, 3.0)),
                 gamma_probs: Optional[Sequence[float]] = None) -> None:
        super().__init__(tau, frame_interval)
        if 2 * self.tau - 1 < 1:
            raise ValueError('DiffSpeedSynthesizer needs tau >= 1')
        if t_range is None:
            t_range = (max(1, -(-self.tau // 2)),
                       min(2 * self.tau - 1, 3 * self.tau // 2))
        self.t_range = check_int_range('t_range', t_range, 1,
                                       2 * self.tau - 1)
        ranges = []
        for pair in gamma_ranges:
            low, high = (float(v) for v in pair)
            if not (0 < low <= high) or (low <= 1 <= high):
                raise ValueError('each of gamma_ranges must satisfy 0 < low '
                                 '<= high and exclude 1 (gamma != 1), got '
                                 f'{tuple(pair)}')
            ranges.append((low, high))
        if not ranges:
            raise ValueError('gamma_ranges is empty')
        self.gamma_ranges = tuple(ranges)
        if gamma_probs is not None:
            probs = np.asarray(gamma_probs, dtype=np.float64)
            if probs.shape != (len(ranges), ) or (probs < 0).any() or \
                    not np.isclose(probs.sum(), 1.0):
                raise ValueError('gamma_probs must be one non-negative '
                                 'probability per range, summing to 1')
            gamma_probs = tuple(float(p) for p in probs)
        self.gamma_probs = gamma_probs

    def sample_params(self, rng: np.random.Generator) -> dict:
        low, high = self.t_range
        t = int(rng.integers(low, high + 1))
        k = int(rng.choice(len(self.gamma_ranges), p=self.gamma_probs))
        g_low, g_high = self.gamma_ranges[k]
        return dict(t=t, gamma=float(rng.uniform(g_low, g_high)))

    def _check(self, t, gamma):
        if int(t) != t or not 1 <= t <= 2 * self.tau - 1:
            raise ValueError(f't must be an integer in [1, {2 * self.tau - 1}]'
                             f', got {t!r}')
        if not gamma > 0 or gamma == 1:
            raise ValueError(f'gamma must be > 0 and != 1, got {gamma!r}')
        return int(t), float(gamma)

    def frame_positions(self, t: int, gamma: float) -> np.ndarray:
        """Paper frame index (1-based, fractional) of each output frame:
        ``i`` for ``i <= t``, ``t + gamma (i - t)`` after."""
        t, gamma = self._check(t, gamma)
        i = np.arange(1, 2 * self.tau + 1, dtype=np.float64)
        return np.where(i <= t, i, t + gamma * (i - t))

    def index_map(self, t: int, gamma: float):
        positions = self.frame_positions(t, gamma)
        index = round_half_up((positions - 1) * self.frame_interval)
        return index[:, None], np.ones((len(index), 1), np.float64)

    def change_point(self, t: int, gamma: float) -> int:
        t, _ = self._check(t, gamma)
        return t - 1

    def _repr_args(self) -> str:
        return (f'{super()._repr_args()}, t_range={self.t_range}, '
                f'gamma_ranges={self.gamma_ranges}, '
                f'gamma_probs={self.gamma_probs}')
