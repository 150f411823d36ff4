import os.path as osp
from typing import List, Optional

import numpy as np
from mmengine.dataset import BaseDataset, force_full_init
from mmengine.logging import print_log

from tsptools.registry import DATASETS
from .trimmed_video_dataset import read_video_list


@DATASETS.register_module()
class PseudoActionDataset(BaseDataset):
    """Unlabeled trimmed videos for PAL: each sample is one source (pseudo
    action) video and the background videos it is pasted onto.

    The list format is that of :class:`TrimmedVideoDataset` (mmaction2's
    ``relative/path.mp4 label``) or one path per line; **labels are
    ignored** (not even stored), as PAL pre-trains without them. Blank lines
    and lines starting with ``#`` are skipped.

    Per-sample randomness: sample ``idx`` of epoch ``epoch`` draws from
    ``numpy.random.default_rng([seed, epoch, idx])`` (``epoch`` is 0 in
    test mode, so the validation samples are the same every epoch): first
    its ``num_backgrounds`` background videos, uniformly among the other
    videos of the list and distinct from each other (with replacement only
    when the list is too short, the source itself only when it is alone),
    then ``synth_seed``, the seed of every draw of the synthesis
    (:class:`PastePseudoActions`). Samples are thus the same whatever the
    number of processes and workers, and change across epochs;
    :class:`DatasetEpochHook` calls :meth:`set_epoch`.

    Each sample is ``dict(filename, video_name, background_filenames,
    background_names, synth_seed, sample_idx)``.

    Args:
        ann_file (str): the list file.
        data_prefix (dict): ``dict(video=DIR)``, the folder the paths are
            relative to.
        num_backgrounds (int): backgrounds drawn per sample. Defaults to 2
            (PAL pastes the two regions onto different videos).
        seed (int): base seed of the per-sample generators. Defaults to 0.
        check_files (bool): check at start-up that every listed video
            exists. Defaults to True.
        **kwargs: passed to :class:`mmengine.dataset.BaseDataset`
            (``pipeline``, ``test_mode``, ...).
    """

    def __init__(self,
                 ann_file: str,
                 data_prefix: Optional[dict] = None,
                 num_backgrounds: int = 2,
                 seed: int = 0,
                 check_files: bool = True,
                 **kwargs) -> None:
        if num_backgrounds < 0:
            raise ValueError('num_backgrounds must be >= 0')
        self.num_backgrounds = int(num_backgrounds)
        self.seed = int(seed)
        self.epoch = 0
        self.check_files = check_files
        super().__init__(
            ann_file=ann_file,
            data_prefix=data_prefix or dict(video=''),
            **kwargs)

    def load_data_list(self) -> List[dict]:
        data_list = read_video_list(self.ann_file, self.data_prefix['video'],
                                    labelled=False,
                                    check_files=self.check_files)
        print_log(
            f'{self.__class__.__name__}: {len(data_list)} unlabeled videos '
            f'from {self.ann_file}', logger='current')
        return data_list

    def set_epoch(self, epoch: int) -> None:
        """Set the epoch of the per-sample generators (training only)."""
        self.epoch = int(epoch)

    def background_indices(self, idx: int,
                           rng: np.random.Generator) -> List[int]:
        """``num_backgrounds`` indices of other videos for sample ``idx``."""
        n, k = BaseDataset.__len__(self), self.num_backgrounds
        if k == 0:
            return []
        if n == 1:
            return [idx] * k
        others = rng.choice(n - 1, size=k, replace=k > n - 1)
        return [int(i) + int(i >= idx) for i in others]

    @force_full_init
    def get_data_info(self, idx: int) -> dict:
        info = super().get_data_info(idx)
        idx = int(idx) % BaseDataset.__len__(self)
        epoch = 0 if self.test_mode else self.epoch
        rng = np.random.default_rng([self.seed, epoch, idx])
        backgrounds = [
            BaseDataset.get_data_info(self, i)
            for i in self.background_indices(idx, rng)
        ]
        info.update(
            background_filenames=[b['filename'] for b in backgrounds],
            background_names=[b['video_name'] for b in backgrounds],
            synth_seed=int(rng.integers(0, 2**63 - 1)),
            sample_idx=idx)
        return info
