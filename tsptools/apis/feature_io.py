"""Reading and writing extracted features (see
``docs/en/user_guides/feature_extraction.md``, "Output").

Layouts of an output folder ``OUT``:

- ``npy``: ``OUT/<video>.npy`` (``T x C`` float32, what OpenTAD reads) and
  ``OUT/clip_times/<video>.npy`` (``T`` float64 seconds);
- ``csv``: ``OUT/<video>.csv`` (a header ``f0,...,f<C-1>`` then ``T`` rows,
  what mmaction2's BMN reads) and ``OUT/clip_times/<video>.npy``;
- ``h5``: ``OUT/features.h5``, one ``T x C`` float32 dataset per video at the
  root (the official TSP layout: ``f[video][()]``) with the attributes
  ``clip_times``, ``fps``, ``num_frames``, ``num_clips``, ``status``;
- ``pkl``: ``OUT/features.pkl``, a dict ``{video: {'features', 'clip_times',
  'fps', 'num_frames', 'num_clips', 'status'}}``;

and always ``OUT/manifest.json``. Work files live in ``OUT/.extract/``.

Every file is written under a temporary name (``.<name>.<pid>.tmp`` in the
same folder), flushed to disk and renamed into place, so a killed run never
leaves a truncated file under a final name.
"""
import json
import os
import os.path as osp
import pickle
from typing import Callable, Dict, Iterator, Optional, Tuple

import numpy as np

FORMATS = ('npy', 'h5', 'pkl', 'csv')
#: Formats with one file per video (the others merge into one file).
PER_VIDEO_FORMATS = ('npy', 'csv')
MERGED_NAMES = dict(h5='features.h5', pkl='features.pkl')
TIMES_DIR = 'clip_times'
WORK_DIR = '.extract'
PARTS_DIR = 'parts'
TMP_SUFFIX = '.tmp'
# h5 attributes larger than 64 KiB (long clip-time vectors) need the
# HDF5 1.8 file format (readable by any HDF5 >= 1.8).
H5_LIBVER = ('v108', 'v108')


def tmp_path(path: str) -> str:
    """The temporary name ``path`` is written under."""
    folder, name = osp.split(path)
    return osp.join(folder, f'.{name}.{os.getpid()}{TMP_SUFFIX}')


def atomic_write(path: str, write: Callable, binary: bool = True) -> None:
    """Call ``write(file_object)`` on a temporary file, flush it to disk and
    rename it to ``path``; the temporary file is removed on error."""
    os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
    tmp = tmp_path(path)
    try:
        with open(tmp, 'wb' if binary else 'w') as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        if osp.exists(tmp):
            os.remove(tmp)


def atomic_save_json(path: str, obj) -> None:
    atomic_write(path, lambda f: json.dump(obj, f, indent=1), binary=False)


def atomic_write_h5(path: str, fill: Callable) -> None:
    """Create an HDF5 file with ``fill(h5file)`` under a temporary name,
    then rename it to ``path``."""
    import h5py
    os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
    tmp = tmp_path(path)
    try:
        with h5py.File(tmp, 'w', libver=H5_LIBVER) as f:
            fill(f)
        with open(tmp, 'rb') as f:
            os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        if osp.exists(tmp):
            os.remove(tmp)


def remove_stale_tmp(folder: str) -> int:
    """Delete the temporary files that killed runs left in ``folder``."""
    removed = 0
    if not osp.isdir(folder):
        return 0
    for name in os.listdir(folder):
        if name.startswith('.') and name.endswith(TMP_SUFFIX):
            os.remove(osp.join(folder, name))
            removed += 1
    return removed


# ----------------------------------------------------------------------------
# Per-video outputs
# ----------------------------------------------------------------------------


def video_output_path(out_dir: str, name: str, fmt: str) -> str:
    """The file that holds ``name``'s features until the merge: the final
    file for ``npy``/``csv``, the work part for ``h5``/``pkl``."""
    if fmt in PER_VIDEO_FORMATS:
        return osp.join(out_dir, f'{name}.{fmt}')
    if fmt in MERGED_NAMES:
        return osp.join(out_dir, WORK_DIR, PARTS_DIR, f'{name}.npz')
    raise ValueError(f'format must be one of {FORMATS}, got {fmt!r}')


