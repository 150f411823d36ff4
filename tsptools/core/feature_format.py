"""The features format: the files ``tools/extract_features.py`` writes, its
``manifest.json``, and reading features back (see
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

and always ``OUT/manifest.json`` (:class:`FeatureManifest`). Work files live
in ``OUT/.extract/``: the run logs ``log.rank<r>.jsonl``
(:func:`append_record`, :func:`read_records`) and, for ``h5``/``pkl``, one
``parts/<video>.npz`` per video until the merge (:func:`merge_parts`).

Every file is written under a temporary name (``.<name>.<pid>.tmp`` in the
same folder), flushed to disk and renamed into place, so a killed run never
leaves a truncated file under a final name.

:class:`FeatureStore` reads these layouts and the ones others exchange (the
official TSP h5 files, folders of per-video arrays); features stored without
times are placed on the extraction grid by :func:`grid_feature_times`.

numpy and the standard library only; ``h5py`` is imported when an HDF5 file
is read or written.
"""
import json
import os
import os.path as osp
import pickle
from dataclasses import dataclass, field, fields
from typing import Callable, Dict, Iterator, List, Optional, Tuple, Union

import numpy as np

from .clip_plan import grid_clip_times, resize_features

FORMATS = ('npy', 'h5', 'pkl', 'csv')
#: Formats with one file per video (the others merge into one file).
PER_VIDEO_FORMATS = ('npy', 'csv')
MERGED_NAMES = dict(h5='features.h5', pkl='features.pkl')
MANIFEST_NAME = 'manifest.json'
TIMES_DIR = 'clip_times'
WORK_DIR = '.extract'
PARTS_DIR = 'parts'
TMP_SUFFIX = '.tmp'
# h5 attributes larger than 64 KiB (long clip-time vectors) need the
# HDF5 1.8 file format (readable by any HDF5 >= 1.8).
H5_LIBVER = ('v108', 'v108')
#: The per-video attributes of ``h5`` datasets and ``pkl`` entries.
VIDEO_ATTRS = ('fps', 'num_frames', 'num_clips', 'status')

#: The manifest's ``clip_time``: where a feature sits in time (the rule of
#: :func:`tsptools.core.clip_plan.clip_centre_times`).
CLIP_TIME_RULE = ('centre of the source frames a clip covers: (f + '
                  'min(f + clip_len*q, N)) / 2 / fps seconds, f = first '
                  'source frame of the clip, q = source frames per sampled '
                  'frame (fps / target fps, or frame_interval), N = source '
                  'frames')

# ----------------------------------------------------------------------------
# Atomic writes
# ----------------------------------------------------------------------------


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


def manifest_path(out_dir: str) -> str:
    return osp.join(out_dir, MANIFEST_NAME)


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
        meta = json.dumps({k: info.get(k) for k in VIDEO_ATTRS})

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
        data = dict(_iter_pkl(path)) if old_names else {}
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
    for key in VIDEO_ATTRS:
        if entry.get(key) is not None:
            dset.attrs[key] = entry[key]


def _iter_pkl(path: str) -> Iterator[Tuple[str, dict]]:
    with open(path, 'rb') as f:
        yield from pickle.load(f).items()


# ----------------------------------------------------------------------------
# Run logs (OUT/.extract/log.rank<r>.jsonl)
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


# ----------------------------------------------------------------------------
# Times of features stored without them
# ----------------------------------------------------------------------------


def grid_feature_times(settings: dict, fps: float, num: int,
                       num_clips: Optional[int] = None,
                       num_frames: Optional[int] = None) -> np.ndarray:
    """Times (s) of the ``num`` stored feature steps of a video at ``fps``
    whose file holds no clip times, by the rule of the extraction: the clip
    centres of :func:`~tsptools.core.clip_plan.grid_clip_times` for the
    extraction grid ``settings`` (``clip_len``, ``fps`` = target rate,
    ``frame_interval``, ``stride``).

    Args:
        num_clips: clips of the grid before a rescaling to ``num`` steps
            (``resize_to``; the manifest's ``num_clips``); default ``num``.
            The clip times are then rescaled as the features were
            (:func:`~tsptools.core.clip_plan.resize_features`).
        num_frames: frames of the video (the manifest's ``num_frames``): a
            padded last clip (``tail='pad'``) and the single clip of a video
            shorter than one clip are centred on their real frames, as
            extraction does. Unknown (None): no end cap.
    """
    clips = int(num_clips or num)
    times = grid_clip_times(settings, float(fps), clips,
                            None if num_frames is None else int(num_frames))
    return times if clips == num else resize_features(times, num)


