"""Low-level definitions shared by training, extraction and analysis.

numpy and the standard library (torch imported for the spatial resize,
``h5py`` where an HDF5 file is read or written): nothing here imports a
registry, mmengine or another tsptools package, so every layer may import
it.

* :mod:`.clip_plan`: which source frames make each clip (frame-interval or
  time-based resampling at a target fps, the official TSP rule), the clip
  grid of extraction and the time rescaling of features
  (:func:`~.clip_plan.resize_features`);
* :mod:`.annotations`: the one reader of ActivityNet-style JSON and TSP CSV
  annotations (:class:`~.annotations.VideoAnnotation` records, strictness as
  parameters, :class:`~.annotations.AnnotationError` naming file, video and
  annotation);
* :mod:`.clip_preprocess`: the spatial preprocessing of clips (the official
  float bilinear resize and centre-crop offsets);
* :mod:`.feature_format`: the extracted-features format: layouts, the
  manifest (:class:`~.feature_format.FeatureManifest`), the atomic writers,
  the one reader (:class:`~.feature_format.FeatureStore`) and the times of
  features stored without them.
"""
