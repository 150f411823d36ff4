"""The procedural world of SynthActions: scene, actor, distractors, frames.

One :class:`SynthVideo` is one video. From its random generator it draws,
once per video,

* a textured background (smooth colour noise mixed with stripes, a checker
  board or blobs, plus static grain) seen through a slowly panning camera;
* an actor: one of :data:`SHAPES`, 9-15 % of the frame height, random aspect,
  two random colours and an internal pattern (halves, stripes, quadrants or a
  dot, so that rotations are visible);
* 1-3 distractors: smaller plain shapes that glide and bounce off the frame's
  borders, some slowly turning, the same in every class and at every time.

The actor is on screen all the time and always moves generically: a slow
drift (a sum of sinusoids under 0.12 Hz), a small per-frame jitter, a slight
wobble of angle and size. During an action instance the class's motion
program (:mod:`.programs`) is added on top, ramped in and out at the
boundaries. The appearance never changes within a video, so the class and the
action/background boundaries can be told from motion only.

Frames are drawn with numpy: the background is pre-rendered once, and each
shape is rasterised (anti-aliased) in its own bounding box only.
"""
from typing import Dict, Iterator, Sequence, Tuple

import numpy as np

from . import programs

#: Shape names; each is a level function ``g(u, v)`` (inside where g < 1)
#: of coordinates normalised by the shape's radii.
SHAPES = ('circle', 'square', 'diamond', 'triangle', 'hexagon', 'star',
          'cross', 'ring')
#: Patterns painted on the actor in its own (rotating) coordinates.
PATTERNS = ('halves', 'stripes', 'quadrants', 'dot')

# (start frame, end frame exclusive, motion id in programs.MOTION_NAMES)
Instance = Tuple[int, int, int]


def _normals(count: int, offset: float) -> np.ndarray:
    angles = offset + 2 * np.pi * np.arange(count) / count
    return np.stack([np.cos(angles), np.sin(angles)], axis=1)


_TRIANGLE = _normals(3, np.pi / 2)
_HEXAGON = _normals(6, 0.0)


