"""Reading and writing extracted features: the names of
:mod:`tsptools.core.feature_format`, which owns the format (layouts, the
manifest, the atomic writers, the readers), kept here for the code and the
documentation that import them from ``tsptools.apis``.

See ``docs/en/user_guides/feature_extraction.md``, "Output".
"""
from tsptools.core.feature_format import (  # noqa: F401
    CLIP_TIME_RULE, FORMATS, H5_LIBVER, MANIFEST_NAME, MERGED_NAMES,
    PARTS_DIR, PER_VIDEO_FORMATS, TIMES_DIR, TMP_SUFFIX, VIDEO_ATTRS,
    WORK_DIR, FeatureManifest, FeatureStore, append_record, atomic_save_json,
    atomic_write, atomic_write_h5, load_features, manifest_path, merge_parts,
    merged_names, merged_path, read_csv_features, read_feature_arrays,
    read_manifest, read_records, remove_stale_tmp, save_video_output,
    times_path, tmp_path, video_output_path)

__all__ = [
    'CLIP_TIME_RULE', 'FORMATS', 'H5_LIBVER', 'MANIFEST_NAME',
    'MERGED_NAMES', 'PARTS_DIR', 'PER_VIDEO_FORMATS', 'TIMES_DIR',
    'TMP_SUFFIX', 'VIDEO_ATTRS', 'WORK_DIR', 'FeatureManifest',
    'FeatureStore', 'append_record', 'atomic_save_json', 'atomic_write',
    'atomic_write_h5', 'load_features', 'manifest_path', 'merge_parts',
    'merged_names', 'merged_path', 'read_csv_features',
    'read_feature_arrays', 'read_manifest', 'read_records',
    'remove_stale_tmp', 'save_video_output', 'times_path', 'tmp_path',
    'video_output_path'
]
