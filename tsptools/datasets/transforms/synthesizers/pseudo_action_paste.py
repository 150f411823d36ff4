"""PAL's input-level transformation (Zhang et al., "Unsupervised Pre-training
for Temporal Action Localization Tasks", CVPR 2022, Sec. 3.2.1).

Pure numpy on frame arrays, so that every step can be checked exactly; the
transform :class:`PastePseudoActions` decodes the frames and calls it.
"""
import math
from typing import Dict, List, Optional, Sequence, Tuple

import cv2
import numpy as np

from tsptools.registry import SYNTHESIZERS

PASTE_MODES = ('different', 'same', 'none')
BACKGROUND_SAMPLINGS = ('uniform', 'contiguous')
_GREY = np.array([0.299, 0.587, 0.114], dtype=np.float32)


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
       0-255 scale, without rounding. The other clips are the background.
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
    7. **Spatial augmentation** of the synthesized video (MoCo v2's recipe,
       the four operations the paper names), with one set of parameters per
       video, so that it is temporally consistent within a video and
       independent between the two videos: random resized crop to
       ``crop_size`` (area fraction ``crop_scale``, aspect ratio
       ``crop_ratio``), horizontal flip (``flip_ratio``), colour jitter
       (``color_jitter`` strengths, applied with ``color_jitter_prob`` in a
       random order drawn per video), Gaussian blur (``blur_prob``, sigma
       uniform in ``blur_sigma``).

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
        crop_size (int | None): output size of the random resized crop;
            ``None`` disables cropping (the frames keep their size).
            Defaults to 112.
        crop_scale (tuple[float, float]): range of the crop area as a
            fraction of the frame. Defaults to ``(0.2, 1.0)`` (MoCo v2).
        crop_ratio (tuple[float, float]): range of the crop aspect ratio
            (width / height), drawn log-uniformly. Defaults to
            ``(3 / 4, 4 / 3)``.
        flip_ratio (float): probability of a horizontal flip. Defaults to 0.5.
        color_jitter (dict | None): ``brightness``, ``contrast``,
            ``saturation`` (factors drawn in ``[max(0, 1 - x), 1 + x]``) and
            ``hue`` (shift drawn in ``[-x, x]`` of a full turn), torchvision's
            definitions. Defaults to MoCo v2's ``(0.4, 0.4, 0.4, 0.1)``.
        color_jitter_prob (float): probability of the colour jitter.
            Defaults to 0.8.
        blur_prob (float): probability of the Gaussian blur. Defaults to 0.5.
        blur_sigma (tuple[float, float]): range of the blur's standard
            deviation in pixels of the output. Defaults to ``(0.1, 2.0)``.
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
                 background_stride: Optional[int] = None,
                 crop_size: Optional[int] = 112,
                 crop_scale: Tuple[float, float] = (0.2, 1.0),
                 crop_ratio: Tuple[float, float] = (3 / 4, 4 / 3),
                 flip_ratio: float = 0.5,
                 color_jitter: Optional[dict] = None,
                 color_jitter_prob: float = 0.8,
                 blur_prob: float = 0.5,
                 blur_sigma: Tuple[float, float] = (0.1, 2.0)) -> None:
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
        self.crop_size = None if crop_size is None else int(crop_size)
        self.crop_scale = tuple(float(x) for x in crop_scale)
        self.crop_ratio = tuple(float(x) for x in crop_ratio)
        self.flip_ratio = float(flip_ratio)
        self.color_jitter = dict(
            brightness=0.4, contrast=0.4, saturation=0.4, hue=0.1) \
            if color_jitter is None else dict(color_jitter)
        unknown = set(self.color_jitter) - {
            'brightness', 'contrast', 'saturation', 'hue'
        }
        if unknown:
            raise KeyError(f'unknown color_jitter keys {sorted(unknown)}')
        self.color_jitter_prob = float(color_jitter_prob)
        self.blur_prob = float(blur_prob)
        self.blur_sigma = tuple(float(x) for x in blur_sigma)

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
        """Draw everything about one sample except the augmentation.

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
        """Blend the regions onto their backgrounds (no augmentation).

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
            region = np.asarray(region_frames[view], dtype=np.float32)
            if self.paste == 'none':
                videos.append(region.copy())
                continue
            video = np.array(background_frames[view], dtype=np.float32)
            if video.shape[0] != self.frames_per_video:
                raise ValueError(
                    f'background of view {view} has {video.shape[0]} frames, '
                    f'expected {self.frames_per_video}')
            if video.shape[1:] != region.shape[1:]:
                raise ValueError(
                    f'source frames {region.shape[1:]} and background frames '
                    f'{video.shape[1:]} differ in size; resize them first')
            s, e = plan['regions'][view]
            beta = np.float32(plan['betas'][view])
            a, b = s * t, (e + 1) * t
            video[a:b] = beta * region + (np.float32(1) - beta) * video[a:b]
            videos.append(video)
        return videos

    def __call__(self,
                 source: np.ndarray,
                 backgrounds: Sequence[np.ndarray] = (),
                 rng=None,
                 augment: bool = True) -> Dict:
        """Synthesize the two videos from whole frame arrays.

        Args:
            source: ``T x H x W x 3`` frames of the pseudo action video.
            backgrounds: ``num_backgrounds`` arrays ``T_i x H x W x 3``.
            rng: ``numpy.random.Generator`` or seed.
            augment: apply the spatial augmentation.

        Returns:
            ``plan`` (see :meth:`sample_plan`) updated with ``videos``, the
            two float32 ``J * t x h x w x 3`` videos.
        """
        rng = _as_rng(rng)
        plan = self.sample_plan(len(source), [len(b) for b in backgrounds],
                                rng)
        regions = [source[inds] for inds in plan['source_inds']]
        bgs = [
            backgrounds[i][inds] for i, inds in zip(plan['background_ids'],
                                                    plan['background_inds'])
        ] or [None, None]
        return self.synthesize(plan, regions, bgs, rng, augment)

    def synthesize(self, plan: Dict, region_frames, background_frames, rng,
                   augment: bool = True) -> Dict:
        """:meth:`render` then (optionally) :meth:`augment` each video."""
        videos = self.render(plan, region_frames, background_frames)
        if augment:
            videos = [self.augment(v, rng) for v in videos]
        plan = dict(plan)
        plan['videos'] = videos
        return plan

    # ------------------------------------------------------------------
    # Spatial augmentation (one parameter set per video)
    # ------------------------------------------------------------------

    def crop_box(self, height: int, width: int, rng) -> Tuple[int, int, int,
                                                              int]:
        """torchvision's RandomResizedCrop box ``(y, x, h, w)``: up to 10
        draws of area and log-uniform ratio, else the centre crop of the
        closest allowed ratio."""
        area = height * width
        log_ratio = (math.log(self.crop_ratio[0]),
                     math.log(self.crop_ratio[1]))
        for _ in range(10):
            target = area * rng.uniform(*self.crop_scale)
            ratio = math.exp(rng.uniform(*log_ratio))
            w = int(round(math.sqrt(target * ratio)))
            h = int(round(math.sqrt(target / ratio)))
            if 0 < w <= width and 0 < h <= height:
                y = int(rng.integers(0, height - h + 1))
                x = int(rng.integers(0, width - w + 1))
                return y, x, h, w
        in_ratio = width / height
        if in_ratio < min(self.crop_ratio):
            w, h = width, int(round(width / min(self.crop_ratio)))
        elif in_ratio > max(self.crop_ratio):
            h, w = height, int(round(height * max(self.crop_ratio)))
        else:
            h, w = height, width
        return (height - h) // 2, (width - w) // 2, h, w

    def augment(self, video: np.ndarray, rng=None) -> np.ndarray:
        """Crop, flip, colour-jitter and blur every frame of ``video``
        (``T x H x W x 3`` float32, 0-255) with the same parameters."""
        rng = _as_rng(rng)
        video = np.asarray(video, dtype=np.float32)
        if self.crop_size is not None:
            y, x, h, w = self.crop_box(video.shape[1], video.shape[2], rng)
            size = (self.crop_size, self.crop_size)
            video = np.stack([
                cv2.resize(
                    np.ascontiguousarray(f[y:y + h, x:x + w]),
                    size,
                    interpolation=cv2.INTER_LINEAR) for f in video
            ])
        if rng.random() < self.flip_ratio:
            video = video[:, :, ::-1]
        if rng.random() < self.color_jitter_prob:
            video = self._color_jitter(video, rng)
        if rng.random() < self.blur_prob:
            sigma = float(rng.uniform(*self.blur_sigma))
            video = np.stack([
                cv2.GaussianBlur(np.ascontiguousarray(f), (0, 0), sigma)
                for f in video
            ])
        return np.ascontiguousarray(video, dtype=np.float32)

    def _color_jitter(self, video: np.ndarray, rng) -> np.ndarray:
        cj = self.color_jitter
        factors = {}
        for name in ('brightness', 'contrast', 'saturation'):
            x = float(cj.get(name, 0.0))
            factors[name] = float(rng.uniform(max(0.0, 1 - x), 1 + x)) \
                if x > 0 else None
        hue = float(cj.get('hue', 0.0))
        factors['hue'] = float(rng.uniform(-hue, hue)) if hue > 0 else None
        for name in rng.permutation(['brightness', 'contrast', 'saturation',
                                     'hue']):
            f = factors[name]
            if f is None:
                continue
            if name == 'brightness':
                video = video * np.float32(f)
            elif name == 'contrast':
                mean = np.float32((video @ _GREY).mean())
                video = np.float32(f) * video + np.float32(1 - f) * mean
            elif name == 'saturation':
                grey = (video @ _GREY)[..., None]
                video = np.float32(f) * video + np.float32(1 - f) * grey
            else:
                video = self._shift_hue(video, f)
            video = np.clip(video, 0, 255, out=video)
        return video

    @staticmethod
    def _shift_hue(video: np.ndarray, shift: float) -> np.ndarray:
        shape = video.shape
        flat = np.ascontiguousarray(video.reshape(-1, shape[-2], 3) / 255.0,
                                    dtype=np.float32)
        hsv = cv2.cvtColor(flat, cv2.COLOR_RGB2HSV)
        hsv[..., 0] = np.mod(hsv[..., 0] + shift * 360.0, 360.0)
        rgb = cv2.cvtColor(hsv, cv2.COLOR_HSV2RGB) * np.float32(255)
        return rgb.reshape(shape)

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(num_clips={self.num_clips}, '
                f'clip_len={self.clip_len}, region_clips=['
                f'{self.min_region_clips}, {self.max_region_clips}], '
                f'strides={self.strides}, beta_range={self.beta_range}, '
                f'paste={self.paste!r}, crop_size={self.crop_size})')
