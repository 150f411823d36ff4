"""User-facing functions: feature extraction and global video features."""
from tsptools.core.clip_plan import (DEFAULT_EXTRACT_CFG, clip_centre_times,
                        clip_frame_indices, clip_starts, make_extract_cfg,
                        num_clips, resize_features)
from .extract_to_dir import extract_to_dir
from .feature_extraction import (SequentialClipDataset, VideoFeatures,
                                 extract_video_features, file_sha256,
                                 init_encoder, iter_video_clips,
                                 iter_video_features, list_videos)
from .feature_io import load_features
from .gvf import (gvf_from_features, pool_features, precompute_gvf,
                  read_gvf, videos_of_config)

__all__ = [
    'DEFAULT_EXTRACT_CFG', 'make_extract_cfg', 'clip_starts', 'num_clips',
    'clip_frame_indices', 'clip_centre_times', 'resize_features',
    'init_encoder', 'file_sha256', 'iter_video_clips',
    'SequentialClipDataset', 'VideoFeatures', 'iter_video_features',
    'extract_video_features', 'list_videos', 'extract_to_dir',
    'load_features', 'gvf_from_features', 'pool_features', 'precompute_gvf', 'read_gvf',
    'videos_of_config'
]