def spread_times(num: int, duration: float) -> np.ndarray:
    """``num`` features spread evenly over ``duration`` seconds: the centres
    ``(k + 0.5) * duration / num``."""
    return (np.arange(num) + 0.5) * float(duration) / num


# ----------------------------------------------------------------------------
# The manifest
# ----------------------------------------------------------------------------


@dataclass
class FeatureManifest:
    """``OUT/manifest.json``: what was extracted, how, and each video's
    record (fields in the order of the file; keys of other writers are kept
    in ``extra``).

    ``videos[name]``: ``filename``, ``status`` (``ok`` / ``short`` /
    ``failed``), ``T``, ``num_clips``, ``fps``, ``num_frames``, ``duration``,
    ``feature_frame``, ``error``, ``file``. The counts are about the videos
    of the run that wrote the file; ``videos`` lists every video ever
    extracted into the folder.
    """
    tsptools_version: Optional[str] = None
    created: Optional[str] = None
    config: Optional[str] = None
    checkpoint: Union[str, List[str], None] = None
    checkpoint_sha256: Optional[str] = None
    format: Optional[str] = None
    output: Optional[str] = None
    settings: Optional[dict] = None
    clip_time: Optional[str] = None
    time_grid: Optional[dict] = None
    num_videos: Optional[int] = None
    num_ok: Optional[int] = None
    num_short: Optional[int] = None
    num_failed: Optional[int] = None
    videos: Dict[str, dict] = field(default_factory=dict)
    extra: dict = field(default_factory=dict)

    @classmethod
    def from_dict(cls, data: dict) -> 'FeatureManifest':
        names = {f.name for f in fields(cls)} - {'extra'}
        known = {k: v for k, v in data.items() if k in names}
        if known.get('videos') is None:
            known['videos'] = {}
        return cls(**known,
                   extra={k: v for k, v in data.items() if k not in names})

    @classmethod
    def from_file(cls, path: str) -> 'FeatureManifest':
        """Read ``path``, a ``manifest.json`` or the folder that holds it."""
        if osp.isdir(path):
            path = manifest_path(path)
        with open(path) as f:
            data = json.load(f)
        if not isinstance(data, dict):
            raise ValueError(f'{path}: a manifest is a JSON object')
        return cls.from_dict(data)

    def to_dict(self) -> dict:
        out = {f.name: getattr(self, f.name) for f in fields(self)
               if f.name != 'extra'}
        out.update(self.extra)
        return out

    def save(self, out_dir: str) -> str:
        """Write ``out_dir/manifest.json`` atomically; returns its path."""
        path = manifest_path(out_dir)
        atomic_save_json(path, self.to_dict())
        return path

    def is_complete(self) -> bool:
        """Whether the run that wrote it finished every video (``ok`` or
        ``short``) without failures."""
        return self.num_failed == 0 and self.num_videos is not None and \
            (self.num_ok or 0) + (self.num_short or 0) == self.num_videos

    def entry(self, name: str) -> dict:
        """A copy of video ``name``'s record (empty if it has none)."""
        return dict(self.videos.get(name) or {})

    def clip_times(self, name: str, num: int) -> Optional[np.ndarray]:
        """Times of ``num`` steps of ``name`` from the ``settings`` and the
        video's ``fps``, ``num_clips``, ``num_frames``
        (:func:`grid_feature_times`); None without settings or fps."""
        entry = self.entry(name)
        if not self.settings or not entry.get('fps'):
            return None
        return grid_feature_times(self.settings, float(entry['fps']), num,
                                  entry.get('num_clips'),
                                  entry.get('num_frames'))


