import os.path as osp
from typing import List, Optional

from mmengine.dataset import BaseDataset
from mmengine.logging import print_log

from tsptools.registry import DATASETS


def read_video_list(ann_file: str,
                    video_prefix: str = '',
                    labelled: bool = True,
                    num_classes: Optional[int] = None,
                    check_files: bool = True) -> List[dict]:
    """Entries of a trimmed video list: one ``path label`` a line (mmaction2's
    ``VideoDataset`` format; blank lines and ``#`` comments skipped).

    Args:
        ann_file: the list.
        video_prefix: folder the paths are relative to.
        labelled: whether every line must end with an integer label in
            ``[0, num_classes)`` (entries then hold ``action_label``); if
            not, a trailing integer is ignored and a line may be a bare path.
        num_classes: upper bound of the labels, if known.
        check_files: raise if a listed video does not exist.

    Returns:
        ``dict(filename, video_name[, action_label])`` per line.

    Raises:
        FileNotFoundError: no list, or listed videos that do not exist
            (named).
        ValueError: an empty list, or a line without a valid label (named
            by file and line number).
    """
    if not osp.isfile(ann_file):
        raise FileNotFoundError(f'Video list not found: {ann_file}')
    data_list = []
    with open(ann_file) as f:
        for lineno, line in enumerate(f, start=1):
            line = line.strip()
            if not line or line.startswith('#'):
                continue
            parts = line.rsplit(maxsplit=1)
            has_label = len(parts) == 2 and parts[1].lstrip('-').isdigit()
            path = parts[0] if has_label else line
            entry = dict(filename=osp.join(video_prefix, path),
                         video_name=osp.splitext(osp.basename(path))[0])
            if labelled:
                if len(parts) != 2:
                    raise ValueError(f'{ann_file}:{lineno}: expected '
                                     f'"path label", got "{line}"')
                if not has_label:
                    raise ValueError(f'{ann_file}:{lineno}: label '
                                     f'"{parts[1]}" is not an integer')
                label = int(parts[1])
                if label < 0 or (num_classes is not None
                                 and label >= num_classes):
                    raise ValueError(f'{ann_file}:{lineno}: unknown label '
                                     f'{label} (num_classes={num_classes})')
                entry['action_label'] = label
            data_list.append(entry)
    if not data_list:
        raise ValueError(f'Video list is empty: {ann_file}')
    if check_files:
        missing = [d['filename'] for d in data_list
                   if not osp.isfile(d['filename'])]
        if missing:
            raise FileNotFoundError(
                f'{len(missing)} video(s) listed in {ann_file} do not exist, '
                f'e.g. {missing[:3]}')
    return data_list


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
        data_list = read_video_list(self.ann_file, self.data_prefix['video'],
                                    labelled=True,
                                    num_classes=self.num_classes,
                                    check_files=self.check_files)
        print_log(
            f'{self.__class__.__name__}: {len(data_list)} videos from '
            f'{self.ann_file}', logger='current')
        return data_list
