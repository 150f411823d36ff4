"""The data sample of temporal action localization on clip features."""
from mmengine.structures import BaseDataElement


class LocalizationDataSample(BaseDataElement):
    """One video for a localizer: its ground truth and time grid.

    Fields set by :class:`~tsptools.datasets.transforms.PackLocalizationInputs`
    and read by the localizers and the metrics
    (:class:`~tsptools.evaluation.DetectionMAP`,
    :class:`~tsptools.evaluation.ProposalAR`):

    - ``video_name`` (str), ``duration`` (float, seconds);
    - ``gt_segments`` (``K x 2`` float64, seconds), ``gt_labels`` (``K``
      int64 class indices);
    - ``time_offset``, ``time_step`` (float, seconds): feature step ``i`` is
      centred at ``time_offset + i * time_step``; ``num_steps`` (int, ``T``).

    The localizer adds its predictions (``pred_segments``, ``pred_scores``,
    ``pred_labels``, ...) as further fields. A plain
    :class:`~mmengine.structures.BaseDataElement`, typed so that a reader
    knows which fields to expect.
    """
