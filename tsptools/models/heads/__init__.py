from .tac_head import TACHead

__all__ = ['TACHead']
