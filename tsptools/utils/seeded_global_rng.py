"""Run code that draws from the global random generators under a seed of
one's own, without disturbing anyone else's draws."""
import random
from contextlib import contextmanager
from typing import Iterator

import numpy as np


@contextmanager
def seeded_global_rng(seed: int) -> Iterator[None]:
    """Seed numpy's global generator (``np.random.*``, the legacy
    ``RandomState``) and Python's ``random`` from ``seed`` for the body of
    the ``with`` block, then restore both to the states they had before,
    also when the block raises.

    mmaction2's and mmcv's transforms draw from those two generators. Run
    under this context with a seed taken from a sample's own generator, they
    draw the same values for the same sample whatever ran before in the
    process (DataLoader workers, other transforms), and the draws of code
    outside the block do not depend on them.

    The two generators get two different seeds derived from ``seed``
    (``numpy.random.SeedSequence(seed).generate_state(2)``).

    Args:
        seed (int): a non-negative integer.
    """
    numpy_seed, python_seed = np.random.SeedSequence(
        int(seed)).generate_state(2)
    numpy_state = np.random.get_state()
    python_state = random.getstate()
    np.random.seed(int(numpy_seed))
    random.seed(int(python_seed))
    try:
        yield
    finally:
        np.random.set_state(numpy_state)
        random.setstate(python_state)
