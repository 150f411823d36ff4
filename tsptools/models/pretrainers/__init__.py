from .pretrainer import Pretrainer

__all__ = ['Pretrainer']
