"""Motion programs: what defines a SynthActions class.

A class is a motion program only: a function of the time ``tau`` (seconds)
since the start of an action instance that moves, turns, scales or fades the
actor. Nothing in the actor's or the scene's appearance depends on the class.

Every program returns additive *channels* (arrays over frames):

``dx``, ``dy``
    offset of the actor's centre, pixels;
``angle``
    rotation offset, radians;
``spin``
    angular velocity, radians per second (integrated over time, so that the
    actor keeps its orientation when a spin ends);
``log_sx``, ``log_sy``
    log of the horizontal / vertical scale factor;
``fade``
    opacity drop in ``[0, 1]`` (opacity = ``1 - fade``).

The renderer multiplies the channels by an envelope that ramps in and out over
:data:`RAMP_SECONDS` at the instance's boundaries, so that the actor never
teleports, and adds them to the generic idle motion (drift and jitter) that
runs all the time.

Each of the :data:`BASE_PROGRAMS` has its own rhythm (base frequency in cycles
per second). Per instance the frequency varies by +-10 %, the amplitude by
+-15 %, and the phase and direction are random. A *motion id* indexes
:data:`MOTION_NAMES`: the 12 base programs, then every pair of them played
together (``'circle+zigzag'``, ``'circle+bounce'``, ..., in the order of
``itertools.combinations``). A dataset with ``num_classes`` classes uses the
first ``num_classes`` motions; its class indices follow the alphabetical
order of their names (:func:`class_names`), as the official label mappings
do.
"""
import itertools
from typing import Dict, List, Tuple

import numpy as np

Channels = Dict[str, np.ndarray]

#: Instances ramp their program in and out over this many seconds.
RAMP_SECONDS = 0.25

#: name -> base frequency (cycles per second), in class-index order.
BASE_PROGRAMS: Dict[str, float] = {
    'circle': 0.7,
    'zigzag': 1.6,
    'bounce': 1.4,
    'spin': 0.8,
    'pulse': 1.5,
    'jump': 0.8,
    'shake': 4.5,
    'figure_eight': 0.45,
    'diagonal_sweep': 0.5,
    'zoom': 0.35,
    'blink': 2.2,
    'sway': 1.1,
}
_BASE_NAMES = list(BASE_PROGRAMS)
_PAIRS = list(itertools.combinations(range(len(_BASE_NAMES)), 2))
#: Largest supported number of classes (12 programs + 66 pairs).
MAX_CLASSES = len(_BASE_NAMES) + len(_PAIRS)
#: Amplitude factor of each program in a pair.
PAIR_AMPLITUDE = 0.7


def _tri(x: np.ndarray) -> np.ndarray:
    """Triangle wave of period 1 in ``[-1, 1]``, ``_tri(0) == 0``."""
    return 1.0 - 4.0 * np.abs(np.mod(x + 0.25, 1.0) - 0.5)


def _zeros(tau: np.ndarray) -> Channels:
    names = ('dx', 'dy', 'angle', 'spin', 'log_sx', 'log_sy', 'fade')
    return {k: np.zeros_like(tau) for k in names}


def _circle(c, cyc, unit, p):
    theta = 2 * np.pi * cyc
    c['dx'] += 0.22 * unit * np.cos(theta)
    c['dy'] += p['sign'] * 0.22 * unit * np.sin(theta)


def _zigzag(c, cyc, unit, p):
    # fast vertical triangle wave while slowly traversing horizontally
    c['dy'] += 0.13 * unit * _tri(cyc)
    c['dx'] += p['sign'] * 0.26 * unit * _tri(cyc / 8.0)


def _bounce(c, cyc, unit, p):
    c['dy'] -= 0.30 * unit * np.abs(np.sin(np.pi * cyc))


def _spin(c, cyc, unit, p, freq):
    c['spin'] += p['sign'] * 2 * np.pi * freq * np.ones_like(cyc)


def _pulse(c, cyc, unit, p):
    s = 0.35 * np.sin(2 * np.pi * cyc)
    c['log_sx'] += s
    c['log_sy'] += s


def _jump(c, cyc, unit, p):
    # a hop during 55 % of the period, a squash on landing, then a rest
    phase = np.mod(cyc, 1.0)
    q = phase / 0.55
    hop = np.where(phase < 0.55, 4 * q * (1 - q), 0.0)
    r = (phase - 0.55) / 0.2
    squash = np.where((phase >= 0.55) & (phase < 0.75), np.sin(np.pi * r), 0)
    c['dy'] -= 0.32 * unit * hop
    c['log_sy'] -= 0.35 * squash
    c['log_sx'] += 0.25 * squash


def _shake(c, cyc, unit, p):
    c['dx'] += 0.05 * unit * np.sin(2 * np.pi * cyc)
    c['dy'] += 0.02 * unit * np.sin(2 * np.pi * 0.77 * cyc)


def _figure_eight(c, cyc, unit, p):
    theta = 2 * np.pi * cyc
    c['dx'] += 0.25 * unit * np.sin(theta)
    c['dy'] += p['sign'] * 0.13 * unit * np.sin(2 * theta)


