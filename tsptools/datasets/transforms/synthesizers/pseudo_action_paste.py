"""PAL's input-level transformation (Zhang et al., "Unsupervised Pre-training
for Temporal Action Localization Tasks", CVPR 2022, Sec. 3.2.1).

Numpy on frame arrays (OpenCV's ``addWeighted`` for the blend), so that
every step can be checked exactly; the transform :class:`PastePseudoActions`
decodes the frames, calls it and augments each synthesized video with its
``view_pipeline``.
"""
from typing import Dict, List, Optional, Sequence, Tuple

import cv2
import numpy as np

from tsptools.registry import SYNTHESIZERS

PASTE_MODES = ('different', 'same', 'none')
BACKGROUND_SAMPLINGS = ('uniform', 'contiguous')


def blend(region: np.ndarray, background: np.ndarray, beta: float,
          out: np.ndarray) -> np.ndarray:
    """``out = beta * region + (1 - beta) * background`` in one pass of
    OpenCV's ``addWeighted`` from the frames as they are (uint8 or float)
    into the float32 array ``out`` (same shape, C-contiguous), without
    rounding. The same values as the float32 expression in numpy up to one
    float32 ulp (1.5e-5 at 255), without its three passes and two
    temporary arrays."""
    width = region.shape[-2]
    beta = np.float32(beta)
    if region.dtype != background.dtype:
        region = region.astype(np.float32)
        background = background.astype(np.float32)
    cv2.addWeighted(
        np.ascontiguousarray(region).reshape(-1, width, 3), float(beta),
        np.ascontiguousarray(background).reshape(-1, width, 3),
        float(np.float32(1) - beta), 0.0, dst=out.reshape(-1, width, 3),
        dtype=cv2.CV_32F)
    return out


def _as_rng(rng) -> np.random.Generator:
    if isinstance(rng, np.random.Generator):
        return rng
    return np.random.default_rng(rng)