def shape_level(shape: str, u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Level function of ``shape``: < 1 inside, about the distance to the
    centre in units of the shape's radius."""
    if shape == 'circle':
        return np.sqrt(u * u + v * v)
    if shape == 'square':
        return np.maximum(np.abs(u), np.abs(v)) * 1.15
    if shape == 'diamond':
        return (np.abs(u) + np.abs(v)) * 0.85
    if shape in ('triangle', 'hexagon'):
        normals, inradius = ((_TRIANGLE, 0.55) if shape == 'triangle' else
                             (_HEXAGON, 0.9))
        proj = [float(n[0]) * u + float(n[1]) * v for n in normals]
        return np.maximum.reduce(proj) / inradius
    if shape == 'star':
        r = np.sqrt(u * u + v * v)
        theta = np.arctan2(v, u)
        return r / (0.72 + 0.28 * np.cos(5 * theta))
    if shape == 'cross':
        au, av = np.abs(u), np.abs(v)
        return np.minimum(np.maximum(au / 0.38, av), np.maximum(au, av / 0.38))
    if shape == 'ring':
        r = np.sqrt(u * u + v * v)
        return np.maximum(r, 1.45 - r)
    raise ValueError(f'unknown shape {shape!r}')


def pattern_value(pattern: str, u: np.ndarray, v: np.ndarray,
                  freq: float) -> np.ndarray:
    """Signed pattern field: > 0 paints the second colour."""
    if pattern == 'none':
        return -np.ones_like(u)
    if pattern == 'halves':
        return u
    if pattern == 'stripes':
        return np.sin(np.pi * freq * u)
    if pattern == 'quadrants':
        return u * v * 2.0
    if pattern == 'dot':
        du, dv = u - 0.5, v
        return 0.32 - np.sqrt(du * du + dv * dv)
    raise ValueError(f'unknown pattern {pattern!r}')


def draw_sprite(frame: np.ndarray, sprite: Dict, x: float, y: float,
                angle: float, sx: float, sy: float, opacity: float) -> None:
    """Alpha-blend one shape into ``frame`` (float32 H x W x 3) in place.

    ``sprite`` holds ``shape``, ``pattern``, ``pattern_freq``, ``radius``
    (pixels), ``aspect`` and ``colors`` (2 x 3); ``(x, y)`` is its centre,
    ``angle`` its rotation (radians), ``sx, sy`` its scale factors.
    """
    if opacity <= 0.0:
        return
    # python floats keep the arithmetic in float32
    x, y, angle, opacity = float(x), float(y), float(angle), float(opacity)
    height, width = frame.shape[:2]
    rx = float(sprite['radius'] * sprite['aspect'] * sx)
    ry = float(sprite['radius'] / sprite['aspect'] * sy)
    half = int(np.ceil(1.45 * max(rx, ry))) + 2
    x0, x1 = max(int(x) - half, 0), min(int(x) + half + 1, width)
    y0, y1 = max(int(y) - half, 0), min(int(y) + half + 1, height)
    if x0 >= x1 or y0 >= y1:
        return
    dx = (np.arange(x0, x1, dtype=np.float32) - x)[None, :]
    dy = (np.arange(y0, y1, dtype=np.float32) - y)[:, None]
    cos, sin = np.cos(angle), np.sin(angle)
    u = (cos / rx) * dx + (sin / rx) * dy
    v = (cos / ry) * dy - (sin / ry) * dx
    level = shape_level(sprite['shape'], u, v)
    pixels = min(rx, ry)
    alpha = np.minimum(np.maximum((1.0 - level) * pixels + 0.5, 0.0), 1.0)
    if opacity < 1.0:
        alpha *= opacity
    alpha = alpha[..., None]
    patch = frame[y0:y1, x0:x1]
    c0, c1 = sprite['colors']
    if sprite['pattern'] == 'none':
        patch += alpha * (c0 - patch)
        return
    field = pattern_value(sprite['pattern'], u, v, sprite['pattern_freq'])
    mix = np.minimum(np.maximum(field * pixels + 0.5, 0.0), 1.0)[..., None]
    color = c0 + mix * (c1 - c0)
    patch += alpha * (color - patch)


def _random_color(rng: np.random.Generator) -> np.ndarray:
    return rng.uniform(0, 255, size=3).astype(np.float32)


def _cubic_weights(size: int, cells: int) -> np.ndarray:
    """``size x cells`` Catmull-Rom interpolation weights that stretch
    ``cells`` control values over ``size`` pixels."""
    pos = (np.arange(size) + 0.5) * (cells - 1) / size
    base = np.floor(pos).astype(int)
    frac = pos - base
    taps = [(-1, (-frac + 2 * frac**2 - frac**3) / 2),
            (0, (2 - 5 * frac**2 + 3 * frac**3) / 2),
            (1, (frac + 4 * frac**2 - 3 * frac**3) / 2),
            (2, (-frac**2 + frac**3) / 2)]
    weights = np.zeros((size, cells))
    rows = np.arange(size)
    for offset, w in taps:
        np.add.at(weights, (rows, np.clip(base + offset, 0, cells - 1)), w)
    return weights


def _smooth_noise(rng: np.random.Generator, height: int, width: int,
                  cells: int) -> np.ndarray:
    """A smooth random field in ``[0, 1]`` with about ``cells`` blobs across
    the shorter side (pure numpy: no thread pools in worker processes)."""
    gh = max(2, int(round(cells * height / min(height, width)))) + 1
    gw = max(2, int(round(cells * width / min(height, width)))) + 1
    grid = rng.uniform(0, 1, size=(gh, gw))
    field = np.einsum('hi,ij,wj->hw', _cubic_weights(height, gh), grid,
                      _cubic_weights(width, gw), optimize=False)
    field -= field.min()
    return (field / max(float(field.max()), 1e-6)).astype(np.float32)


def make_background(rng: np.random.Generator, height: int,
                    width: int) -> np.ndarray:
    """A random textured scene, float32 ``height x width x 3`` in [0, 255]."""
    col_a, col_b, col_c = (_random_color(rng) for _ in range(3))
    base = _smooth_noise(rng, height, width, int(rng.integers(2, 6)))
    image = col_a + base[..., None] * (col_b - col_a)
    kind = rng.choice(['stripes', 'checker', 'blobs', 'plain'])
    yy, xx = np.mgrid[0:height, 0:width].astype(np.float32)
    if kind == 'stripes':
        theta = rng.uniform(0, np.pi)
        period = rng.uniform(0.06, 0.25) * min(height, width)
        field = np.sin(2 * np.pi * (xx * np.cos(theta) + yy * np.sin(theta)) /
                       period)
        weight = (field > 0).astype(np.float32)
    elif kind == 'checker':
        cell = rng.uniform(0.05, 0.2) * min(height, width)
        weight = ((np.floor(xx / cell) + np.floor(yy / cell)) % 2).astype(
            np.float32)
    elif kind == 'blobs':
        weight = (_smooth_noise(rng, height, width, int(rng.integers(4, 10)))
                  > 0.6).astype(np.float32)
    else:
        weight = np.zeros((height, width), np.float32)
    strength = rng.uniform(0.2, 0.5)
    image += (strength * weight)[..., None] * (col_c - image)
    image += rng.normal(0, 3.0, size=image.shape).astype(np.float32)
    return np.clip(image, 0, 255).astype(np.float32)


def _contrasting_colors(rng: np.random.Generator, reference: np.ndarray,
                        count: int, min_distance: float,
                        min_spread: float = 70.0) -> np.ndarray:
    """``count`` colours whose mean is at least ``min_distance`` (RGB) from
    ``reference`` and, for two colours, ``min_spread`` apart (so that the
    actor's pattern, hence its rotation, shows); best of 30 draws."""
    best, best_score = None, -1.0
    for _ in range(30):
        colors = np.stack([_random_color(rng) for _ in range(count)])
        score = float(np.linalg.norm(colors.mean(0) - reference)) / \
            min_distance
        if count > 1:
            spread = float(np.linalg.norm(colors[0] - colors[1]))
            score = min(score, spread / min_spread)
        if score > best_score:
            best, best_score = colors, score
        if score >= 1.0:
            break
    return best


def _sinusoid_sum(rng: np.random.Generator, t: np.ndarray, amplitude: float,
                  fmin: float, fmax: float, count: int = 3) -> np.ndarray:
    """Smooth generic wandering: ``count`` sinusoids, total ``amplitude``."""
    weights = rng.dirichlet(np.ones(count)) * amplitude
    out = np.zeros_like(t)
    for w in weights:
        freq = rng.uniform(fmin, fmax)
        out += w * np.sin(2 * np.pi * freq * t + rng.uniform(0, 2 * np.pi))
    return out


def _reflect(x: np.ndarray, lo: float, hi: float) -> np.ndarray:
    span = max(hi - lo, 1e-6)
    m = np.mod(x - lo, 2 * span)
    return lo + np.where(m > span, 2 * span - m, m)


class SynthVideo:
    """One SynthActions video: appearance and motion drawn from ``rng``.

    Args:
        rng: the video's own generator (its draws fix the whole video).
        height, width: frame size.
        num_frames: number of frames.
        instances: ``(start_frame, end_frame_exclusive, motion)`` of the
            action instances, ``motion`` indexing
            :data:`~.programs.MOTION_NAMES` (not a dataset's class index); a
            trimmed clip uses one instance that starts before frame 0 and
            ends after the last frame.
        fps: frame rate (for the programs' rhythms).

    The appearance is drawn first and the instance parameters last, so the
    same generator state gives the same scene whatever the instances are.
    """

    def __init__(self, rng: np.random.Generator, height: int, width: int,
                 num_frames: int, instances: Sequence[Instance],
                 fps: float = 30.0) -> None:
        self.height, self.width = int(height), int(width)
        self.num_frames = int(num_frames)
        self.fps = float(fps)
        self.instances = [tuple(int(v) for v in inst) for inst in instances]
        unit = float(min(height, width))
        self.unit = unit

        # scene and camera pan
        self.pad = max(2, int(round(0.05 * width)))
        self.background = make_background(rng, self.height + 2 * self.pad,
                                          self.width + 2 * self.pad)
        bg_mean = self.background.reshape(-1, 3).mean(0)
        t = np.arange(self.num_frames, dtype=np.float64) / self.fps
        pan = []
        for _ in range(2):
            pan.append(
                np.round(self.pad + 0.8 * self.pad *
                         np.sin(2 * np.pi * rng.uniform(0.01, 0.04) * t +
                                rng.uniform(0, 2 * np.pi))).astype(int))
        self.pan_x, self.pan_y = pan

        # actor
        self.actor = dict(
            shape=str(rng.choice(SHAPES)),
            pattern=str(rng.choice(PATTERNS)),
            pattern_freq=float(rng.uniform(1.5, 3.0)),
            radius=float(rng.uniform(0.09, 0.15) * unit),
            aspect=float(np.sqrt(rng.uniform(0.7, 1.4))),
            colors=_contrasting_colors(rng, bg_mean, 2, 110.0))

        # distractors
        self.distractors = []
        for _ in range(int(rng.integers(1, 4))):
            sprite = dict(
                shape=str(rng.choice(SHAPES)),
                pattern='none',
                pattern_freq=1.0,
                radius=float(rng.uniform(0.04, 0.08) * unit),
                aspect=float(np.sqrt(rng.uniform(0.6, 1.6))),
                colors=np.repeat(
                    _contrasting_colors(rng, bg_mean, 1, 80.0), 2, axis=0))
            r = sprite['radius']
            speed = rng.uniform(0.05, 0.25) * unit
            heading = rng.uniform(0, 2 * np.pi)
            x = _reflect(rng.uniform(0, width) + speed * np.cos(heading) * t,
                         r, width - r)
            y = _reflect(rng.uniform(0, height) + speed * np.sin(heading) * t,
                         r, height - r)
            spin = rng.uniform(-0.4, 0.4) if rng.uniform() < 0.5 else 0.0
            angle = rng.uniform(0, 2 * np.pi) + spin * t
            self.distractors.append((sprite, x, y, angle))

        # generic idle motion of the actor, then the class programs
        self.track = self._actor_track(rng, t)

    def _actor_track(self, rng: np.random.Generator,
                     t: np.ndarray) -> Dict[str, np.ndarray]:
        unit, n = self.unit, self.num_frames
        x = rng.uniform(0.38, 0.62) * self.width + _sinusoid_sum(
            rng, t, 0.10 * unit, 0.02, 0.12)
        y = rng.uniform(0.45, 0.6) * self.height + _sinusoid_sum(
            rng, t, 0.08 * unit, 0.02, 0.12)
        kernel = np.array([0.25, 0.5, 0.25])
        for arr in (x, y):
            jitter = rng.normal(0, 0.35, size=n + 2)
            arr += np.convolve(jitter, kernel, mode='valid')[:n]
        angle = rng.uniform(0, 2 * np.pi) + _sinusoid_sum(
            rng, t, 0.12, 0.03, 0.15, count=2)
        log_scale = _sinusoid_sum(rng, t, 0.04, 0.03, 0.15, count=2)
        log_sx, log_sy = log_scale.copy(), log_scale.copy()
        spin = np.zeros(n)
        fade = np.zeros(n)
        for start, end, motion in self.instances:
            params = programs.sample_instance_params(rng, motion)
            lo, hi = max(start, 0), min(end, n)
            if lo >= hi:
                continue
            env = programs.envelope(n, self.fps, start, end)[lo:hi]
            tau = (np.arange(lo, hi) - start) / self.fps
            ch = programs.evaluate(motion, tau, unit, params)
            x[lo:hi] += env * ch['dx']
            y[lo:hi] += env * ch['dy']
            angle[lo:hi] += env * ch['angle']
            spin[lo:hi] += env * ch['spin']
            log_sx[lo:hi] += env * ch['log_sx']
            log_sy[lo:hi] += env * ch['log_sy']
            fade[lo:hi] = np.maximum(fade[lo:hi], env * ch['fade'])
        angle += np.cumsum(spin) / self.fps
        margin = 0.6 * self.actor['radius']
        return dict(
            x=np.clip(x, margin, self.width - margin),
            y=np.clip(y, margin, self.height - margin),
            angle=angle,
            sx=np.exp(log_sx),
            sy=np.exp(log_sy),
            opacity=1.0 - fade)

    def frame(self, index: int) -> np.ndarray:
        """Frame ``index`` as ``H x W x 3`` uint8 RGB."""
        ox, oy = self.pan_x[index], self.pan_y[index]
        image = self.background[oy:oy + self.height,
                                ox:ox + self.width].copy()
        for sprite, x, y, angle in self.distractors:
            draw_sprite(image, sprite, x[index], y[index], angle[index], 1.0,
                        1.0, 1.0)
        tr = self.track
        draw_sprite(image, self.actor, tr['x'][index], tr['y'][index],
                    tr['angle'][index], tr['sx'][index], tr['sy'][index],
                    tr['opacity'][index])
        np.clip(image, 0, 255, out=image)
        return (image + 0.5).astype(np.uint8)

    def frames(self) -> Iterator[np.ndarray]:
        """All frames in order."""
        for index in range(self.num_frames):
            yield self.frame(index)

    def action_mask(self) -> np.ndarray:
        """Per-frame motion id, -1 on background frames."""
        mask = np.full(self.num_frames, -1, dtype=np.int64)
        for start, end, motion in self.instances:
            mask[max(start, 0):min(end, self.num_frames)] = motion
        return mask

