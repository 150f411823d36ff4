"""Every registry location imports, every config builds and is well named."""
import glob
import importlib
import os.path as osp
import re

import pytest
from mmengine.config import Config
from mmengine.registry import Registry

import tsptools.registry as registry_module
from tsptools.registry import MODELS, TRANSFORMS
from tsptools.utils import register_all_modules

REPO_ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
CONFIGS = sorted(
    p for p in glob.glob(osp.join(REPO_ROOT, 'configs', '**', '*.py'),
                         recursive=True) if '_base_' not in p)
REGISTRIES = {
    name: value
    for name, value in vars(registry_module).items()
    if isinstance(value, Registry) and not name.startswith('MMENGINE_')
}

# {method}[-variant]_{backbone}_{init}-pre_{G}xb{B}[-{clip_len}x{interval}]-{E}e_{dataset}.py
FIELD = r'[a-z0-9]+(?:-[a-z0-9]+)*'
NAME_RE = re.compile(rf'^(?P<method>{FIELD})_(?P<backbone>{FIELD})_'
                     rf'(?P<init>{FIELD})-pre_(?P<gpus>\d+)xb(?P<batch>\d+)'
                     rf'(?:-(?P<clip>\d+)x(?P<interval>\d+))?-(?P<epochs>\d+)e_'
                     rf'(?P<dataset>{FIELD})\.py$')


def test_registries_are_children_of_mmengine_and_locations_import():
    assert len(REGISTRIES) >= 15
    for name, registry in REGISTRIES.items():
        if name != 'SYNTHESIZERS':
            assert registry.parent is not None, name
            assert registry.parent.scope == 'mmengine', name
        assert registry.scope == 'tsptools', name
        assert registry._locations, f'{name} has no locations'
        for location in registry._locations:
            importlib.import_module(location)


def test_core_components_are_registered():
    register_all_modules()
    for name in ('Pretrainer', 'TACHead'):
        assert MODELS.get(name) is not None, name
    for name in ('DecordOpen', 'SampleClip', 'DecordReadClip',
                 'PackPretextInputs'):
        assert TRANSFORMS.get(name) is not None, name


def test_there_are_configs():
    assert CONFIGS, 'no config found'


@pytest.mark.parametrize('path', CONFIGS, ids=osp.basename)
def test_config_name_follows_style(path):
    assert NAME_RE.match(osp.basename(path)), (
        f'{osp.basename(path)} does not follow '
        '{method}[-variant]_{backbone}_{init}-pre_{G}xb{B}[-{T}x{I}]-{E}e_'
        '{dataset}.py')


def _base_depth(path):
    cfg_text = open(path).read()
    bases = re.findall(r"'([^']+\.py)'", cfg_text.split('_base_', 1)[1]
                       .split(']', 1)[0]) if '_base_' in cfg_text else []
    return 1 + max((_base_depth(osp.join(osp.dirname(path), b))
                    for b in bases), default=0) if bases else 0


@pytest.mark.parametrize('path', CONFIGS, ids=osp.basename)
def test_config_builds(path):
    register_all_modules()
    assert _base_depth(path) <= 2, 'at most two levels of _base_'
    cfg = Config.fromfile(path)
    assert cfg.default_scope == 'tsptools'
    model = MODELS.build(cfg.model)
    assert sum(p.numel() for p in model.parameters()) > 0
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader'):
        if loader in cfg:
            for step in cfg[loader].dataset.get('pipeline', []):
                assert TRANSFORMS.build(step) is not None
