"""Spatial preprocessing of clips: the one definition of the resize and the
centre crop that training, validation and extraction share.

The official TSP code (``common/transforms.py``) turns the frames into
float32 in ``[0, 1]``, resizes them with
``F.interpolate(size=(128, 171), mode='bilinear', align_corners=False)``
(aspect ratio not kept, no antialiasing), normalises, and crops 112 at
``(int(round((h - 112) / 2)), int(round((w - 112) / 2)))`` = ``(8, 30)``.
tsptools keeps pixel values in ``[0, 255]`` until the model's
``data_preprocessor`` normalises them with the same mean and std scaled by
255; bilinear interpolation is linear, so the two orders agree up to
float32 rounding (relative differences of about 1e-7).
"""
from typing import Sequence, Tuple, Union

import numpy as np


def resize_frames(frames: Union[np.ndarray, Sequence[np.ndarray]],
                  size: Tuple[int, int]) -> np.ndarray:
    """Resize ``T x H x W x C`` frames (uint8 or float) to ``size = (height,
    width)`` with the official float bilinear interpolation.

    Returns float32 ``T x height x width x C`` in the input's value range.
    """
    import torch
    import torch.nn.functional as F
    frames = np.asarray(frames)
    if frames.ndim != 4:
        raise ValueError('frames must be T x H x W x C, got shape '
                         f'{frames.shape}')
    height, width = int(size[0]), int(size[1])
    if frames.shape[1:3] == (height, width):
        return frames.astype(np.float32, copy=False)
    clip = torch.from_numpy(np.ascontiguousarray(frames)).to(torch.float32)
    clip = clip.permute(0, 3, 1, 2)  # T x C x H x W
    out = F.interpolate(clip, size=(height, width), mode='bilinear',
                        align_corners=False, antialias=False)
    return out.permute(0, 2, 3, 1).contiguous().numpy()


def centre_crop_box(height: int, width: int,
                    crop_size: int) -> Tuple[int, int]:
    """``(top, left)`` of the centre ``crop_size`` crop, as the official
    code places it: ``int(round((h - crop) / 2))`` (Python's rounding, half
    to even), so 128 x 171 -> 112 gives ``(8, 30)``. Where ``h - crop`` and
    ``w - crop`` are even this is mmaction2's ``CenterCrop`` too.

    Raises:
        ValueError: the crop is larger than the frame.
    """
    if crop_size > height or crop_size > width:
        raise ValueError(f'cannot crop {crop_size} x {crop_size} from a '
                         f'{height} x {width} frame')
    return (int(round((height - crop_size) / 2.0)),
            int(round((width - crop_size) / 2.0)))


def decode_size(height: int, width: int, short_side: int) -> Tuple[int, int]:
    """``(new_height, new_width)`` with the short side ``short_side`` and the
    aspect ratio kept (rounded half up, as mmaction2's ``Resize``)."""
    if height <= width:
        return short_side, int(width * short_side / height + 0.5)
    return int(height * short_side / width + 0.5), short_side


__all__ = ['resize_frames', 'centre_crop_box', 'decode_size']
