"""Common interface of the BSP boundary synthesizers (Xu et al., 2021,
Sec. 3.2).

A synthesizer turns ``num_sources`` windows of source frames into a clip of
``2 * tau`` frames. Everything is pure numpy and split in two steps so that
each step can be checked exactly:

1. :meth:`BaseBoundarySynthesizer.index_map` gives, for every output frame
   ``i`` and every source ``s``, the offset ``index[i, s]`` of the source
   frame it uses (counted in source frames from the start of the source's
   window, ``-1`` when unused) and its blend weight ``weight[i, s]``;
2. :func:`compose` forms ``out[i] = sum_s weight[i, s] *
   source_s[index[i, s]]`` (uint8 frames, blends rounded half up).

Index conventions. The paper numbers frames from 1; the code from 0: paper
frame ``i`` is output row ``i - 1``. Source frames are read every
``frame_interval`` frames of the source video (the clip's "original rate"):
paper frame ``f_k`` of a source is its window frame ``(k - 1) *
frame_interval``. With ``frame_interval=1`` (the paper's 8 consecutive
frames) the offsets are plain frame numbers.

``change_point`` (mu of the regression target, Sec. 3.3) is the 0-based
index of the last output frame before the change (the equal-weight frame of
a diff-class blend), or -1 for a clip without a boundary.
"""
from functools import lru_cache
from typing import List, Optional, Sequence, Tuple

import numpy as np

#: Added before flooring so that exact ties (x.5) round up despite the
#: floating-point error of ``t + gamma * (i - t)``.
_TIE_EPS = 1e-9


def round_half_up(values) -> np.ndarray:
    """Nearest integer, ties rounded up (``floor(x + 0.5)``), as int64."""
    return np.floor(np.asarray(values, dtype=np.float64) + 0.5 +
                    _TIE_EPS).astype(np.int64)


def _weighted_sum(weights: Sequence[float],
                  values: Sequence[np.ndarray]) -> np.ndarray:
    """``sum_s weights[s] * values[s]`` in float64, rounded half up and
    clipped to uint8: the arithmetic of a blended frame."""
    acc = sum(w * v.astype(np.float64) for w, v in zip(weights, values))
    return np.clip(np.floor(acc + 0.5), 0, 255).astype(np.uint8)


@lru_cache(maxsize=256)
def blend_table(weights: Tuple[float, ...]) -> np.ndarray:
    """:func:`_weighted_sum` of one or two uint8 values for every input:
    ``256`` or ``256 x 256`` entries (flattened, ``a * 256 + b``). A blend
    looked up in it is bit-identical to the float64 blend of the frames,
    element by element the same operations, at the cost of an integer
    lookup instead of float64 temporaries 8 times the frame's size."""
    grid = np.arange(256, dtype=np.uint8)
    if len(weights) == 1:
        table = _weighted_sum(weights, [grid])
    elif len(weights) == 2:
        table = _weighted_sum(weights, [grid[:, None], grid[None, :]]).ravel()
    else:
        raise ValueError(f'blend tables take 1 or 2 weights, got {weights}')
    table.flags.writeable = False  # shared by the cache
    return table


def dyadic_numerators(weights: Sequence[float],
                      bits: int = 7) -> Optional[List[int]]:
    """``[w * 2**bits]`` when every weight is a non-negative multiple of
    ``2**-bits`` and they sum to at most 1, else None. A blend with such
    weights is exact in float64 and equal to the integer
    ``(sum n_s * x_s + 2**(bits - 1)) >> bits`` (no clipping needed)."""
    nums = [float(w) * 2**bits for w in weights]
    if any(n < 0 or not n.is_integer() for n in nums) or \
            sum(nums) > 2**bits:
        return None
    return [int(n) for n in nums]