def times_path(out_dir: str, name: str) -> str:
    return osp.join(out_dir, TIMES_DIR, f'{name}.npy')


def _save_npy(array: np.ndarray) -> Callable:
    return lambda f: np.save(f, array, allow_pickle=False)


def _save_csv(features: np.ndarray) -> Callable:

    def write(f):
        header = ','.join(f'f{i}' for i in range(features.shape[1]))
        np.savetxt(f, features, fmt='%.8g', delimiter=',', header=header,
                   comments='')

    return write


def save_video_output(out_dir: str, name: str, fmt: str,
                      features: np.ndarray, clip_times: np.ndarray,
                      info: dict) -> str:
    """Write one video's features (atomically); returns the features file.

    For per-video formats the clip times are written first, so a features
    file under its final name always has its times next to it.
    """
    features = np.ascontiguousarray(features, dtype=np.float32)
    clip_times = np.asarray(clip_times, dtype=np.float64)
    path = video_output_path(out_dir, name, fmt)
    if fmt in PER_VIDEO_FORMATS:
        atomic_write(times_path(out_dir, name), _save_npy(clip_times))
        atomic_write(path, _save_npy(features) if fmt == 'npy' else
                     _save_csv(features))
    else:
        meta = json.dumps({k: info.get(k) for k in
                           ('fps', 'num_frames', 'num_clips', 'status')})

        def write(f):
            np.savez(f, features=features, clip_times=clip_times,
                     meta=np.array(meta))

        atomic_write(path, write)
    return path


def _read_part(path: str) -> dict:
    with np.load(path, allow_pickle=False) as data:
        entry = json.loads(str(data['meta']))
        entry['features'] = data['features']
        entry['clip_times'] = data['clip_times']
    return entry


# ----------------------------------------------------------------------------
# Merged files
# ----------------------------------------------------------------------------


def merged_path(out_dir: str, fmt: str) -> str:
    return osp.join(out_dir, MERGED_NAMES[fmt])


def merged_names(out_dir: str, fmt: str) -> set:
    """Videos already in the merged file of ``out_dir`` (empty if none)."""
    path = merged_path(out_dir, fmt)
    if not osp.exists(path):
        return set()
    if fmt == 'h5':
        import h5py
        with h5py.File(path, 'r') as f:
            return set(f.keys())
    with open(path, 'rb') as f:
        return set(pickle.load(f))


def merge_parts(out_dir: str, fmt: str, names) -> Tuple[str, int]:
    """Write the merged ``h5``/``pkl`` file of the videos ``names`` from their
    parts and from the existing merged file (which also keeps the videos of
    earlier runs), then delete the parts.

    ``h5`` is written one video at a time (old entries are copied inside
    HDF5), so memory stays at one video; ``pkl`` holds everything in memory.

    Returns:
        ``(path, number of videos in it)``.
    """
    path = merged_path(out_dir, fmt)
    parts_dir = osp.join(out_dir, WORK_DIR, PARTS_DIR)
    old_names = merged_names(out_dir, fmt)
    parts = {}
    for name in sorted(names):
        part = osp.join(parts_dir, f'{name}.npz')
        if osp.exists(part):
            parts[name] = part
        elif name not in old_names:
            raise FileNotFoundError(f'no features of video {name!r} in '
                                    f'{parts_dir} or {path}')
    all_names = sorted(set(parts) | old_names)

    if fmt == 'h5':
        import h5py

        def fill(f):
            old = h5py.File(path, 'r') if old_names else None
            try:
                for name in all_names:
                    if name in parts:
                        _write_h5_entry(f, name, _read_part(parts[name]))
                    else:
                        old.copy(old[name], f, name=name)
            finally:
                if old is not None:
                    old.close()

        atomic_write_h5(path, fill)
    else:
        data = dict(_iter_merged(path, fmt)) if old_names else {}
        for name, part in parts.items():
            data[name] = _read_part(part)
        data = {name: data[name] for name in all_names}
        atomic_write(path, lambda f: pickle.dump(data, f, protocol=4))
    for part in parts.values():
        os.remove(part)
    return path, len(all_names)


