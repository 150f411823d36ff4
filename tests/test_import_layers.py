"""The import graph of the tsptools subpackages follows one layer order, so
there is no cycle between them, counting the imports inside functions (an
AST walk of every module, not only what importing the package runs)."""
import ast
import os
import os.path as osp

import pytest

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
PACKAGE = osp.join(ROOT, 'tsptools')

#: Lowest first: a subpackage may import from its own layer or below.
LAYERS = [
    ('version', ),
    ('registry', ),
    ('core', ),
    ('evaluation', ),
    ('utils', ),
    ('datasets', ),
    ('models', ),
    ('apis', ),
    ('engine', ),
    ('visualization', ),
]
LAYER_OF = {name: i for i, names in enumerate(LAYERS) for name in names}


def _modules():
    """``{dotted name: path}`` of every module of the package."""
    out = {}
    for folder, _, files in os.walk(PACKAGE):
        for filename in files:
            if not filename.endswith('.py'):
                continue
            path = osp.join(folder, filename)
            name = osp.relpath(path, ROOT)[:-3].replace(os.sep, '.')
            if name.endswith('.__init__'):
                name = name[:-len('.__init__')]
            out[name] = path
    return out


def _imported(module, path, node, modules):
    """Dotted tsptools targets of one import statement."""
    if isinstance(node, ast.Import):
        return [a.name for a in node.names]
    base = module if path.endswith('__init__.py') else \
        module.rsplit('.', 1)[0]
    if node.level:
        parts = base.split('.')
        base = '.'.join(parts[:len(parts) - node.level + 1])
        target = base + ('.' + node.module if node.module else '')
    else:
        target = node.module or ''
    return [f'{target}.{a.name}' if f'{target}.{a.name}' in modules
            else target for a in node.names]


def _subpackage(module):
    parts = module.split('.')
    return parts[1] if len(parts) > 1 else None


def import_edges():
    """``(from module, to module, line)`` of every tsptools import."""
    modules = _modules()
    edges = []
    for module, path in modules.items():
        with open(path) as f:
            tree = ast.parse(f.read(), path)
        for node in ast.walk(tree):
            if not isinstance(node, (ast.Import, ast.ImportFrom)):
                continue
            for target in _imported(module, path, node, modules):
                if target == 'tsptools' or target.startswith('tsptools.'):
                    edges.append((module, target, node.lineno))
    return edges


def test_every_subpackage_has_a_layer():
    subpackages = {_subpackage(m) for m in _modules()} - {None}
    assert subpackages == set(LAYER_OF), (
        'add new subpackages to LAYERS in tests/test_import_layers.py')


def test_imports_go_down_the_layers():
    wrong = []
    for source, target, line in import_edges():
        a, b = _subpackage(source), _subpackage(target)
        if a is None or b is None or a == b:
            continue
        if LAYER_OF[b] > LAYER_OF[a]:
            wrong.append(f'{source}:{line} imports {target} '
                         f'({a} is below {b})')
    assert not wrong, '\n'.join(wrong)


def test_the_walk_sees_imports_inside_functions():
    # the checker itself: a function-level import is an edge
    source = 'def f():\n    from tsptools.apis import init_encoder\n'
    tree = ast.parse(source)
    node = next(n for n in ast.walk(tree) if isinstance(n, ast.ImportFrom))
    assert _imported('tsptools.core.x', 'x.py', node, {}) == ['tsptools.apis']
    relative = ast.parse('from ..apis import gvf\n').body[0]
    assert _imported('tsptools.datasets.y', 'y.py', relative,
                     {'tsptools.apis.gvf'}) == ['tsptools.apis.gvf']


@pytest.mark.parametrize('module', ['tsptools.evaluation.functional'])
def test_numpy_only_layers_import_no_torch(module):
    # evaluation.functional is pure numpy (issue #16): no torch, mmengine
    folder = osp.join(ROOT, *module.split('.'))
    for filename in os.listdir(folder):
        if filename.endswith('.py'):
            with open(osp.join(folder, filename)) as f:
                tree = ast.parse(f.read())
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    names = [a.name for a in node.names]
                elif isinstance(node, ast.ImportFrom) and not node.level:
                    names = [node.module or '']
                else:
                    continue
                for name in names:
                    assert name.split('.')[0] not in ('torch', 'mmengine',
                                                      'mmcv', 'mmaction'), \
                        f'{filename} imports {name}'