def blend(frames: Sequence[np.ndarray], weights: Sequence[float],
          out: np.ndarray) -> None:
    """Write ``sum_s weights[s] * frames[s]`` rounded half up and clipped
    (:func:`_weighted_sum`) into ``out`` (uint8), bit-identical to the
    float64 arithmetic: one or two uint8 frames with weights in steps of
    1/128 (diff-class blends where ``2 epsilon`` is a power of two up to
    128, e.g. the configs' epsilon of 1 or 2) in 16-bit integers
    (:func:`dyadic_numerators`), other weights through :func:`blend_table`;
    more frames or other dtypes in float64."""
    frames = [np.asarray(f) for f in frames]
    if len(frames) > 2 or any(f.dtype != np.uint8 for f in frames):
        out[...] = _weighted_sum(weights, frames)
        return
    nums, bits = dyadic_numerators(weights), 7
    if nums is not None:  # at most 128 * 255 + 64 < 2**16
        acc = np.multiply(frames[0], nums[0], dtype=np.uint16)
        if len(frames) == 2:
            acc += np.multiply(frames[1], nums[1], dtype=np.uint16)
        acc += 1 << (bits - 1)
        acc >>= bits
        out[...] = acc
        return
    table = blend_table(tuple(float(w) for w in weights))
    if len(frames) == 1:
        key = frames[0]
    else:
        key = frames[0].astype(np.uint16)
        key <<= 8
        key |= frames[1]
    np.take(table, key, out=out, mode='clip')  # keys are < len(table)


def frame_shape(frames: Sequence[np.ndarray]) -> tuple:
    """``H x W x C`` of an ``N x H x W x C`` array or a list of frames."""
    if isinstance(frames, np.ndarray):
        return tuple(frames.shape[1:])
    return tuple(np.shape(frames[0])) if len(frames) else ()


def compose_frames(sources: Sequence[Sequence[np.ndarray]],
                   index: np.ndarray,
                   weight: np.ndarray) -> List[np.ndarray]:
    """The frames of :func:`compose` as a list of ``H x W x C`` arrays,
    without copying: a frame taken from one source with weight 1 is that
    source frame itself (a copy when the clip already holds that memory:
    a frame used twice, or the same array in two places of ``sources``), a
    blend is a new array. No two frames share memory, so in-place
    transforms (mmaction2's ``Flip``) stay correct; the source frames must
    not be used afterwards.

    Args:
        sources: per source, its frames: an ``N_s x H x W x C`` array or a
            list of ``H x W x C`` arrays.
        index, weight: as :func:`compose`.
    """
    index = np.asarray(index, dtype=np.int64)
    weight = np.asarray(weight, dtype=np.float64)
    if index.ndim != 2 or index.shape != weight.shape:
        raise ValueError(f'index {index.shape} and weight {weight.shape} '
                         'must be equal L x S arrays')
    if index.shape[1] != len(sources):
        raise ValueError(f'the index map has {index.shape[1]} sources, got '
                         f'{len(sources)} frame arrays')
    shapes = {frame_shape(src) for src in sources}
    if len(shapes) != 1:
        raise ValueError(f'source frames differ in size: {sorted(shapes)}')
    for s, src in enumerate(sources):
        used = index[:, s][index[:, s] >= 0]
        if used.size and used.max() >= len(src):
            raise IndexError(f'source {s} has {len(src)} frames, the map '
                             f'uses frame {used.max()}')
    out, taken = [], set()
    for i in range(index.shape[0]):
        used = [s for s in range(index.shape[1])
                if index[i, s] >= 0 and weight[i, s] != 0]
        if not used:
            raise ValueError(f'output frame {i} uses no source frame')
        if len(used) == 1 and weight[i, used[0]] == 1:
            frame = np.asarray(sources[used[0]][index[i, used[0]]])
            start = frame.__array_interface__['data'][0]
            out.append(frame.copy() if start in taken else frame)
            taken.add(start)
            continue
        frames = [sources[s][index[i, s]] for s in used]
        out.append(np.empty(np.shape(frames[0]), np.uint8))
        blend(frames, [weight[i, s] for s in used], out[-1])
    return out


def compose(sources: Sequence[np.ndarray], index: np.ndarray,
            weight: np.ndarray) -> np.ndarray:
    """Form the frames of an index map.

    Args:
        sources: one ``N_s x H x W x C`` uint8 array per source (same
            ``H x W x C``).
        index: ``L x S`` int array, ``index[i, s]`` the frame of source ``s``
            used by output frame ``i`` (-1: none).
        weight: ``L x S`` float array of blend weights.

    Returns:
        ``L x H x W x C`` uint8. A frame taken from one source with weight 1
        is copied exactly; a blend is computed in float64 and rounded half
        up, then clipped to [0, 255] (:func:`blend`: in integers or a table
        of that arithmetic for one or two uint8 sources, the same values).
    """
    return np.stack(compose_frames(sources, index, weight)).astype(
        np.uint8, copy=False)


