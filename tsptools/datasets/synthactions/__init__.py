"""SynthActions: the synthetic video benchmark built into tsptools.

A procedural world where appearance does not reveal the action but motion
does. See ``docs/en/user_guides/synthactions.md``; generate it with
``python tools/data/generate_synthetic.py OUT_DIR --preset tiny``.

Also home of :func:`write_video`, the PyAV mp4 writer that tests use to make
small videos.
"""
from .annotations import MIN_BACKGROUND
from .generator import (GENERATOR_VERSION, default_workers,
                        generate_synthactions)
from .presets import FPS, PRESETS, get_preset
from .programs import (BASE_PROGRAMS, MAX_CLASSES, MOTION_NAMES, class_names,
                       motion_id)
from .world import SynthVideo
from .writer import VideoWriter, count_frames, write_video

__all__ = [
    'generate_synthactions', 'default_workers', 'GENERATOR_VERSION',
    'PRESETS', 'get_preset', 'FPS', 'BASE_PROGRAMS', 'MAX_CLASSES',
    'class_names', 'MOTION_NAMES', 'motion_id', 'SynthVideo', 'VideoWriter',
    'write_video', 'count_frames', 'MIN_BACKGROUND'
]
