"""Low-level definitions shared by training, extraction and analysis.

Pure numpy (and torch for the resize): nothing here imports a registry,
mmengine or another tsptools package, so every layer may import it.

* :mod:`.clip_plan`: which source frames make each clip (frame-interval or
  time-based resampling at a target fps, the official TSP rule) and the clip
  grid of extraction;
* :mod:`.clip_preprocess`: the spatial preprocessing of clips (the official
  float bilinear resize and centre-crop offsets).
"""
