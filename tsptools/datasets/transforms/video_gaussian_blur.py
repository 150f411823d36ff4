from typing import Sequence

import cv2
import numpy as np
from mmcv.transforms import BaseTransform

from tsptools.registry import TRANSFORMS


@TRANSFORMS.register_module()
class VideoGaussianBlur(BaseTransform):
    """Gaussian blur of every frame of a video with one standard deviation,
    drawn uniformly in ``sigma_range`` (numpy's global generator) per video:
    MoCo v2's blur, the same for every frame. mmaction2 has no blur.

    Each frame: ``cv2.GaussianBlur(frame, (0, 0), sigma)`` in float32
    (OpenCV's kernel of ``round(8 sigma + 1) | 1`` taps for float images,
    borders reflected without repeating the edge pixel). MoCo v2 applies it
    with probability 0.5: wrap it in ``mmcv.RandomApply``.

    Required keys: ``imgs`` (``T`` frames ``H x W x C``, a list or an array).

    Modified keys: ``imgs`` (a float32 ``T x H x W x C`` array).

    Added keys: ``blur_sigma`` (the standard deviation drawn, in pixels).

    Args:
        sigma_range (tuple[float, float]): range of the standard deviation
            in pixels of the frames it receives. Defaults to ``(0.1, 2.0)``
            (MoCo v2's, for 224-pixel crops).
    """

    def __init__(self, sigma_range: Sequence[float] = (0.1, 2.0)) -> None:
        lo, hi = (float(s) for s in sigma_range)
        if not 0 < lo <= hi:
            raise ValueError(f'sigma_range must satisfy 0 < lo <= hi, got '
                             f'{sigma_range!r}')
        self.sigma_range = (lo, hi)

    def transform(self, results: dict) -> dict:
        sigma = float(np.random.uniform(*self.sigma_range))
        video = np.ascontiguousarray(results['imgs'], dtype=np.float32)
        out = np.empty(video.shape, np.float32)
        for frame, blurred in zip(video, out):
            cv2.GaussianBlur(frame, (0, 0), sigma, dst=blurred)
        results['imgs'] = out
        results['blur_sigma'] = sigma
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}('
                f'sigma_range={self.sigma_range})')
