import logging
from typing import List, Optional, Sequence

import numpy as np
from mmengine.dataset import BaseDataset, force_full_init
from mmengine.logging import print_log

from tsptools.registry import DATASETS, SYNTHESIZERS
from .trimmed_video_dataset import TrimmedVideoDataset

#: The four boundary types of BSP (Sec. 3.2) in the paper's order
#: ``S = {S_dc, S_sc, S_ds, S_ss}``: boundary labels 0, 1, 2, 3.
DEFAULT_SYNTHESIZERS = (
    dict(type='DiffClassSynthesizer'),
    dict(type='SameClassSynthesizer'),
    dict(type='DiffSpeedSynthesizer'),
    dict(type='SameSpeedSynthesizer'),
)

#: Draws of a different-class partner before falling back to an explicit
#: list of the candidates.
_MAX_REJECTIONS = 64


@DATASETS.register_module()
class BoundarySynthesisDataset(TrimmedVideoDataset):
    """Synthetic boundary clips of BSP (Xu et al., 2021, Sec. 3.2) made
    from a trimmed, class-labelled video list.

    The list is read as :class:`TrimmedVideoDataset` reads it (mmaction2's
    ``relative/path.mp4 label`` lines). The dataset has ``samples_per_video
    x videos`` samples. Sample ``idx`` draws, in this order, from
    ``rng = numpy.random.default_rng([seed, epoch, idx])``:

    1. its boundary type ``k`` from ``mixture`` (``boundary_label = k``, the
       position of the synthesizer in ``synthesizers``);
    2. for two-source types, the second video: uniformly among the *other*
       videos of the anchor's class (same-class) or among the videos of the
       other classes (diff-class); the anchor (first) video is video
       ``idx % videos``;
    3. the synthesizer's parameters (``sample_params``: epsilon, t, gamma);
    4. one offset ``u`` in ``[0, 1)`` per source, where its frame window
       starts (see :class:`SynthesizeBoundary`).

    ``epoch`` is set by :class:`DatasetEpochHook` through :meth:`set_epoch`
    in training, so samples change across epochs and are the same in every
    worker and rank; ``test_mode=True`` always uses ``test_epoch``, so the
    validation samples are identical at every validation.

    ``get_data_info(idx)`` returns ``dict(filename, video_name`` (of the
    anchor), ``sample_idx, boundary_label, boundary_type, synthesizer`` (the
    synthesizer object), ``synth_params, sources`` (``[dict(filename,
    video_name, action_label, offset)]``), ``source_labels)``. It carries no
    ``action_label``: a synthesized clip is not a sample of an action class
    (pack ``action_label`` with a default of -1 when training an action head
    alongside).

    Args:
        ann_file (str): trimmed list file.
        synthesizers (Sequence[dict], optional): synthesizer configs (registry
            ``SYNTHESIZERS``), in label order. Every one must make clips of
            the same length. Defaults to the four types of the paper with
            their defaults (labels ``diff_class=0, same_class=1,
            diff_speed=2, same_speed=3``). The binary subsets of Table 4 are
            e.g. ``[DiffSpeedSynthesizer, SameSpeedSynthesizer]``.
        mixture (Sequence[float], optional): relative frequency of each
            synthesizer (normalised). Defaults to uniform.
        samples_per_video (int): samples per listed video and epoch.
            Defaults to 1.
        seed (int): non-negative seed of every draw. Defaults to 0.
        test_epoch (int): the epoch used in test mode. Defaults to 0.
        data_prefix, num_classes, check_files: as in
            :class:`TrimmedVideoDataset`.
        **kwargs: passed to :class:`mmengine.dataset.BaseDataset`
            (``pipeline``, ``test_mode``, ``indices`` (selects videos) ...).
    """

    def __init__(self,
                 ann_file: str,
                 synthesizers: Optional[Sequence[dict]] = None,
                 mixture: Optional[Sequence[float]] = None,
                 samples_per_video: int = 1,
                 seed: int = 0,
                 test_epoch: int = 0,
                 data_prefix: Optional[dict] = None,
                 num_classes: Optional[int] = None,
                 check_files: bool = True,
                 **kwargs) -> None:
        cfgs = DEFAULT_SYNTHESIZERS if synthesizers is None else synthesizers
        self.synthesizers = [
            s if not isinstance(s, dict) else SYNTHESIZERS.build(dict(s))
            for s in cfgs
        ]
        if not self.synthesizers:
            raise ValueError('synthesizers is empty')
        lengths = {s.clip_len for s in self.synthesizers}
        if len(lengths) != 1:
            raise ValueError('all synthesizers must make clips of the same '
                             f'length (2 tau), got {self.synthesizers}')
        self.clip_len = lengths.pop()
        if mixture is None:
            mixture = [1.0] * len(self.synthesizers)
        mixture = np.asarray(mixture, dtype=np.float64)
        if mixture.shape != (len(self.synthesizers), ) or \
                (mixture < 0).any() or mixture.sum() <= 0:
            raise ValueError('mixture must give one non-negative weight per '
                             f'synthesizer ({len(self.synthesizers)}), not '
                             f'all zero; got {mixture.tolist()}')
        self.mixture = mixture / mixture.sum()
        for name, value, low in (('samples_per_video', samples_per_video, 1),
                                 ('seed', seed, 0), ('test_epoch', test_epoch,
                                                     0)):
            if isinstance(value, bool) or int(value) != value or value < low:
                raise ValueError(f'{name} must be an integer >= {low}, got '
                                 f'{value!r}')
        self.samples_per_video = int(samples_per_video)
        self.seed = int(seed)
        self.test_epoch = int(test_epoch)
        self.epoch = 0
        self._labels: Optional[np.ndarray] = None
        self._by_class: dict = {}
        super().__init__(
            ann_file=ann_file,
            data_prefix=data_prefix,
            num_classes=num_classes,
            check_files=check_files,
            **kwargs)
        self._metainfo.update(boundary_types=tuple(
            s.boundary_type for s in self.synthesizers))

    @property
    def boundary_types(self) -> List[str]:
        """Boundary type of each label."""
        return [s.boundary_type for s in self.synthesizers]

    def set_epoch(self, epoch: int) -> None:
        """Set the epoch of the training draws (ignored in test mode)."""
        self.epoch = int(epoch)

    def full_init(self) -> None:
        if self._fully_initialized:
            return
        super().full_init()
        labels = np.array([
            BaseDataset.get_data_info(self, i)['action_label']
            for i in range(self.num_videos)
        ], dtype=np.int64)
        self._labels = labels
        self._by_class = {
            int(c): np.flatnonzero(labels == c)
            for c in np.unique(labels)
        }
        used = [s for s, p in zip(self.synthesizers, self.mixture) if p > 0]
        relations = {s.source_relation for s in used}
        if 'diff_class' in relations and len(self._by_class) < 2:
            raise ValueError(f'{self.ann_file}: diff-class boundaries need '
                             'videos of at least two classes')
        if 'same_class' in relations:
            single = [c for c, v in self._by_class.items() if len(v) < 2]
            if single:
                print_log(
                    f'{self.ann_file}: classes {single[:5]} have a single '
                    'video; their same-class boundaries join two windows of '
                    'that video', logger='current', level=logging.WARNING)

    @property
    def num_videos(self) -> int:
        """Number of listed videos (after ``indices``)."""
        return BaseDataset.__len__(self)

    @force_full_init
    def __len__(self) -> int:
        return self.num_videos * self.samples_per_video

    def _partner(self, anchor: int, relation: str,
                 rng: np.random.Generator) -> int:
        label = int(self._labels[anchor])
        if relation == 'same_class':
            members = self._by_class[label]
            if len(members) < 2:
                return anchor
            r = int(rng.integers(len(members) - 1))
            pos = int(np.searchsorted(members, anchor))
            return int(members[r if r < pos else r + 1])
        if relation == 'diff_class':
            for _ in range(_MAX_REJECTIONS):
                j = int(rng.integers(len(self._labels)))
                if self._labels[j] != label:
                    return j
            others = np.flatnonzero(self._labels != label)
            return int(others[rng.integers(len(others))])
        raise ValueError(f'unknown source relation {relation!r}')

    def _source(self, index: int, offset: float) -> dict:
        info = BaseDataset.get_data_info(self, index)
        return dict(
            filename=info['filename'],
            video_name=info['video_name'],
            action_label=int(info['action_label']),
            offset=float(offset))

    @force_full_init
    def get_data_info(self, idx: int) -> dict:
        n = len(self)
        if not -n <= idx < n:
            raise IndexError(f'index {idx} out of range for a dataset of '
                             f'{n} samples')
        idx = int(idx) % n
        epoch = self.test_epoch if self.test_mode else self.epoch
        rng = np.random.default_rng([self.seed, epoch, idx])
        label = int(rng.choice(len(self.synthesizers), p=self.mixture))
        synth = self.synthesizers[label]
        videos = [idx % self.num_videos]
        if synth.num_sources == 2:
            videos.append(self._partner(videos[0], synth.source_relation,
                                        rng))
        elif synth.num_sources != 1:
            raise ValueError(f'{type(synth).__name__}: num_sources must be 1 '
                             'or 2')
        params = synth.sample_params(rng)
        offsets = rng.random(len(videos))
        sources = [self._source(v, u) for v, u in zip(videos, offsets)]
        return dict(
            filename=sources[0]['filename'],
            video_name=sources[0]['video_name'],
            sample_idx=idx,
            boundary_label=label,
            boundary_type=synth.boundary_type,
            synthesizer=synth,
            synth_params=params,
            sources=sources,
            source_labels=[s['action_label'] for s in sources])