class BaseBoundarySynthesizer:
    """Base class of the boundary synthesizers (not registered).

    Subclasses set :attr:`boundary_type`, :attr:`num_sources`,
    :attr:`source_relation` and implement :meth:`index_map` (and
    :meth:`sample_params` when they have random parameters).

    Args:
        tau (int): half the clip length: clips have ``2 * tau`` frames.
            Defaults to 4 (the paper's 8-frame snippets).
        frame_interval (int): source frames between two frames of the clip
            at the original rate (1: consecutive frames, as the paper's
            8-frame snippets).
    """

    #: Name of the boundary type, e.g. ``'diff_class'``.
    boundary_type: str = ''
    #: Number of source videos.
    num_sources: int = 1
    #: ``'same_class'`` / ``'diff_class'`` for two-source types: how the
    #: dataset picks the second video; ``None`` for one source.
    source_relation = None

    def __init__(self, tau: int = 4, frame_interval: int = 1) -> None:
        for name, value in (('tau', tau), ('frame_interval', frame_interval)):
            if isinstance(value, bool) or int(value) != value or value < 1:
                raise ValueError(f'{name} must be a positive integer, got '
                                 f'{value!r}')
        self.tau = int(tau)
        self.frame_interval = int(frame_interval)

    @property
    def clip_len(self) -> int:
        """Frames of a synthesized clip, ``2 * tau``."""
        return 2 * self.tau

    def sample_params(self, rng: np.random.Generator) -> dict:
        """Random parameters of one clip, drawn from ``rng``."""
        return {}

    def index_map(self, **params) -> Tuple[np.ndarray, np.ndarray]:
        """``(index, weight)``, both ``2tau x num_sources``; see the module
        docstring."""
        raise NotImplementedError

    def change_point(self, **params) -> int:
        """0-based index of the last frame before the boundary, -1 if none."""
        raise NotImplementedError

    def source_lengths(self, **params) -> List[int]:
        """Source frames each source window spans (``frame_interval``
        included), i.e. the frames the paper samples from each video."""
        index, _ = self.index_map(**params)
        return [int(index[:, s].max()) + 1 for s in range(self.num_sources)]

    def __call__(self, sources: Sequence[np.ndarray], **params) -> dict:
        """Synthesize a clip from source frame windows.

        Args:
            sources: ``num_sources`` arrays ``N_s x H x W x C`` (uint8), the
                windows of consecutive source frames (at least
                :meth:`source_lengths` frames each).
            **params: as returned by :meth:`sample_params`.

        Returns:
            ``dict(imgs=2tau x H x W x C uint8, change_point=int,
            boundary_type=str)``.
        """
        if len(sources) != self.num_sources:
            raise ValueError(f'{type(self).__name__} needs '
                             f'{self.num_sources} source(s), got '
                             f'{len(sources)}')
        index, weight = self.index_map(**params)
        return dict(
            imgs=compose(sources, index, weight),
            change_point=self.change_point(**params),
            boundary_type=self.boundary_type)

    def _repr_args(self) -> str:
        return f'tau={self.tau}, frame_interval={self.frame_interval}'

    def __repr__(self) -> str:
        return f'{type(self).__name__}({self._repr_args()})'


def check_int_range(name: str, value, low: int, high: int) -> Tuple[int, int]:
    """Validate an inclusive integer range ``(a, b)`` in ``[low, high]``."""
    try:
        a, b = (int(v) for v in value)
    except (TypeError, ValueError):
        raise ValueError(f'{name} must be a pair of integers, got '
                         f'{value!r}') from None
    if (a, b) != tuple(value) or not low <= a <= b <= high:
        raise ValueError(f'{name} must be integers with {low} <= a <= b <= '
                         f'{high}, got {value!r}')
    return a, b
