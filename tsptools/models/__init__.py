from .backbones import *  # noqa: F401,F403
from .heads import *  # noqa: F401,F403
from .localizers import *  # noqa: F401,F403
from .losses import *  # noqa: F401,F403
from .pretrainers import *  # noqa: F401,F403
from .wrappers import *  # noqa: F401,F403