def _diagonal_sweep(c, cyc, unit, p):
    d = _tri(cyc)
    c['dx'] += 0.28 * unit * d
    c['dy'] += p['sign'] * 0.2 * unit * d


def _zoom(c, cyc, unit, p):
    s = 0.6 * (0.5 - 0.5 * np.cos(2 * np.pi * cyc))
    c['log_sx'] += s
    c['log_sy'] += s


def _blink(c, cyc, unit, p):
    c['fade'] += 0.85 * (0.5 + 0.5 * np.tanh(4 * np.sin(2 * np.pi * cyc)))


def _sway(c, cyc, unit, p):
    s = np.sin(2 * np.pi * cyc)
    c['angle'] += 0.6 * s
    c['dx'] -= 0.09 * unit * s


_FUNCS = {
    'circle': _circle,
    'zigzag': _zigzag,
    'bounce': _bounce,
    'pulse': _pulse,
    'jump': _jump,
    'shake': _shake,
    'figure_eight': _figure_eight,
    'diagonal_sweep': _diagonal_sweep,
    'zoom': _zoom,
    'blink': _blink,
    'sway': _sway,
}


def motion_programs(motion: int) -> List[Tuple[str, float]]:
    """``[(program name, amplitude factor), ...]`` of motion ``motion`` (an
    index into :data:`MOTION_NAMES`)."""
    if not 0 <= motion < MAX_CLASSES:
        raise ValueError(f'motion id must be in [0, {MAX_CLASSES}), '
                         f'got {motion}')
    if motion < len(_BASE_NAMES):
        return [(_BASE_NAMES[motion], 1.0)]
    i, j = _PAIRS[motion - len(_BASE_NAMES)]
    return [(_BASE_NAMES[i], PAIR_AMPLITUDE), (_BASE_NAMES[j], PAIR_AMPLITUDE)]


#: Every motion, in the order in which ``num_classes`` takes them.
MOTION_NAMES = [
    '+'.join(name for name, _ in motion_programs(k))
    for k in range(MAX_CLASSES)
]


def class_names(num_classes: int) -> List[str]:
    """The classes of a dataset with ``num_classes`` classes: the first
    ``num_classes`` motions, sorted alphabetically. A class's index is its
    position in this list (sorted, as in the official ActivityNet and THUMOS14
    label mappings)."""
    if not 1 <= num_classes <= MAX_CLASSES:
        raise ValueError(f'num_classes must be in [1, {MAX_CLASSES}], '
                         f'got {num_classes}')
    return sorted(MOTION_NAMES[:num_classes])


def motion_id(name: str) -> int:
    """Index in :data:`MOTION_NAMES` of the class called ``name``."""
    return MOTION_NAMES.index(name)


def sample_instance_params(rng: np.random.Generator,
                           motion: int) -> List[Dict[str, float]]:
    """Per-instance variation of each program of motion ``motion``."""
    params = []
    for _, amp in motion_programs(motion):
        params.append(
            dict(freq=float(rng.uniform(0.9, 1.1)),
                 amp=amp * float(rng.uniform(0.85, 1.15)),
                 phase=float(rng.uniform(0.0, 1.0)),
                 sign=float(rng.choice([-1.0, 1.0]))))
    return params


def evaluate(motion: int, tau: np.ndarray, unit: float,
             params: List[Dict[str, float]]) -> Channels:
    """Channels of motion ``motion`` at times ``tau`` (seconds since the
    start of the instance) for a frame of size ``unit`` (its shorter side,
    px)."""
    tau = np.asarray(tau, dtype=np.float64)
    channels = _zeros(tau)
    for (name, _), p in zip(motion_programs(motion), params):
        freq = BASE_PROGRAMS[name] * p['freq']
        cyc = freq * tau + p['phase']
        part = _zeros(tau)
        if name == 'spin':
            _spin(part, cyc, unit, p, freq)
        else:
            _FUNCS[name](part, cyc, unit, p)
        for key in channels:
            if key in ('dx', 'dy', 'angle', 'log_sx', 'log_sy'):
                # amplitude scales spatial channels, not rates or fades
                channels[key] += p['amp'] * part[key]
            else:
                channels[key] += part[key]
    channels['fade'] = np.clip(channels['fade'], 0.0, 1.0)
    return channels


def envelope(num_frames: int, fps: float, start: int, end: int) -> np.ndarray:
    """Weight of an instance on frames ``0 .. num_frames - 1``: 0 outside
    ``[start, end)``, 1 inside but for smooth ramps of :data:`RAMP_SECONDS`
    (at most a quarter of the instance) at both ends."""
    t = np.arange(num_frames, dtype=np.float64)
    ramp = max(1.0, min(RAMP_SECONDS * fps, (end - start) / 4.0))
    up = np.clip((t - start + 0.5) / ramp, 0.0, 1.0)
    down = np.clip((end - 0.5 - t) / ramp, 0.0, 1.0)
    w = np.minimum(up, down)
    return w * w * (3 - 2 * w)  # smoothstep
