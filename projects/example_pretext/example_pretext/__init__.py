"""example_pretext: a third-party pretext task for tsptools.

Importing this package registers, in tsptools' registries:

- ``SampleSpeedClip`` (``tsptools.registry.TRANSFORMS``): samples a clip at a
  random playback speed and labels it with the speed;
- ``SpeedClassificationHead`` (``tsptools.registry.MODELS``): classifies the
  playback speed of a clip (a SpeedNet-style pretext task).

Configs load it with
``custom_imports = dict(imports=['example_pretext'], allow_failed_imports=False)``.
"""
from .sample_speed_clip import SampleSpeedClip
from .speed_head import SpeedClassificationHead

__all__ = ['SampleSpeedClip', 'SpeedClassificationHead']
__version__ = '0.1.0'
