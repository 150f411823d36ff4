"""Registries of tsptools, children of mmengine's root registries.

Every registry points ``locations`` at the package that imports its members, so
that building ``type='X'`` inside the ``tsptools`` scope imports the modules
that register ``X``. ``tests/test_registry.py`` imports every location.
"""
from mmengine.registry import DATA_SAMPLERS as MMENGINE_DATA_SAMPLERS
from mmengine.registry import DATASETS as MMENGINE_DATASETS
from mmengine.registry import EVALUATOR as MMENGINE_EVALUATOR
from mmengine.registry import FUNCTIONS as MMENGINE_FUNCTIONS
from mmengine.registry import HOOKS as MMENGINE_HOOKS
from mmengine.registry import LOG_PROCESSORS as MMENGINE_LOG_PROCESSORS
from mmengine.registry import LOOPS as MMENGINE_LOOPS
from mmengine.registry import METRICS as MMENGINE_METRICS
from mmengine.registry import MODEL_WRAPPERS as MMENGINE_MODEL_WRAPPERS
from mmengine.registry import MODELS as MMENGINE_MODELS
from mmengine.registry import \
    OPTIM_WRAPPER_CONSTRUCTORS as MMENGINE_OPTIM_WRAPPER_CONSTRUCTORS
from mmengine.registry import OPTIM_WRAPPERS as MMENGINE_OPTIM_WRAPPERS
from mmengine.registry import OPTIMIZERS as MMENGINE_OPTIMIZERS
from mmengine.registry import PARAM_SCHEDULERS as MMENGINE_PARAM_SCHEDULERS
from mmengine.registry import TRANSFORMS as MMENGINE_TRANSFORMS
from mmengine.registry import VISBACKENDS as MMENGINE_VISBACKENDS
from mmengine.registry import VISUALIZERS as MMENGINE_VISUALIZERS
from mmengine.registry import WEIGHT_INITIALIZERS as MMENGINE_WEIGHT_INITIALIZERS
from mmengine.registry import Registry

#: Training / validation loops.
LOOPS = Registry('loop', parent=MMENGINE_LOOPS, locations=['tsptools.engine'])
#: Hooks (GVF refresh, epoch propagation to datasets, ...).
HOOKS = Registry('hook', parent=MMENGINE_HOOKS, locations=['tsptools.engine'])
#: Datasets (trimmed lists, untrimmed videos with segments, ...).
DATASETS = Registry(
    'dataset', parent=MMENGINE_DATASETS, locations=['tsptools.datasets'])
#: Data samplers.
DATA_SAMPLERS = Registry(
    'data sampler',
    parent=MMENGINE_DATA_SAMPLERS,
    locations=['tsptools.datasets'])
#: Data transforms (decoding, sampling, boundary synthesis, packing).
TRANSFORMS = Registry(
    'transform',
    parent=MMENGINE_TRANSFORMS,
    locations=['tsptools.datasets.transforms'])
#: Boundary and pseudo-action synthesizers (BSP, PAL).
SYNTHESIZERS = Registry(
    'synthesizer', locations=['tsptools.datasets.transforms'])
#: Models: pretrainers, backbones, pretext heads, losses, localizers.
MODELS = Registry('model', parent=MMENGINE_MODELS, locations=['tsptools.models'])
#: Model wrappers (CPU-capable distributed data parallel).
MODEL_WRAPPERS = Registry(
    'model_wrapper',
    parent=MMENGINE_MODEL_WRAPPERS,
    locations=['tsptools.models'])
#: Weight initialisers.
WEIGHT_INITIALIZERS = Registry(
    'weight initializer',
    parent=MMENGINE_WEIGHT_INITIALIZERS,
    locations=['tsptools.models'])
#: Optimizers.
OPTIMIZERS = Registry(
    'optimizer', parent=MMENGINE_OPTIMIZERS, locations=['tsptools.engine'])
#: Optimizer wrappers.
OPTIM_WRAPPERS = Registry(
    'optim_wrapper', parent=MMENGINE_OPTIM_WRAPPERS, locations=['tsptools.engine'])
#: Optimizer wrapper constructors.
OPTIM_WRAPPER_CONSTRUCTORS = Registry(
    'optimizer wrapper constructor',
    parent=MMENGINE_OPTIM_WRAPPER_CONSTRUCTORS,
    locations=['tsptools.engine'])
#: Parameter schedulers.
PARAM_SCHEDULERS = Registry(
    'parameter scheduler',
    parent=MMENGINE_PARAM_SCHEDULERS,
    locations=['tsptools.engine'])
#: Metrics (clip accuracy, detection mAP, proposal AR@AN, ...).
METRICS = Registry(
    'metric', parent=MMENGINE_METRICS,
    locations=['tsptools.evaluation.metrics'])
#: Evaluators.
EVALUATOR = Registry(
    'evaluator', parent=MMENGINE_EVALUATOR,
    locations=['tsptools.evaluation.metrics'])
#: Visualizers.
VISUALIZERS = Registry(
    'visualizer',
    parent=MMENGINE_VISUALIZERS,
    locations=['tsptools.visualization'])
#: Visualisation backends.
VISBACKENDS = Registry(
    'vis_backend',
    parent=MMENGINE_VISBACKENDS,
    locations=['tsptools.visualization'])
#: Log processors.
LOG_PROCESSORS = Registry(
    'log_processor',
    parent=MMENGINE_LOG_PROCESSORS,
    locations=['tsptools.engine'])
#: Plain functions referenced from configs (collate functions, ...).
FUNCTIONS = Registry(
    'function', parent=MMENGINE_FUNCTIONS, locations=['tsptools.datasets'])