def read_manifest(folder: str) -> Optional[FeatureManifest]:
    """The manifest of ``folder``, or None when it has none."""
    path = manifest_path(folder)
    return FeatureManifest.from_file(path) if osp.isfile(path) else None


# ----------------------------------------------------------------------------
# Reading back
# ----------------------------------------------------------------------------


def read_csv_features(path: str) -> np.ndarray:
    """``T x C`` float32 of a ``csv`` feature file (a header line, then one
    row per step: mmaction2's BMN layout)."""
    return np.loadtxt(path, dtype=np.float32, delimiter=',', skiprows=1,
                      ndmin=2)


#: Per-video files of a folder without manifest, in order of preference.
_BARE_EXTS = ('.npy', '.pkl', '.csv')


class FeatureStore:
    """Lazy read access to extracted features, tsptools' or others'.

    ``path`` may be:

    * a folder with ``manifest.json``: its ``format`` decides (``npy``/
      ``csv``: ``<video>.<ext>`` plus ``clip_times/<video>.npy``; ``h5`` /
      ``pkl``: the merged file, the manifest's ``output``);
    * a folder without manifest: ``features.h5``, ``features.pkl``, or
      per-video ``<video>.npy``, ``<video>.pkl`` (an array or a dict with
      ``features``, as the official extractor writes) and ``<video>.csv``
      files (clip times used when ``clip_times/`` has them);
    * an ``.h5``/``.hdf5`` file with one ``T x C`` dataset per video at the
      root (the official TSP layout; attribute ``clip_times`` optional) or
      one group per video holding ``features`` (and optionally
      ``clip_times``); a ``.pkl`` file of ``{video: array or dict(features,
      clip_times)}``; an ``.npy`` file, one video named by its stem.

    A ``manifest.json`` next to a file is read too. ``fmt`` forces the
    format of a folder. Arrays are read when asked for (a ``pkl`` file is
    loaded whole: trusted files only, pickle runs code); an HDF5 file is
    opened once per process, and the store pickles without it (DataLoader
    workers).

    Raises:
        FileNotFoundError: ``path`` does not exist.
        ValueError: an unknown file type or format.
    """

    def __init__(self, path: str, fmt: Optional[str] = None) -> None:
        if not osp.exists(path):
            raise FileNotFoundError(f'Features not found: {path}')
        self.path = path
        self.folder = path if osp.isdir(path) else osp.dirname(path)
        self.manifest: Optional[FeatureManifest] = read_manifest(
            self.folder)
        self.file: Optional[str] = None
        self._exts: Tuple[str, ...] = ()
        manifest_fmt = self.manifest.format if self.manifest else None
        if osp.isfile(path):
            self.file, self.format = path, self._format_of_file(path)
        elif (fmt or manifest_fmt) in MERGED_NAMES:
            self.format = fmt or manifest_fmt
            output = self.manifest.output if fmt in (None, manifest_fmt) \
                else None
            self.file = osp.join(path, output or MERGED_NAMES[self.format])
        elif fmt or manifest_fmt or self.manifest is not None:
            self.format = fmt or manifest_fmt or 'npy'
            self._exts = (f'.{self.format}', )
        elif osp.isfile(osp.join(path, MERGED_NAMES['h5'])):
            self.format, self.file = 'h5', osp.join(path, MERGED_NAMES['h5'])
        elif osp.isfile(osp.join(path, MERGED_NAMES['pkl'])):
            self.format = 'pkl'
            self.file = osp.join(path, MERGED_NAMES['pkl'])
        else:
            self.format, self._exts = 'npy', _BARE_EXTS
        if self.format not in FORMATS:
            raise ValueError(f'{path}: unknown feature format '
                             f'{self.format!r}')
        self._h5 = None
        self._h5_pid = None
        self._pkl = None
        if self.format == 'pkl' and self.file is not None:
            with open(self.file, 'rb') as f:
                data = pickle.load(f)
            if not isinstance(data, dict):
                raise ValueError(f'{self.file}: expected a dict of videos, '
                                 f'got {type(data).__name__}')
            self._pkl = {str(name): entry for name, entry in data.items()}

    @staticmethod
    def _format_of_file(path: str) -> str:
        ext = osp.splitext(path)[1].lower()
        if ext in ('.h5', '.hdf5'):
            return 'h5'
        if ext in ('.pkl', '.pickle'):
            return 'pkl'
        if ext == '.npy':
            return 'npy'
        raise ValueError(f'{path}: unknown features file (expected a '
                         'folder, .h5, .hdf5, .pkl or .npy)')

    @property
    def per_video(self) -> bool:
        """Whether each video has its own file in :attr:`folder`."""
        return self.file is None

    # -- listing -------------------------------------------------------

    def names(self) -> set:
        """The videos of the store."""
        if self.format == 'h5':
            return set(self._h5file().keys())
        if self.format == 'pkl' and self.file is not None:
            return set(self._pkl)
        if self.file is not None:  # one .npy file
            return {osp.splitext(osp.basename(self.file))[0]}
        names = set()
        with os.scandir(self.path) as entries:
            for entry in entries:
                stem, ext = osp.splitext(entry.name)
                if ext in self._exts and not stem.startswith('.') and \
                        entry.is_file():
                    names.add(stem)
        return names

    def _video_file(self, name: str) -> str:
        for ext in self._exts:
            full = osp.join(self.path, name + ext)
            if osp.isfile(full):
                return full
        return osp.join(self.path, name + self._exts[0])

    def file_of(self, name: str) -> str:
        """The file that holds ``name``'s features (for messages)."""
        if self.file is not None:
            if self.format in MERGED_NAMES:
                return f'{self.file}[{name!r}]'
            return self.file
        return self._video_file(name)

    def manifest_entry(self, name: str) -> dict:
        """``name``'s record in the manifest (empty without one)."""
        return self.manifest.entry(name) if self.manifest else {}

    def shape(self, name: str) -> Tuple[int, ...]:
        """Shape of ``name``'s array, read without loading it (npy, h5)."""
        if self.format == 'h5':
            return tuple(self._h5_features(name).shape)
        path = self.file_of(name)
        if path.endswith('.npy'):
            return tuple(
                np.load(path, mmap_mode='r', allow_pickle=False).shape)
        return tuple(np.shape(self._raw(name)[0]))

    # -- reading -------------------------------------------------------

    def _h5file(self):
        import h5py
        if self._h5 is None or self._h5_pid != os.getpid():
            self._h5 = h5py.File(self.file, 'r')
            self._h5_pid = os.getpid()
        return self._h5

    def _h5_features(self, name: str):
        item = self._h5file()[name]
        if hasattr(item, 'keys'):  # a group per video
            if 'features' not in item:
                raise ValueError(f'{self.file}: group {name} has no '
                                 '"features" dataset')
            return item['features']
        return item

    @staticmethod
    def _split_entry(entry, where: str):
        if isinstance(entry, dict):
            if 'features' not in entry:
                raise ValueError(f'{where}: a dict without "features"')
            return entry['features'], entry.get('clip_times')
        return entry, None

    def _raw(self, name: str):
        """``(features as stored, clip times or None)``."""
        where = self.file_of(name)
        if self.format == 'h5':
            dset = self._h5_features(name)
            item = self._h5file()[name]
            times = item['clip_times'][()] if hasattr(item, 'keys') and \
                'clip_times' in item else dset.attrs.get('clip_times')
            return dset[()], times
        if self.format == 'pkl' and self.file is not None:
            return self._split_entry(self._pkl[name], where)
        if where.endswith('.csv'):
            features, times = read_csv_features(where), None
        elif where.endswith('.pkl'):
            with open(where, 'rb') as f:
                features, times = self._split_entry(pickle.load(f), where)
        else:
            features, times = np.load(where, allow_pickle=False), None
        if self.file is None and times is None:
            times_file = times_path(self.path, name)
            if osp.isfile(times_file):
                times = np.load(times_file, allow_pickle=False)
        return features, times

    def load(self, name: str) -> Tuple[np.ndarray, Optional[np.ndarray]]:
        """``(features T x C float32, clip_times T float64 or None)``.

        Raises:
            ValueError: the clip times do not match the features.
        """
        features, times = self._raw(name)
        features = np.asarray(features, dtype=np.float32)
        if times is not None:
            times = np.asarray(times, dtype=np.float64).reshape(-1)
            if len(times) != len(features):
                raise ValueError(
                    f'{self.file_of(name)}: {len(features)} features but '
                    f'{len(times)} clip times')
        return features, times

    def clip_times(self, name: str, num: int) -> Optional[np.ndarray]:
        """Times of ``num`` steps of ``name`` when its file stores none:
        from the manifest (:meth:`FeatureManifest.clip_times`), else
        None."""
        if self.manifest is None:
            return None
        return self.manifest.clip_times(name, num)

    def close(self) -> None:
        if self._h5 is not None:
            self._h5.close()
        self._h5 = self._h5_pid = None

    def __getstate__(self):
        state = dict(self.__dict__)
        state['_h5'] = None
        state['_h5_pid'] = None
        return state


