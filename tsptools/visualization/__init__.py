"""Feature analysis (pure numpy) behind ``tools/analysis_tools/``.

Kept free of torch and mmengine imports so that the analysis tools start
fast; training logs go through mmengine's own ``Visualizer`` (see
``docs/en/user_guides/analysis.md``, "Logging").
"""
from .feature_analysis import (FeatureStore, aggregate_fg_bg,
                               boundary_pair_mask, boundary_times,
                               consecutive_abs_differences,
                               cosine_similarity_matrix, fg_bg_similarities,
                               find_annotation, foreground_mask, l2_normalize,
                               load_annotations, load_encoder_features,
                               load_video_features, manifest_clip_times,
                               parse_named_paths, regular_times,
                               resolve_times, select_videos,
                               split_boundary_differences, spread_times)

__all__ = [
    'FeatureStore', 'aggregate_fg_bg', 'boundary_pair_mask',
    'boundary_times', 'consecutive_abs_differences',
    'cosine_similarity_matrix', 'fg_bg_similarities', 'find_annotation',
    'foreground_mask', 'l2_normalize', 'load_annotations',
    'load_encoder_features', 'load_video_features', 'manifest_clip_times',
    'parse_named_paths', 'regular_times', 'resolve_times', 'select_videos',
    'split_boundary_differences', 'spread_times'
]
