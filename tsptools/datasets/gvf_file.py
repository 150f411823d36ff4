"""The global video feature (GVF) file of TSP: its format, reader and
writer.

One ``C``-d float32 vector per video, keyed by the video name:

- ``.h5`` / ``.hdf5``: one 1-D dataset per video at the root (the writer
  may add file attributes, e.g. the pooling and the checkpoint);
- ``.npz``: one array per video.

The reader also takes ``(1, C)`` entries and looks a video up by its file
stem (the official GVF files are keyed ``v_xxx`` for ``v_xxx.mp4``).
``UntrimmedVideoDataset`` reads the file with :func:`read_gvf`,
``tsptools.apis.gvf`` writes it with :func:`write_gvf` (atomically, with
the writers of :mod:`tsptools.core.feature_format`); see
``docs/en/user_guides/gvf.md``.
"""
import os.path as osp
from typing import Dict, Mapping, Optional

import numpy as np

from tsptools.core.feature_format import atomic_write, atomic_write_h5

GVF_EXTENSIONS = ('.h5', '.hdf5', '.npz')


def gvf_format(path: str) -> str:
    """The extension of a GVF file name (``'.h5'``, ``'.hdf5'`` or
    ``'.npz'``), or a ``ValueError`` naming the file."""
    ext = osp.splitext(path)[1].lower()
    if ext not in GVF_EXTENSIONS:
        raise ValueError(f'{path}: a GVF file must end with .h5, .hdf5 or '
                         '.npz')
    return ext


def read_gvf(path: str,
             videos: Optional[Mapping[str, str]] = None
             ) -> Dict[str, np.ndarray]:
    """``{video: C-vector}`` (float32) of the GVF file ``path``.

    Args:
        path: ``.h5``/``.hdf5`` or ``.npz``; each entry has shape ``(C,)``
            or ``(1, C)``.
        videos: ``{video_name: filename}`` to read, each looked up by its
            name, then by its file stem, and returned under its name;
            ``None``: every entry of the file, under its key.

    Raises:
        ValueError: the name is not a GVF file's, an entry is not a vector,
            the vectors differ in size, or videos of ``videos`` are missing
            (naming the first, how many and the file).
        OSError: the file cannot be opened.
    """
    ext = gvf_format(path)
    try:
        if ext == '.npz':
            store = np.load(path, allow_pickle=False)
        else:
            import h5py
            store = h5py.File(path, 'r')
    except Exception as e:  # noqa: BLE001 (any reader error)
        raise OSError(f'{path}: cannot read the GVF file: {e}') from e
    try:
        keys = set(store.keys())
        if videos is None:
            videos = {key: key for key in sorted(keys)}
        features, missing = {}, []
        for name, filename in videos.items():
            stem = osp.splitext(osp.basename(filename))[0]
            key = name if name in keys else stem if stem in keys else None
            if key is None:
                missing.append(name)
                continue
            value = np.asarray(store[key][()], dtype=np.float32)
            if value.ndim == 2 and value.shape[0] == 1:
                value = value[0]
            if value.ndim != 1:
                raise ValueError(
                    f'{path}: the GVF of video {name!r} has shape '
                    f'{value.shape}; expected (D,) (pool per-clip '
                    'features over time first)')
            features[name] = value
    finally:
        store.close()
    if missing:
        raise ValueError(
            f'{path}: no global video feature for video {missing[0]!r} '
            f'({len(missing)} of {len(videos)} videos missing, e.g. '
            f'{", ".join(map(repr, missing[:5]))}); keys are video names '
            'or file stems')
    shapes = {v.shape for v in features.values()}
    if len(shapes) > 1:
        raise ValueError(f'{path}: GVFs of different shapes {shapes}')
    return features


def write_gvf(path: str, gvfs: Dict[str, np.ndarray],
              attrs: Optional[dict] = None) -> None:
    """Write ``{video: C-vector}`` to ``.h5``/``.hdf5`` (one 1-D float32
    dataset per video at the root, ``attrs`` as file attributes) or
    ``.npz`` (one array per video), atomically."""
    ext = gvf_format(path)
    arrays = {name: np.asarray(v, dtype=np.float32).reshape(-1)
              for name, v in sorted(gvfs.items())}
    if ext == '.npz':
        atomic_write(path, lambda f: np.savez(f, **arrays))
        return
    if any('/' in name for name in arrays):
        raise ValueError('h5 dataset names cannot contain "/"')

    def fill(f):
        for key, value in (attrs or {}).items():
            f.attrs[key] = value
        for name, value in arrays.items():
            f.create_dataset(name, data=value)

    atomic_write_h5(path, fill)
