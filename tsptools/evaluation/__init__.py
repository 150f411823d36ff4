"""Evaluation: pure-numpy functions and the mmengine metrics that wrap them.

``tsptools.evaluation.functional`` needs numpy only, and importing it (as
``tools/analysis_tools/eval_localization.py`` does) must not import torch or
mmengine, so this package does not import the metrics by itself: they load
on first use (``tsptools.evaluation.DetectionMAP``, ``import
tsptools.evaluation.metrics``). The registries' ``locations`` and
``register_all_modules()`` import ``tsptools.evaluation.metrics``, so the
metrics register themselves whatever was imported before.
"""
import importlib

#: The metrics of ``tsptools.evaluation.metrics``, loaded on first use.
_METRICS = ('ClipAccuracy', 'ContrastiveAccuracy', 'DetectionMAP',
            'ProposalAR')

__all__ = list(_METRICS)


def __getattr__(name):
    if name in _METRICS:
        return getattr(importlib.import_module('.metrics', __name__), name)
    raise AttributeError(f'module {__name__!r} has no attribute {name!r}')


def __dir__():
    return sorted(set(globals()) | set(_METRICS))