def load_features(path: str, fmt: Optional[str] = None
                  ) -> Dict[str, Tuple[np.ndarray, np.ndarray]]:
    """``{video: (features T x C float32, clip_times T float64)}`` of an
    output folder (any format) or of a ``features.h5``/``.pkl`` file.

    The format of a folder is read from its ``manifest.json`` unless given.
    Only trusted ``.pkl`` files should be loaded (pickle runs code).

    Raises:
        ValueError: a video has no clip times (not a tsptools output).
    """
    store = FeatureStore(path, fmt)
    out = {}
    for name in sorted(store.names()):
        features, times = store.load(name)
        if times is None:
            raise ValueError(f'{store.file_of(name)}: no clip times')
        out[name] = (features, times)
    return out


def _as_features(value, where: str) -> np.ndarray:
    array = np.asarray(value)
    if array.ndim == 1:  # a single clip, or a GVF-like vector
        array = array[None]
    if array.ndim != 2 or not np.issubdtype(array.dtype, np.number):
        raise ValueError(f'{where}: expected T x C numbers, got '
                         f'{array.dtype} {array.shape}')
    return array.astype(np.float32, copy=False)


def read_feature_arrays(path: str) -> Dict[str, np.ndarray]:
    """``{video: T x C float32}`` of any layout :class:`FeatureStore` reads
    (clip times ignored; a 1-D entry is one step).

    Only trusted ``.pkl`` files should be read (pickle runs code).

    Raises:
        FileNotFoundError: ``path`` does not exist.
        ValueError: an entry is not a ``T x C`` array (names it), or a
            folder holds no features.
    """
    store = FeatureStore(path)
    names = sorted(store.names())
    if not names and store.per_video:
        raise ValueError(f'{path}: no .npy, .pkl or .csv features')
    return {name: _as_features(store._raw(name)[0], store.file_of(name))
            for name in names}


__all__ = [
    'FORMATS', 'PER_VIDEO_FORMATS', 'MERGED_NAMES', 'MANIFEST_NAME',
    'TIMES_DIR', 'WORK_DIR', 'PARTS_DIR', 'TMP_SUFFIX', 'H5_LIBVER',
    'VIDEO_ATTRS', 'CLIP_TIME_RULE', 'tmp_path', 'atomic_write',
    'atomic_save_json', 'atomic_write_h5', 'remove_stale_tmp',
    'video_output_path', 'times_path', 'manifest_path', 'save_video_output',
    'merged_path', 'merged_names', 'merge_parts', 'append_record',
    'read_records', 'grid_feature_times', 'spread_times', 'FeatureManifest',
    'read_manifest', 'read_csv_features', 'FeatureStore', 'load_features',
    'read_feature_arrays'
]
