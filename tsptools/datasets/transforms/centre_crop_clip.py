from mmcv.transforms import BaseTransform

from tsptools.core.clip_preprocess import centre_crop_box
from tsptools.registry import TRANSFORMS


@TRANSFORMS.register_module()
class CentreCropClip(BaseTransform):
    """Centre crop of every frame at the official TSP offsets,
    ``int(round((h - crop) / 2))`` and ``int(round((w - crop) / 2))``
    (:func:`tsptools.core.clip_preprocess.centre_crop_box`): ``(8, 30)`` for
    112 from 128 x 171, where mmaction2's ``CenterCrop`` takes ``(8, 29)``.

    Required keys: ``imgs``.

    Modified keys: ``imgs``, ``img_shape``; added: ``crop_bbox``
    (``[left, top, right, bottom]``, as mmaction2's crops).

    Args:
        crop_size (int): side of the square crop.
    """

    def __init__(self, crop_size: int = 112) -> None:
        if int(crop_size) != crop_size or crop_size < 1:
            raise ValueError(f'crop_size must be a positive integer, got '
                             f'{crop_size!r}')
        self.crop_size = int(crop_size)

    def transform(self, results: dict) -> dict:
        height, width = results['imgs'][0].shape[:2]
        try:
            top, left = centre_crop_box(height, width, self.crop_size)
        except ValueError as err:
            raise ValueError(f'{results.get("filename")}: {err}') from None
        size = self.crop_size
        results['imgs'] = [
            img[top:top + size, left:left + size] for img in results['imgs']
        ]
        results['img_shape'] = (size, size)
        results['crop_bbox'] = [left, top, left + size, top + size]
        return results

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(crop_size={self.crop_size})'
