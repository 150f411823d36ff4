"""Global video features (GVF) for TSP's temporal-region head.

The clip features of every clip of a video (the extraction of
:mod:`.feature_extraction`, same decoding and clip grid) pooled over time
into one ``C``-d vector per video; see ``docs/en/user_guides/gvf.md``. The
file format, its reader and its writer are
:mod:`tsptools.datasets.gvf_file`'s (re-exported here).
"""
import copy
import logging
import os.path as osp
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
from mmengine.logging import print_log

from tsptools.datasets.dataset_wrappers import leaf_datasets
from tsptools.datasets.gvf_file import GVF_EXTENSIONS, read_gvf, write_gvf
from tsptools.utils.progress import Progress
from .feature_extraction import iter_video_features
from .video_list import VideoEntry, videos_from_paths

POOL_MODES = ('max', 'avg')


def pool_features(features: np.ndarray, pool: str = 'max') -> np.ndarray:
    """``T x C`` -> ``C`` float32, the maximum (``'max'``) or mean
    (``'avg'``) over time."""
    features = np.asarray(features, dtype=np.float32)
    if features.ndim != 2 or len(features) == 0:
        raise ValueError(f'expected T x C features, got {features.shape}')
    if pool == 'max':
        return features.max(axis=0)
    if pool == 'avg':
        return features.mean(axis=0, dtype=np.float64).astype(np.float32)
    raise ValueError(f'pool must be one of {POOL_MODES}, got {pool!r}')


def _strip_dataset_cfg(cfg: dict) -> dict:
    """A dataset config without pipeline and GVF file (which may not exist
    yet), recursively through wrappers."""
    cfg = copy.deepcopy(dict(cfg))
    if 'pipeline' in cfg or 'ann_file' in cfg:
        cfg['pipeline'] = []
    if cfg.get('gvf_file') is not None:
        cfg['gvf_file'] = None
    cfg.pop('lazy_init', None)
    if isinstance(cfg.get('dataset'), dict):
        cfg['dataset'] = _strip_dataset_cfg(cfg['dataset'])
    if isinstance(cfg.get('datasets'), (list, tuple)):
        cfg['datasets'] = [_strip_dataset_cfg(d) for d in cfg['datasets']]
    return cfg


def videos_of_config(config,
                     dataloaders: Sequence[str] = ('train_dataloader',
                                                   'val_dataloader')
                     ) -> List[VideoEntry]:
    """Unique ``(video_name, filename)`` of the datasets of ``dataloaders``
    of a config (train and validation by default), sorted by name.

    Each dataset is built with an empty pipeline and without ``gvf_file``;
    videos are read from its data list entries (``video_name``, else the
    file stem, and ``filename``).

    Raises:
        ValueError: no dataset, or one name for two different files.
    """
    from mmengine.dataset import BaseDataset

    from tsptools.registry import DATASETS
    from mmengine.registry import init_default_scope
    init_default_scope('tsptools')  # the registries import what they build

    found: Dict[str, str] = {}
    used = []
    for key in dataloaders:
        loader = config.get(key)
        if not loader or not loader.get('dataset'):
            continue
        used.append(key)
        dataset = DATASETS.build(_strip_dataset_cfg(loader['dataset']))
        for leaf in leaf_datasets(dataset):
            if isinstance(leaf, BaseDataset):
                leaf.full_init()
                infos = (BaseDataset.get_data_info(leaf, i)
                         for i in range(BaseDataset.__len__(leaf)))
            else:
                infos = (leaf.get_data_info(i) for i in range(len(leaf)))
            for info in infos:
                filename = info['filename']
                name = info.get('video_name') or \
                    osp.splitext(osp.basename(filename))[0]
                if found.setdefault(name, filename) != filename:
                    raise ValueError(
                        f'video {name!r} names two files: {found[name]} and '
                        f'{filename}')
    if not found:
        raise ValueError(f'no video in the datasets of {list(dataloaders)}')
    print_log(f'GVF: {len(found)} videos from {", ".join(used)}',
              logger='current')
    return sorted(found.items())


def precompute_gvf(model, videos: Sequence[VideoEntry], out_file: str,
                   cfg: Optional[dict] = None, pool: str = 'max',
                   progress: bool = True,
                   attrs: Optional[dict] = None
                   ) -> Tuple[Dict[str, np.ndarray], List[str]]:
    """Pool the clip features of each video over time and write them to
    ``out_file`` (:func:`write_gvf`).

    Videos that cannot be read are left out of the file (and reported);
    short videos give the features of their one padded clip.

    Called on every rank of an initialised ``torch.distributed`` group (each
    with the same ``videos``), rank ``r`` of ``n`` pools the videos ``r, r +
    n, ...`` (decoding in ``cfg['num_workers']`` DataLoader workers), rank 0
    gathers the vectors and writes the file, and every rank returns them
    all once it is written; alone, it does all the videos.

    Returns:
        ``(gvfs, failed)``: the vectors written and the failed messages.
    """
    from mmengine.dist import all_gather_object, barrier, get_dist_info
    if pool not in POOL_MODES:
        raise ValueError(f'pool must be one of {POOL_MODES}, got {pool!r}')
    videos = list(videos)
    rank, world_size = get_dist_info()
    mine = videos[rank::world_size]
    bar = Progress(len(mine), enabled=progress and rank == 0)
    gvfs: Dict[str, np.ndarray] = {}
    failed: List[str] = []
    for result in iter_video_features(model, mine, cfg,
                                      on_clips=bar.add_clips):
        if result.status == 'failed':
            failed.append(result.error)
            print_log(f'GVF: failed: {result.error}', logger='current',
                      level=logging.WARNING)
        else:
            gvfs[result.name] = pool_features(result.features, pool)
        bar.update()
    if world_size > 1:
        shards = all_gather_object((gvfs, failed))
        gvfs = {name: vector for shard, _ in shards
                for name, vector in shard.items()}
        failed = [message for _, shard in shards for message in shard]
    if gvfs and rank == 0:
        write_gvf(out_file, gvfs, attrs)
    if world_size > 1:
        barrier()  # the file is complete before any rank reads it
    return gvfs, failed


def gvf_from_features(features: str, out_file: str, pool: str = 'max',
                      videos: Optional[Sequence[str]] = None,
                      attrs: Optional[dict] = None) -> Dict[str, np.ndarray]:
    """Pool clip features that ``tools/extract_features.py`` already wrote
    (an output folder or its merged ``.h5``/``.pkl``) and write the GVF file.

    With the initial encoder's features of the same clip grid this gives the
    same vectors as :func:`precompute_gvf` without decoding the videos again
    (the demo extracts the TAC features once, for the GVF and for the
    downstream benchmark).

    Args:
        videos: names to keep (default: every video of ``features``).

    Raises:
        KeyError: a name of ``videos`` has no features.
    """
    from tsptools.core.feature_format import load_features
    stored = load_features(features)
    names = sorted(stored) if videos is None else sorted(set(videos))
    missing = [name for name in names if name not in stored]
    if missing:
        raise KeyError(f'{features}: no features for {len(missing)} videos: '
                       f'{", ".join(missing[:10])}')
    if not names:
        raise ValueError(f'{features}: no features')
    gvfs = {name: pool_features(stored[name][0], pool) for name in names}
    write_gvf(out_file, gvfs, attrs)
    return gvfs


__all__ = [
    'GVF_EXTENSIONS', 'POOL_MODES', 'pool_features', 'videos_of_config',
    'write_gvf', 'read_gvf', 'precompute_gvf', 'gvf_from_features',
    'videos_from_paths'
]
