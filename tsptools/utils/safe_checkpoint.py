"""Loading mmengine checkpoints with ``torch.load(weights_only=True)``.

torch >= 2.6 loads with ``weights_only=True`` by default and refuses the
objects mmengine pickles into checkpoints (its ``HistoryBuffer`` in the message
hub), so ``--resume`` fails. Turning ``weights_only`` off would let a
checkpoint run arbitrary code. Instead, :func:`allow_mmengine_checkpoints`
allow-lists exactly the globals mmengine's checkpoints contain:

- ``mmengine.logging.history_buffer.HistoryBuffer``;
- ``builtins.getattr``, bound to :func:`restricted_getattr`, which only returns
  the statistics methods of ``HistoryBuffer`` (how pickle stores
  ``HistoryBuffer.min`` etc.) and refuses everything else;
- the numpy reconstructors of arrays, dtypes and scalars (under both the
  ``numpy._core`` names of numpy 2 and the ``numpy.core`` names of numpy 1);
- ``argparse.Namespace``, the ``args`` of the official TSP checkpoints (a
  plain attribute container: unpickling it sets attributes and runs no
  code).

:func:`load_checkpoint_file` loads a local file with ``weights_only=True``
and exactly that allow-list (scoped to the call), and turns a refusal into an
error naming the file and the offending global.

Nothing changes at import. A tool that runs mmengine's Runner calls
:func:`enable_safe_checkpoint_loading` once, explicitly: it makes
:func:`load_checkpoint_file` mmengine's loader of local files (``--resume``,
``load_from``, ``init_cfg=dict(type='Pretrained')``) and adds the allow-list
to torch's global one, for code that calls ``torch.load`` itself.
"""
import argparse
import pickle

import numpy as np
import torch
from mmengine.logging.history_buffer import HistoryBuffer
from mmengine.runner.checkpoint import CheckpointLoader


def restricted_getattr(obj, name, *default):
    """``getattr`` limited to the statistics methods of ``HistoryBuffer``."""
    if obj is HistoryBuffer and isinstance(name, str) and \
            name in ('min', 'max', 'mean', 'current') + tuple(
                HistoryBuffer._statistics_methods):
        return getattr(HistoryBuffer, name)
    raise pickle.UnpicklingError(
        f'Refused getattr({obj!r}, {name!r}) in a checkpoint: only '
        'HistoryBuffer statistics methods are allowed')


def _numpy_globals():
    core = np._core if hasattr(np, '_core') else np.core
    items = [
        (core.multiarray._reconstruct, 'multiarray._reconstruct'),
        (core.multiarray.scalar, 'multiarray.scalar'),
    ]
    allowed = []
    for obj, suffix in items:
        allowed.append((obj, f'numpy._core.{suffix}'))
        allowed.append((obj, f'numpy.core.{suffix}'))
    allowed += [np.ndarray, np.dtype, (np.ndarray, 'numpy.ndarray'),
                (np.dtype, 'numpy.dtype')]
    for name in ('Float64DType', 'Int64DType', 'Float32DType', 'Int32DType',
                 'BoolDType'):
        dtype_cls = getattr(getattr(np, 'dtypes', None), name, None)
        if dtype_cls is not None:
            allowed.append((dtype_cls, f'numpy.dtypes.{name}'))
    return allowed


def checkpoint_safe_globals() -> list:
    """The globals that mmengine and official TSP checkpoints may contain,
    in the form of ``torch.serialization.add_safe_globals``."""
    return [HistoryBuffer, (restricted_getattr, 'builtins.getattr'),
            argparse.Namespace] + _numpy_globals()


def allow_mmengine_checkpoints() -> None:
    """Add :func:`checkpoint_safe_globals` to torch's global allow-list
    (every later ``torch.load(weights_only=True)`` of the process accepts
    them). Calling it again adds nothing."""
    listed = torch.serialization.get_safe_globals()
    torch.serialization.add_safe_globals(
        [g for g in checkpoint_safe_globals() if g not in listed])


def load_checkpoint_file(filename: str, map_location=None):
    """Load a local checkpoint with ``weights_only=True``.

    Raises:
        FileNotFoundError: ``filename`` does not exist.
        pickle.UnpicklingError: the checkpoint holds an object outside the
            allow-list; the message names the file.
    """
    import os.path as osp
    if not osp.isfile(filename):
        raise FileNotFoundError(f'Checkpoint not found: {filename}')
    try:
        with torch.serialization.safe_globals(checkpoint_safe_globals()):
            return torch.load(
                filename, map_location=map_location, weights_only=True)
    except pickle.UnpicklingError as err:
        raise pickle.UnpicklingError(
            f'Refused to load checkpoint {filename}: it contains objects '
            f'that are not allowed in a safe (weights_only) load. '
            f'{str(err).splitlines()[0]}') from err


def _load_from_local(filename, map_location=None):
    filename = filename[7:] if filename.startswith('file://') else filename
    return load_checkpoint_file(filename, map_location)


def enable_safe_checkpoint_loading() -> None:
    """Make mmengine load local checkpoints through
    :func:`load_checkpoint_file` and allow-list the globals of mmengine
    checkpoints for the whole process (:func:`allow_mmengine_checkpoints`).

    Call it once at the start of a tool that runs the Runner (``tools/
    train.py``, ``tools/test.py`` do); without it, mmengine 0.10 under
    torch >= 2.6 cannot ``--resume``. Calling it again changes nothing.
    """
    allow_mmengine_checkpoints()
    # Replace mmengine's local-file loader (the fallback scheme '').
    CheckpointLoader.register_scheme(prefixes='', force=True)(_load_from_local)
