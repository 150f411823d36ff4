from .heads import *  # noqa: F401,F403
from .pretrainers import *  # noqa: F401,F403
from .wrappers import *  # noqa: F401,F403
