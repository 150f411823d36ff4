import numpy as np
from mmcv.transforms import BaseTransform

from tsptools.registry import TRANSFORMS
from .pyav_open import get_frames


@TRANSFORMS.register_module()
class DecordReadClip(BaseTransform):
    """Decode the frames ``frame_inds`` of an opened video.

    Required keys: ``video_reader`` (a ``decord.VideoReader`` from
    :class:`DecordOpen`, or the :class:`PyAVReader` of :class:`PyAVOpen`),
    ``frame_inds``, ``filename``.

    Added keys:
        - ``imgs``: list of ``H x W x 3`` uint8 RGB frames.
        - ``original_shape``, ``img_shape``: ``(H, W)``.
        - ``modality``: ``'RGB'`` (mmaction2's ``Flip`` reads it).

    Removed keys: ``video_reader``.
    """

    def transform(self, results: dict) -> dict:
        reader = results.pop('video_reader')
        frame_inds = np.asarray(results['frame_inds'], dtype=np.int64)
        try:
            frames = get_frames(reader, frame_inds)
        except Exception as err:
            raise RuntimeError(
                f'Failed to decode frames {frame_inds.min()}..'
                f'{frame_inds.max()} of {results["filename"]}: {err}'
            ) from err
        results['imgs'] = list(frames)
        results['original_shape'] = frames.shape[1:3]
        results['img_shape'] = frames.shape[1:3]
        results['modality'] = 'RGB'
        return results
