from typing import Sequence

import numpy as np
from mmcv.transforms import BaseTransform

from tsptools.core.clip_preprocess import resize_frames
from tsptools.registry import TRANSFORMS


@TRANSFORMS.register_module()
class ResizeClip(BaseTransform):
    """Resize every frame of a clip to a fixed ``size = (height, width)``
    with the official TSP resize: float bilinear interpolation,
    ``align_corners=False``, no antialiasing, aspect ratio not kept
    (:func:`tsptools.core.clip_preprocess.resize_frames`; the paper configs
    use ``(128, 171)``).

    Feature extraction applies the same function to the same frames, so an
    extracted clip equals the validation pipeline's clip.

    Required keys: ``imgs`` (``H x W x 3`` frames, uint8 or float).

    Modified keys: ``imgs`` (float32 frames, values still in ``[0, 255]``),
    ``img_shape``.

    Args:
        size (tuple[int, int]): ``(height, width)`` of the output frames.
    """

    def __init__(self, size: Sequence[int] = (128, 171)) -> None:
        if len(size) != 2 or min(size) < 1:
            raise ValueError(f'size must be (height, width), got {size!r}')
        self.size = (int(size[0]), int(size[1]))

    def transform(self, results: dict) -> dict:
        frames = resize_frames(np.stack(results['imgs']), self.size)
        results['imgs'] = list(frames)
        results['img_shape'] = self.size
        return results

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(size={self.size})'