@SYNTHESIZERS.register_module()
class PseudoActionPaste:
    """Paste two pseudo-action regions of one video onto pseudo backgrounds.

    From a source video (the "pseudo action" video) two regions are taken; each
    is pasted (blended) onto its own background video at a random clip
    position. The result is two synthesized videos of ``num_clips`` (``J``)
    clips of ``clip_len`` (``t``) frames and the inclusive clip indices
    ``[s, e]`` of each pasted region, the supervision that PAL's alignment
    operator uses.

    For each of the two views, independently (all draws from ``rng``):

    1. **Region length** ``L`` (clips): uniform integer in
       ``[min_region_clips, max_region_clips]`` (paper: at most 6 of 8).
    2. **Scale-aware stride** ``r``: uniform over ``strides`` (paper: frame
       stride chosen from [1, 4], i.e. ``(1, 2, 3, 4)``); a single value
       disables scale-aware sampling. Only strides whose region fits in the
       source (``L * t * r <= T_src``) are drawn; if none fits, the smallest
       stride is used and the indices past the end repeat the last frame.
    3. **Region frames**: ``L * t`` frames, one every ``r`` source frames,
       from a uniformly random start (the ``L`` clips are contiguous in the
       source, ``L * t * r`` frames).
    4. **Position**: ``s`` uniform in ``[0, J - L]``, ``e = s + L - 1``.
    5. **Blending**: ``beta`` uniform in ``beta_range`` (paper: [0.6, 1.0]);
       the frames of clips ``s..e`` become
       ``beta * region + (1 - beta) * background``, in float32 on the
       0-255 scale, without rounding (:func:`blend`). The other clips are
       the background.
    6. **Background frames** (one draw per background video): a frame
       stride ``r_bg`` (``background_stride``, by default drawn from
       ``strides`` like the regions', so that the frame rate of a clip does
       not tell region from background), then ``J`` clips of ``t`` frames
       every ``r_bg`` frames. ``background_sampling='uniform'`` (default,
       the paper's "we uniformly sample 8 clips (8 frames per clip)"): clip
       ``j`` is centred in the ``j``-th of ``J`` equal segments of the whole
       video; ``'contiguous'``: the ``J`` clips follow each other
       (``J * t * r_bg`` frames from a random start). Indices are clamped to
       the video (short videos repeat frames).
    7. **Augmentation** of each synthesized video is not done here: it is
       the ``view_pipeline`` of :class:`PastePseudoActions`.

    ``paste`` selects the Table 3 settings of the paper:

    - ``'different'`` (PAL): the two regions go onto two different
      backgrounds;
    - ``'same'``: both onto the same background video ("same bkg.");
    - ``'none'``: no paste ("dense" / "dense + scale" rows and, with
      ``num_clips=1``, the single-clip baseline): each view is the region
      alone, of exactly ``J`` clips, so ``s = 0``, ``e = J - 1`` and
      ``beta = 1``; ``min/max_region_clips`` are ignored.

    Args:
        num_clips (int): clips ``J`` per synthesized video. Defaults to 8.
        clip_len (int): frames ``t`` per clip. Defaults to 8.
        min_region_clips (int): shortest region, in clips. Defaults to 1.
        max_region_clips (int): longest region, in clips. Defaults to 6.
        strides (Sequence[int]): frame strides of the scale-aware sampling.
            Defaults to ``(1, 2, 3, 4)``.
        beta_range (tuple[float, float]): range of the blending ratio.
            ``(1.0, 1.0)`` is the hard paste. Defaults to ``(0.6, 1.0)``.
        paste (str): ``'different'``, ``'same'`` or ``'none'``.
        background_sampling (str): ``'uniform'`` or ``'contiguous'``.
        background_stride (int | None): frame stride of the background
            clips; ``None`` draws it from ``strides``. Defaults to None.
    """

    def __init__(self,
                 num_clips: int = 8,
                 clip_len: int = 8,
                 min_region_clips: int = 1,
                 max_region_clips: int = 6,
                 strides: Sequence[int] = (1, 2, 3, 4),
                 beta_range: Tuple[float, float] = (0.6, 1.0),
                 paste: str = 'different',
                 background_sampling: str = 'uniform',
                 background_stride: Optional[int] = None) -> None:
        if num_clips < 1 or clip_len < 1:
            raise ValueError('num_clips and clip_len must be >= 1')
        if paste not in PASTE_MODES:
            raise ValueError(f'paste must be one of {PASTE_MODES}, got '
                             f'{paste!r}')
        if paste != 'none' and not (
                1 <= min_region_clips <= max_region_clips <= num_clips):
            raise ValueError(
                'need 1 <= min_region_clips <= max_region_clips <= '
                f'num_clips, got {min_region_clips}, {max_region_clips}, '
                f'{num_clips}')
        if background_sampling not in BACKGROUND_SAMPLINGS:
            raise ValueError('background_sampling must be one of '
                             f'{BACKGROUND_SAMPLINGS}, got '
                             f'{background_sampling!r}')
        if background_stride is not None and int(background_stride) < 1:
            raise ValueError('background_stride must be >= 1 or None')
        strides = tuple(int(r) for r in strides)
        if not strides or min(strides) < 1:
            raise ValueError(f'strides must be positive integers: {strides}')
        lo, hi = (float(b) for b in beta_range)
        if not 0.0 <= lo <= hi <= 1.0:
            raise ValueError(f'beta_range must satisfy 0 <= lo <= hi <= 1: '
                             f'{beta_range}')
        self.num_clips = int(num_clips)
        self.clip_len = int(clip_len)
        self.min_region_clips = int(min_region_clips)
        self.max_region_clips = int(max_region_clips)
        self.strides = strides
        self.beta_range = (lo, hi)
        self.paste = paste
        self.background_sampling = background_sampling
        self.background_stride = None if background_stride is None else int(
            background_stride)

    # ------------------------------------------------------------------
    # Sampling
    # ------------------------------------------------------------------

    @property
    def num_backgrounds(self) -> int:
        """Background videos one sample needs (2, 1 or 0)."""
        return {'different': 2, 'same': 1, 'none': 0}[self.paste]

    @property
    def frames_per_video(self) -> int:
        """Frames ``J * t`` of a synthesized video."""
        return self.num_clips * self.clip_len

    def background_indices(self, num_frames: int, rng=None) -> np.ndarray:
        """The ``J * t`` frame indices of a background of ``num_frames``
        frames (see the class documentation, step 6)."""
        rng = _as_rng(rng)
        J, t = self.num_clips, self.clip_len
        stride = self.background_stride or int(rng.choice(self.strides))
        span = t * stride
        within = np.arange(t) * stride
        if self.background_sampling == 'uniform':
            centres = (np.arange(J) + 0.5) * num_frames / J
            starts = np.floor(centres - span / 2 + 0.5).astype(np.int64)
            inds = starts[:, None] + within[None, :]
        else:
            start = int(rng.integers(0, max(num_frames - J * span, 0) + 1))
            inds = start + np.arange(J * t) * stride
        return inds.reshape(-1).clip(0, num_frames - 1).astype(np.int64)

    def sample_plan(self,
                    num_source_frames: int,
                    num_background_frames: Sequence[int] = (),
                    rng=None) -> Dict:
        """Draw everything about one sample.

        Args:
            num_source_frames: frames of the source (pseudo action) video.
            num_background_frames: frames of each background video
                (``num_backgrounds`` of them).
            rng: ``numpy.random.Generator`` or seed.

        Returns:
            dict with, per view (lists of 2): ``source_inds`` (``L * t``
            frame indices of the source), ``regions`` (``(s, e)``, inclusive
            clip indices), ``strides``, ``betas``, ``background_ids`` (which
            background each view uses; empty for ``paste='none'``) and
            ``background_inds`` (``J * t`` frame indices of that
            background).
        """
        rng = _as_rng(rng)
        num_source_frames = int(num_source_frames)
        if num_source_frames < 1:
            raise ValueError('the source video has no frame')
        if len(num_background_frames) < self.num_backgrounds:
            raise ValueError(f'paste={self.paste!r} needs '
                             f'{self.num_backgrounds} background videos, got '
                             f'{len(num_background_frames)}')
        J, t = self.num_clips, self.clip_len
        plan = dict(
            source_inds=[], regions=[], strides=[], betas=[],
            background_ids=[], background_inds=[])
        for view in range(2):
            if self.paste == 'none':
                length = J
            else:
                length = int(
                    rng.integers(self.min_region_clips,
                                 self.max_region_clips + 1))
            fits = [r for r in self.strides
                    if length * t * r <= num_source_frames]
            stride = int(rng.choice(fits)) if fits else min(self.strides)
            span = length * t * stride
            start = int(rng.integers(0, max(num_source_frames - span, 0) + 1))
            inds = np.minimum(start + np.arange(length * t) * stride,
                              num_source_frames - 1).astype(np.int64)
            if self.paste == 'none':
                s, beta = 0, 1.0
            else:
                s = int(rng.integers(0, J - length + 1))
                beta = float(rng.uniform(*self.beta_range))
            plan['source_inds'].append(inds)
            plan['regions'].append((s, s + length - 1))
            plan['strides'].append(stride)
            plan['betas'].append(beta)
        for bg in ([0, 1] if self.paste == 'different' else
                   [0, 0] if self.paste == 'same' else []):
            plan['background_ids'].append(bg)
            if len(plan['background_inds']) <= bg:
                plan['background_inds'].append(
                    self.background_indices(
                        int(num_background_frames[bg]), rng))
            else:
                plan['background_inds'].append(plan['background_inds'][bg])
        return plan

    # ------------------------------------------------------------------
    # Synthesis
    # ------------------------------------------------------------------

    def render(self, plan: Dict, region_frames: Sequence[np.ndarray],
               background_frames: Sequence[Optional[np.ndarray]]
               ) -> List[np.ndarray]:
        """Blend the regions onto their backgrounds.

        Args:
            plan: from :meth:`sample_plan`.
            region_frames: per view, the ``L * t x H x W x 3`` frames
                ``source[plan['source_inds'][view]]``.
            background_frames: per view, the ``J * t x H x W x 3`` frames
                of its background at ``plan['background_inds'][view]``
                (ignored for ``paste='none'``).

        Returns:
            Two float32 videos ``J * t x H x W x 3`` on the 0-255 scale.
        """
        t = self.clip_len
        videos = []
        for view in range(2):
            region = np.asarray(region_frames[view])
            if self.paste == 'none':
                videos.append(np.array(region, dtype=np.float32))
                continue
            background = np.asarray(background_frames[view])
            if background.shape[0] != self.frames_per_video:
                raise ValueError(
                    f'background of view {view} has {background.shape[0]} '
                    f'frames, expected {self.frames_per_video}')
            if background.shape[1:] != region.shape[1:]:
                raise ValueError(
                    f'source frames {region.shape[1:]} and background frames '
                    f'{background.shape[1:]} differ in size; resize them '
                    'first')
            s, e = plan['regions'][view]
            a, b = s * t, (e + 1) * t
            video = np.empty(background.shape, np.float32)
            video[:a] = background[:a]
            video[b:] = background[b:]
            blend(region, background[a:b], plan['betas'][view], video[a:b])
            videos.append(video)
        return videos

    def __call__(self,
                 source: np.ndarray,
                 backgrounds: Sequence[np.ndarray] = (),
                 rng=None) -> Dict:
        """Synthesize the two videos from whole frame arrays.

        Args:
            source: ``T x H x W x 3`` frames of the pseudo action video.
            backgrounds: ``num_backgrounds`` arrays ``T_i x H x W x 3``.
            rng: ``numpy.random.Generator`` or seed.

        Returns:
            ``plan`` (see :meth:`sample_plan`) updated with ``videos``, the
            two float32 ``J * t x H x W x 3`` videos of :meth:`render`.
        """
        rng = _as_rng(rng)
        plan = self.sample_plan(len(source), [len(b) for b in backgrounds],
                                rng)
        regions = [source[inds] for inds in plan['source_inds']]
        bgs = [
            backgrounds[i][inds] for i, inds in zip(plan['background_ids'],
                                                    plan['background_inds'])
        ] or [None, None]
        plan['videos'] = self.render(plan, regions, bgs)
        return plan

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(num_clips={self.num_clips}, '
                f'clip_len={self.clip_len}, region_clips=['
                f'{self.min_region_clips}, {self.max_region_clips}], '
                f'strides={self.strides}, beta_range={self.beta_range}, '
                f'paste={self.paste!r})')
