from .tac_head import TACHead
from .tsp_head import TSPHead

__all__ = ['TACHead', 'TSPHead']
