from .boundary_regression_head import BoundaryRegressionHead
from .bsp_head import BSPHead
from .clip_cls_head import ClipClsHead
from .multi_task_head import MultiTaskHead
from .pal_projection_head import PALProjectionHead
from .pal_temporal_embedding_head import PALTemporalEmbeddingHead
from .tac_head import TACHead
from .tsp_head import TSPHead

__all__ = [
    'BoundaryRegressionHead', 'BSPHead', 'ClipClsHead', 'MultiTaskHead',
    'PALProjectionHead', 'PALTemporalEmbeddingHead', 'TACHead', 'TSPHead'
]
