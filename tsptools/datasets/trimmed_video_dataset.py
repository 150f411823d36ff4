import os.path as osp
from typing import List, Optional

from mmengine.dataset import BaseDataset
from mmengine.logging import print_log

from tsptools.registry import DATASETS


@DATASETS.register_module()
class TrimmedVideoDataset(BaseDataset):
    """Trimmed, class-labelled videos listed one per line.

    The list format is mmaction2's ``VideoDataset`` one: each line is
    ``relative/path.mp4 label`` (path relative to ``data_prefix['video']``,
    label an integer class index). Blank lines and lines starting with ``#``
    are ignored.

    Each sample is ``dict(filename, video_name, action_label)``.

    Args:
        ann_file (str): the list file.
        data_prefix (dict): ``dict(video=DIR)``, the folder the paths are
            relative to.
        num_classes (int, optional): if given, labels outside
            ``[0, num_classes)`` are an error.
        check_files (bool): check at start-up that every listed video exists
            (an error names the first missing ones). Defaults to True.
        **kwargs: passed to :class:`mmengine.dataset.BaseDataset`
            (``pipeline``, ``test_mode``, ...).
    """

    def __init__(self,
                 ann_file: str,
                 data_prefix: Optional[dict] = None,
                 num_classes: Optional[int] = None,
                 check_files: bool = True,
                 **kwargs) -> None:
        self.num_classes = num_classes
        self.check_files = check_files
        super().__init__(
            ann_file=ann_file,
            data_prefix=data_prefix or dict(video=''),
            **kwargs)

    def load_data_list(self) -> List[dict]:
        if not osp.isfile(self.ann_file):
            raise FileNotFoundError(f'Annotation list not found: '
                                    f'{self.ann_file}')
        data_list = []
        with open(self.ann_file) as f:
            for lineno, line in enumerate(f, start=1):
                line = line.strip()
                if not line or line.startswith('#'):
                    continue
                parts = line.rsplit(maxsplit=1)
                if len(parts) != 2:
                    raise ValueError(f'{self.ann_file}:{lineno}: expected '
                                     f'"path label", got "{line}"')
                path, label = parts
                try:
                    label = int(label)
                except ValueError:
                    raise ValueError(f'{self.ann_file}:{lineno}: label '
                                     f'"{label}" is not an integer') from None
                if label < 0 or (self.num_classes is not None
                                 and label >= self.num_classes):
                    raise ValueError(
                        f'{self.ann_file}:{lineno}: unknown label {label} '
                        f'(num_classes={self.num_classes})')
                data_list.append(
                    dict(
                        filename=osp.join(self.data_prefix['video'], path),
                        video_name=osp.splitext(osp.basename(path))[0],
                        action_label=label))
        if not data_list:
            raise ValueError(f'Annotation list is empty: {self.ann_file}')
        if self.check_files:
            missing = [d['filename'] for d in data_list
                       if not osp.isfile(d['filename'])]
            if missing:
                raise FileNotFoundError(
                    f'{len(missing)} video(s) listed in {self.ann_file} do '
                    f'not exist, e.g. {missing[:3]}')
        print_log(
            f'{self.__class__.__name__}: {len(data_list)} videos from '
            f'{self.ann_file}', logger='current')
        return data_list