def _write_h5_entry(f, name: str, entry: dict) -> None:
    dset = f.create_dataset(name, data=entry['features'])
    dset.attrs['clip_times'] = entry['clip_times']
    for key in ('fps', 'num_frames', 'num_clips', 'status'):
        if entry.get(key) is not None:
            dset.attrs[key] = entry[key]


def _iter_merged(path: str, fmt: str) -> Iterator[Tuple[str, dict]]:
    if fmt == 'h5':
        import h5py
        with h5py.File(path, 'r') as f:
            for name in f:
                dset = f[name]
                entry = {key: _plain(value)
                         for key, value in dset.attrs.items()}
                entry['features'] = dset[()]
                entry['clip_times'] = np.asarray(
                    dset.attrs['clip_times'], dtype=np.float64)
                yield name, entry
    else:
        with open(path, 'rb') as f:
            yield from pickle.load(f).items()


def _plain(value):
    if isinstance(value, bytes):
        return value.decode()
    if isinstance(value, np.generic):
        return value.item()
    return value


# ----------------------------------------------------------------------------
# Reading back
# ----------------------------------------------------------------------------


def read_csv_features(path: str) -> np.ndarray:
    """``T x C`` float32 of a ``csv`` feature file (a header line, then one
    row per step: mmaction2's BMN layout)."""
    return np.loadtxt(path, dtype=np.float32, delimiter=',', skiprows=1,
                      ndmin=2)


def load_features(path: str, fmt: Optional[str] = None
                  ) -> Dict[str, Tuple[np.ndarray, np.ndarray]]:
    """``{video: (features T x C float32, clip_times T float64)}`` of an
    output folder (any format) or of a ``features.h5``/``.pkl`` file.

    The format is read from the folder's ``manifest.json`` unless given.
    Only trusted ``.pkl`` files should be loaded (pickle runs code).
    """
    if osp.isfile(path):
        fmt = fmt or osp.splitext(path)[1][1:]
        return {
            name: (np.asarray(e['features'], dtype=np.float32),
                   np.asarray(e['clip_times'], dtype=np.float64))
            for name, e in _iter_merged(path, fmt)
        }
    if fmt is None:
        with open(osp.join(path, 'manifest.json')) as f:
            fmt = json.load(f)['format']
    if fmt in MERGED_NAMES:
        return load_features(merged_path(path, fmt), fmt)
    out = {}
    for name in sorted(os.listdir(path)):
        stem, ext = osp.splitext(name)
        if ext != f'.{fmt}' or name.startswith('.'):
            continue
        full = osp.join(path, name)
        if fmt == 'npy':
            features = np.load(full, allow_pickle=False)
        else:
            features = read_csv_features(full)
        out[stem] = (features.astype(np.float32, copy=False),
                     np.load(times_path(path, stem), allow_pickle=False))
    return out


def _as_features(value, where: str) -> np.ndarray:
    if isinstance(value, dict):
        if 'features' not in value:
            raise ValueError(f'{where}: a dict without "features"')
        value = value['features']
    array = np.asarray(value)
    if array.ndim == 1:  # a single clip, or a GVF-like vector
        array = array[None]
    if array.ndim != 2 or not np.issubdtype(array.dtype, np.number):
        raise ValueError(f'{where}: expected T x C numbers, got '
                         f'{array.dtype} {array.shape}')
    return array.astype(np.float32, copy=False)


