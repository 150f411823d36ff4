"""Install the example plugin so that `custom_imports` finds it from any
folder: `pip install -e projects/example_pretext` (add
`--no-build-isolation` on a machine without network access)."""
from setuptools import find_packages, setup

setup(
    name='tsptools-example-pretext',
    version='0.1.0',
    description='Example third-party pretext task (speed classification) '
    'for tsptools',
    packages=find_packages(include=['example_pretext', 'example_pretext.*']),
    python_requires='>=3.9',
    install_requires=['tsptools'],
)
