import os.path as osp

from setuptools import find_packages, setup


def read_requirements(name):
    path = osp.join(osp.dirname(__file__), 'requirements', name)
    with open(path) as f:
        return [
            line.strip() for line in f
            if line.strip() and not line.startswith('#')
        ]


def read_version():
    namespace = {}
    with open(osp.join('tsptools', 'version.py')) as f:
        exec(f.read(), namespace)
    return namespace['__version__']


setup(
    name='tsptools',
    version=read_version(),
    description='Pretraining video encoders for temporal localization: '
    'TSP, BSP and PAL on mmengine',
    long_description=open('README.md').read(),
    long_description_content_type='text/markdown',
    license='Apache-2.0',
    packages=find_packages(exclude=('configs', 'tools', 'tests', 'docs',
                                    'benchmarks', 'projects')),
    python_requires='>=3.9',
    install_requires=read_requirements('runtime.txt'),
    extras_require=dict(
        tests=read_requirements('tests.txt'),
        mmcv=['mmcv>=2.0.0,<2.1'],
        tensorboard=['tensorboard'],
    ),
    zip_safe=False,
)
