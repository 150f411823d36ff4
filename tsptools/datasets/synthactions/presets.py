"""Sizes of the SynthActions presets (documented in
``docs/en/user_guides/synthactions.md``).

``height x width`` is the frame size. libx264 needs even sizes in yuv420p, so
the standard preset is 128x172 rather than the 128x171 that TSP resizes to
(the one extra column is resized away by the training pipeline).

``untrimmed``:
    ``counts``: videos per subset; ``duration``: video length range (s);
    ``instances``: instances per video (inclusive range);
    ``instance_duration``: instance length range (s); ``min_gap``: least
    background between two instances (s); ``max_action_fraction``: the
    instances of a video cover at most this fraction of it;
    ``edge_probability``: chance that an instance starts at 0 s (or ends at
    the end of the video); otherwise there is background at both ends.
``trimmed``:
    ``clip_duration`` (s) and ``clips_per_class`` per list.
"""
import copy
from typing import Dict, Optional

#: Frame rate of every SynthActions video.
FPS = 30

PRESETS: Dict[str, dict] = {
    'tiny':
    dict(
        height=64,
        width=86,
        crf=23,
        untrimmed=dict(
            counts=dict(training=4, validation=2, testing=2),
            duration=(8.0, 12.0),
            instances=(1, 2),
            instance_duration=(1.5, 3.0),
            min_gap=1.5,
            max_action_fraction=0.75,
            edge_probability=0.1),
        trimmed=dict(clip_duration=2.0, clips_per_class=dict(train=1,
                                                             val=1))),
    'small':
    dict(
        height=64,
        width=86,
        crf=23,
        untrimmed=dict(
            counts=dict(training=24, validation=12, testing=8),
            duration=(20.0, 40.0),
            instances=(1, 4),
            instance_duration=(1.5, 12.0),
            min_gap=1.5,
            max_action_fraction=0.75,
            edge_probability=0.1),
        # many short clips rather than few long ones: with few actors per
        # class a classifier memorises their looks instead of their motion
        trimmed=dict(clip_duration=4.0,
                     clips_per_class=dict(train=30, val=8))),
    'standard':
    dict(
        height=128,
        width=172,
        crf=23,
        untrimmed=dict(
            counts=dict(training=200, validation=50, testing=50),
            duration=(20.0, 90.0),
            instances=(1, 4),
            instance_duration=(1.5, 20.0),
            min_gap=1.5,
            max_action_fraction=0.75,
            edge_probability=0.1),
        trimmed=dict(clip_duration=10.0,
                     clips_per_class=dict(train=50, val=10))),
}


def _merge(base: dict, update: dict, where: str = '') -> dict:
    for key, value in update.items():
        if key not in base:
            raise KeyError(f'unknown preset key {where + key!r}')
        if isinstance(value, dict):
            _merge(base[key], value, f'{where}{key}.')
        else:
            base[key] = value
    return base


def get_preset(name: str, overrides: Optional[dict] = None) -> dict:
    """A copy of preset ``name`` with ``overrides`` merged in (nested dicts,
    e.g. ``{'untrimmed': {'counts': {'training': 2}}}``)."""
    if name not in PRESETS:
        raise KeyError(f'unknown preset {name!r}, '
                       f'choose from {sorted(PRESETS)}')
    cfg = copy.deepcopy(PRESETS[name])
    if overrides:
        _merge(cfg, copy.deepcopy(overrides))
    for key in ('duration', 'instances', 'instance_duration'):
        cfg['untrimmed'][key] = list(cfg['untrimmed'][key])
    if cfg['height'] % 2 or cfg['width'] % 2:
        raise ValueError('SynthActions frame sizes must be even (yuv420p), '
                         f"got {cfg['height']}x{cfg['width']}")
    return cfg
