from mmcv.transforms import BaseTransform

from tsptools.core.clip_plan import resize_features
from tsptools.registry import TRANSFORMS


@TRANSFORMS.register_module()
class ResizeFeatures(BaseTransform):
    """Interpolate a video's features and their times linearly to
    ``resize_to`` steps (:func:`~tsptools.core.clip_plan.resize_features`:
    first and last steps kept; ActivityNet practice: 100).

    Required keys: ``features`` (``T x C``), ``feature_times`` (``T``).

    Modified keys: ``features`` (``resize_to x C``), ``feature_times``
    (``resize_to``); unchanged when ``T == resize_to``.

    Args:
        resize_to (int): number of steps.
    """

    def __init__(self, resize_to: int) -> None:
        if int(resize_to) != resize_to or resize_to < 1:
            raise ValueError(f'resize_to must be a positive integer, got '
                             f'{resize_to!r}')
        self.resize_to = int(resize_to)

    def transform(self, results: dict) -> dict:
        if len(results['features']) != self.resize_to:
            results['features'] = resize_features(results['features'],
                                                  self.resize_to)
            results['feature_times'] = resize_features(
                results['feature_times'], self.resize_to)
        return results

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(resize_to={self.resize_to})'