def read_feature_arrays(path: str) -> Dict[str, np.ndarray]:
    """``{video: T x C float32}`` from features written by tsptools or by
    others, in any of these layouts:

    * a tsptools output folder (with ``manifest.json``, any format);
    * a folder of per-video ``<video>.npy``, ``<video>.pkl`` (an array or a
      dict with ``features``, as the official extractor writes them) or
      ``<video>.csv`` (mmaction2's BMN layout, one header line) files;
    * an ``.h5`` / ``.hdf5`` file with one dataset per video at the root
      (the official TSP files) or one group per video holding ``features``;
    * a ``.pkl`` file of ``{video: array}`` or ``{video: {'features':
      ...}}``; a ``.npy`` file is one video named by its stem.

    Only trusted ``.pkl`` files should be read (pickle runs code).

    Raises:
        FileNotFoundError: ``path`` does not exist.
        ValueError: an entry is not a ``T x C`` array (names it).
    """
    if osp.isdir(path):
        if osp.isfile(osp.join(path, 'manifest.json')):
            return {name: feats for name, (feats, _) in
                    load_features(path).items()}
        out = {}
        for name in sorted(os.listdir(path)):
            stem, ext = osp.splitext(name)
            full = osp.join(path, name)
            if name.startswith('.') or not osp.isfile(full):
                continue
            if ext == '.npy':
                out[stem] = _as_features(np.load(full, allow_pickle=False),
                                         full)
            elif ext == '.pkl':
                with open(full, 'rb') as f:
                    out[stem] = _as_features(pickle.load(f), full)
            elif ext == '.csv':
                out[stem] = read_csv_features(full)
        if not out:
            raise ValueError(f'{path}: no .npy, .pkl or .csv features')
        return out
    if not osp.isfile(path):
        raise FileNotFoundError(f'Features not found: {path}')
    ext = osp.splitext(path)[1].lower()
    if ext in ('.h5', '.hdf5'):
        import h5py
        out = {}
        with h5py.File(path, 'r') as f:
            for name, item in f.items():
                if isinstance(item, h5py.Group):
                    if 'features' not in item:
                        raise ValueError(f'{path}: group {name} has no '
                                         '"features" dataset')
                    item = item['features']
                out[name] = _as_features(item[()], f'{path}:{name}')
        return out
    if ext == '.pkl':
        with open(path, 'rb') as f:
            data = pickle.load(f)
        if not isinstance(data, dict):
            raise ValueError(f'{path}: expected a dict of videos, got '
                             f'{type(data).__name__}')
        return {str(name): _as_features(value, f'{path}:{name}')
                for name, value in data.items()}
    if ext == '.npy':
        return {osp.splitext(osp.basename(path))[0]: _as_features(
            np.load(path, allow_pickle=False), path)}
    raise ValueError(f'{path}: unknown features file (expected a folder, '
                     '.h5, .hdf5, .pkl or .npy)')


# ----------------------------------------------------------------------------
# Run logs
# ----------------------------------------------------------------------------


def append_record(path: str, record: dict) -> None:
    """Append one JSON line and flush it to disk."""
    os.makedirs(osp.dirname(osp.abspath(path)), exist_ok=True)
    with open(path, 'a') as f:
        f.write(json.dumps(record) + '\n')
        f.flush()
        os.fsync(f.fileno())


def read_records(folder: str) -> Dict[str, dict]:
    """The last record of each video in the ``log.*.jsonl`` files of
    ``folder``: a finished one (``ok``/``short``) wins over a failure, and a
    line cut short by a kill is ignored."""
    records: Dict[str, dict] = {}
    if not osp.isdir(folder):
        return records
    for name in sorted(os.listdir(folder)):
        if not (name.startswith('log.') and name.endswith('.jsonl')):
            continue
        with open(osp.join(folder, name)) as f:
            for line in f:
                try:
                    record = json.loads(line)
                except json.JSONDecodeError:
                    continue
                if not isinstance(record, dict) or 'name' not in record:
                    continue
                old = records.get(record['name'])
                if old is None or _rank(record) >= _rank(old):
                    records[record['name']] = record
    return records


def _rank(record: dict) -> Tuple[int, float]:
    return (record.get('status') != 'failed', record.get('time', 0.0))
