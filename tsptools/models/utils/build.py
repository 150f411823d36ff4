from mmengine.registry import DefaultScope

from tsptools.registry import MODELS


def build_scoped_model(cfg: dict):
    """Build a model whose ``type`` may carry a scope, e.g.
    ``'mmaction.ResNet2Plus1d'``, with that scope as the default scope while
    it builds.

    mmaction2's backbones build their layers (``Conv2plus1d`` ...) through the
    *default* scope's registry; building them from the ``tsptools`` scope
    would fail to find those layers.
    """
    type_name = cfg.get('type') if isinstance(cfg, dict) else None
    scope = None
    if isinstance(type_name, str) and '.' in type_name:
        scope = type_name.split('.', 1)[0]
    with DefaultScope.overwrite_default_scope(scope):
        return MODELS.build(cfg)
