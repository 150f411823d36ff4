from typing import Optional, Sequence

import numpy as np
import torch
from mmcv.transforms import BaseTransform
from mmengine.structures import BaseDataElement

from tsptools.registry import TRANSFORMS


def to_tensor(value):
    """Convert numbers, sequences and arrays to tensors."""
    if isinstance(value, torch.Tensor):
        return value
    if isinstance(value, np.ndarray):
        return torch.from_numpy(np.ascontiguousarray(value))
    return torch.as_tensor(value)


@TRANSFORMS.register_module()
class PackPretextInputs(BaseTransform):
    """Pack a sample for a pretrainer.

    Required keys: ``imgs`` (array shaped by ``FormatShape``, e.g.
    ``N x C x T x H x W``) and every key of ``keys``.

    Output: ``dict(inputs=Tensor, data_samples=BaseDataElement)`` where the
    data sample holds each of ``keys`` as a tensor field (labels, the global
    video feature ...) and each of ``meta_keys`` that the sample has as
    metainfo.

    Args:
        keys (Sequence[str]): label-like fields the heads read, e.g.
            ``('action_label', 'region_label', 'gvf')``.
        meta_keys (Sequence[str]): information kept for evaluation or
            debugging.
        defaults (dict, optional): values of keys of ``keys`` that a sample
            may lack, e.g. ``dict(boundary_label=-1, action_label=-1,
            region_label=-1, gvf=[0.] * 512)`` when the samples of two
            datasets (TSP + BSP, see ``docs/en/user_guides/bsp.md``) train
            the heads of one model: -1 labels are ignored by the heads. A
            key of ``keys`` that is missing and has no default is an error.
            Defaults to None (no defaults).
    """

    def __init__(self,
                 keys: Sequence[str] = ('action_label', ),
                 meta_keys: Sequence[str] = ('video_name', 'filename',
                                             'clip_start', 'frame_inds'),
                 defaults: Optional[dict] = None):
        self.keys = tuple(keys)
        self.meta_keys = tuple(meta_keys)
        self.defaults = dict(defaults or {})
        unknown = sorted(set(self.defaults) - set(self.keys))
        if unknown:
            raise KeyError(f'PackPretextInputs: defaults {unknown} are not '
                           f'in keys {self.keys}')

    def transform(self, results: dict) -> dict:
        sample = BaseDataElement()
        for key in self.keys:
            if key not in results and key in self.defaults:
                sample.set_field(to_tensor(self.defaults[key]).clone(), key)
                continue
            if key not in results:
                raise KeyError(
                    f'PackPretextInputs: sample of {results.get("filename")} '
                    f'has no "{key}" (keys: {sorted(results)})')
            sample.set_field(to_tensor(results[key]), key)
        sample.set_metainfo(
            {k: results[k]
             for k in self.meta_keys if k in results})
        return dict(inputs=to_tensor(results['imgs']), data_samples=sample)

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(keys={self.keys}, '
                f'meta_keys={self.meta_keys}, defaults={self.defaults})')
