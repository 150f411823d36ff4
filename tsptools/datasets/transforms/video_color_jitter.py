from typing import Dict

import cv2
import numpy as np
from mmcv.transforms import BaseTransform

from tsptools.registry import TRANSFORMS

#: the four operations, in the order their factors are drawn
OPERATIONS = ('brightness', 'contrast', 'saturation', 'hue')
#: grey level of RGB (ITU-R 601-2 luma, torchvision's and OpenCV's weights)
GREY = np.array([0.299, 0.587, 0.114])


def frames_as_video(imgs) -> np.ndarray:
    """A new C-contiguous float32 ``T x H x W x 3`` array of ``imgs`` (a list
    of frames or an array), so that it can be changed in place."""
    return np.array(imgs, dtype=np.float32, order='C', copy=True)


def mean_grey(video: np.ndarray) -> float:
    """Mean grey level of a whole float32 video (computed in float64 from the
    channel means)."""
    means = cv2.mean(video.reshape(-1, video.shape[-2], 3))[:3]
    return float(np.dot(GREY, means))


def adjust_brightness(video: np.ndarray, factor: float) -> np.ndarray:
    """``factor * video`` (in place)."""
    return np.multiply(video, np.float32(factor), out=video)


def adjust_contrast(video: np.ndarray, factor: float) -> np.ndarray:
    """``factor * video + (1 - factor) * m`` (in place), ``m`` the mean grey
    level of the whole video: one value for every frame."""
    offset = np.float32((1 - factor) * np.float32(mean_grey(video)))
    np.multiply(video, np.float32(factor), out=video)
    return np.add(video, offset, out=video)


def adjust_saturation(video: np.ndarray, factor: float) -> np.ndarray:
    """``factor * video + (1 - factor) * grey`` per pixel, as one 3 x 3
    colour matrix (OpenCV ``transform``)."""
    matrix = factor * np.eye(3) + (1 - factor) * np.outer(np.ones(3), GREY)
    shape = video.shape
    return cv2.transform(video.reshape(-1, shape[-2], 3),
                         matrix).reshape(shape)


def shift_hue(video: np.ndarray, shift: float) -> np.ndarray:
    """Rotate the hue by ``shift`` turns (in place): OpenCV's float HSV (hue
    in degrees, scale-free in RGB, so the 0-255 values go in unchanged), hue
    ``+ 360 * (shift mod 1)``, back to RGB (which takes the hue modulo
    360)."""
    flat = video.reshape(-1, video.shape[-2], 3)
    cv2.cvtColor(flat, cv2.COLOR_RGB2HSV, dst=flat)  # in place
    hue = flat[..., 0]
    np.add(hue, np.float32((shift % 1.0) * 360.0), out=hue)
    cv2.cvtColor(flat, cv2.COLOR_HSV2RGB, dst=flat)
    return video


_ADJUST = dict(brightness=adjust_brightness, contrast=adjust_contrast,
               saturation=adjust_saturation, hue=shift_hue)


@TRANSFORMS.register_module()
class VideoColorJitter(BaseTransform):
    """Colour jitter of a whole video with one draw of its parameters:
    torchvision's ``ColorJitter`` (MoCo v2's augmentation), the same for
    every frame.

    Draws, from numpy's global generator, in this order: a brightness,
    a contrast and a saturation factor, each uniform in
    ``[max(0, 1 - x), 1 + x]`` for its strength ``x`` (no draw when ``x`` is
    0), a hue shift uniform in ``[-hue, hue]`` turns (no draw when 0), then
    the order of the four operations (``np.random.permutation(4)``, a new
    order for every video). Each operation is followed by clipping to
    ``[0, 255]``:

    - brightness: ``f * x``;
    - contrast: ``f * x + (1 - f) * m``, ``m`` the mean grey level
      (``0.299 R + 0.587 G + 0.114 B``) of the whole video;
    - saturation: ``f * x + (1 - f) * grey(x)``, per pixel;
    - hue: the hue of OpenCV's float HSV plus ``360 * shift`` degrees,
      modulo 360.

    In float32 on the 0-255 scale, without rounding. Unlike
    ``mmaction.ColorJitter`` (mmaction2 1.1.0): the order is drawn per video
    (mmaction2 draws it once when the transform is built), the contrast mean
    is that of the whole video (per frame there), the hue is shifted on a
    continuous scale (mmaction2 adds ``int(255 * shift)`` to OpenCV's uint8
    hue of range 0-180, up to 25 of its 180 steps for ``hue=0.1``: 51
    degrees, half as much again as torchvision's 36), the output is not
    rounded to uint8, and a strength of 0 draws nothing.

    Required keys: ``imgs`` (``T`` frames ``H x W x 3``, RGB, 0-255, a list
    or an array).

    Modified keys: ``imgs`` (a float32 ``T x H x W x 3`` array).

    Added keys: ``color_jitter``, the draw: ``{'brightness': f,
    'contrast': f, 'saturation': f, 'hue': shift, 'order': [names in the
    order applied]}`` (``None`` for a strength of 0).

    Args:
        brightness (float): strength ``x`` of the brightness factor.
            Defaults to 0.4 (MoCo v2).
        contrast (float): strength of the contrast factor. Defaults to 0.4.
        saturation (float): strength of the saturation factor. Defaults to
            0.4.
        hue (float): largest hue shift, in turns (``<= 0.5``). Defaults to
            0.1.
    """

    def __init__(self,
                 brightness: float = 0.4,
                 contrast: float = 0.4,
                 saturation: float = 0.4,
                 hue: float = 0.1) -> None:
        strengths = dict(brightness=brightness, contrast=contrast,
                         saturation=saturation, hue=hue)
        for name, x in strengths.items():
            if not 0 <= float(x):
                raise ValueError(f'{name} must be >= 0, got {x!r}')
        if float(hue) > 0.5:
            raise ValueError(f'hue must be <= 0.5 turns, got {hue!r}')
        self.strengths = {k: float(v) for k, v in strengths.items()}

    def draw(self) -> Dict:
        """The factors and the order of one video (numpy's global
        generator): ``{name: factor or None, 'order': [names]}``."""
        params: Dict = {}
        for name in OPERATIONS[:3]:
            x = self.strengths[name]
            params[name] = float(np.random.uniform(max(0.0, 1 - x), 1 + x)) \
                if x > 0 else None
        hue = self.strengths['hue']
        params['hue'] = float(np.random.uniform(-hue, hue)) \
            if hue > 0 else None
        params['order'] = [OPERATIONS[i] for i in np.random.permutation(4)]
        return params

    def transform(self, results: dict) -> dict:
        params = self.draw()
        video = frames_as_video(results['imgs'])
        for name in params['order']:
            if params[name] is not None:
                video = _ADJUST[name](video, params[name])
                np.clip(video, 0, 255, out=video)
        results['imgs'] = video
        results['color_jitter'] = params
        return results

    def __repr__(self) -> str:
        args = ', '.join(f'{k}={v}' for k, v in self.strengths.items())
        return f'{self.__class__.__name__}({args})'
