"""The videos to extract: ``(name, path)`` pairs from a list file or a
folder (:func:`list_videos`), named by file stem (:func:`videos_from_paths`).
"""
import os
import os.path as osp
from typing import Dict, List, Optional, Sequence, Tuple

VideoEntry = Tuple[str, str]  # (video name, file path)

VIDEO_EXTENSIONS = ('.mp4', '.mkv', '.avi', '.webm', '.mov', '.m4v', '.mpg',
                    '.mpeg', '.flv', '.wmv', '.3gp')


def list_videos(video_list: Optional[str] = None,
                video_dir: Optional[str] = None,
                video_root: Optional[str] = None) -> List[VideoEntry]:
    """``(name, path)`` of the videos to extract, sorted by name; the name
    is the file name without extension.

    Args:
        video_list: text file with one video path per line (blank lines and
            ``#`` comments skipped), relative to ``video_root`` if given.
        video_dir: folder searched recursively for files with an extension
            of :data:`VIDEO_EXTENSIONS` (hidden files skipped).
        video_root: prefix of the paths of ``video_list``.

    Raises:
        ValueError: neither or both sources, no video, or two videos with
            the same name.
    """
    if (video_list is None) == (video_dir is None):
        raise ValueError('give exactly one of video_list and video_dir')
    paths = []
    if video_list is not None:
        with open(video_list) as f:
            for line in f:
                line = line.strip()
                if line and not line.startswith('#'):
                    paths.append(osp.join(video_root, line)
                                 if video_root else line)
        source = video_list
    else:
        if not osp.isdir(video_dir):
            raise FileNotFoundError(f'Video folder not found: {video_dir}')
        for root, dirs, files in os.walk(video_dir):
            dirs[:] = sorted(d for d in dirs if not d.startswith('.'))
            for name in files:
                if not name.startswith('.') and \
                        osp.splitext(name)[1].lower() in VIDEO_EXTENSIONS:
                    paths.append(osp.join(root, name))
        source = video_dir
    return videos_from_paths(paths, source)


def videos_from_paths(paths: Sequence[str],
                      source: str = 'the video list') -> List[VideoEntry]:
    """Name each path by its file stem; sorted; duplicates are an error."""
    by_name: Dict[str, str] = {}
    for path in paths:
        name = osp.splitext(osp.basename(path))[0]
        if name in by_name and by_name[name] != path:
            raise ValueError(f'{source}: two videos named {name!r}: '
                             f'{by_name[name]} and {path}')
        by_name[name] = path
    if not by_name:
        raise ValueError(f'{source}: no video found')
    return sorted(by_name.items())
