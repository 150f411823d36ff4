from typing import Dict, List, Optional, Tuple, Union

import torch
import torch.nn as nn
from mmengine.model import BaseModule
from mmengine.structures import BaseDataElement

from ..utils import build_scoped_model, masked_accuracy, stack_field


class ClipClsHead(BaseModule):
    """Base of the heads that classify a clip feature into one or more
    label fields (:class:`TACHead`, :class:`TSPHead`, :class:`BSPHead`, the
    example plugin's ``SpeedClassificationHead``).

    A head has one or more *tasks*. Task ``name``, added by a subclass with
    :meth:`add_task`, is a linear layer ``fc_<name>`` on the clip features
    (after ``dropout_ratio`` dropout), trained with ``loss_cls`` against the
    data samples' ``<name>_label``:

    - samples whose label is ``ignore_index`` (-1: a background clip for the
      action task, a clip of another dataset in a :class:`MultiTaskHead`
      batch) do not count: the loss is called as
      ``loss_cls(logits, labels, ignore_index=ignore_index)``, which
      mmaction2's ``CrossEntropyLoss`` hands to ``F.cross_entropy``; a batch
      without a labelled sample gives a zero loss that still has a graph,
      not NaN;
    - logged: ``loss_<name>`` (the loss times the task's ``loss_weight``,
      which multiplies the ``loss_weight`` of ``loss_cls``, 1 by default) and
      ``acc_<name>``, the top-1 accuracy over the labelled samples;
    - ``predict`` adds ``pred_<name>`` (the softmax scores) to every data
      sample, which ``ClipAccuracy(tasks=(name, ))`` compares with
      ``<name>_label``.

    ``forward(feats)`` gives the logits: the ``N x C`` tensor of a one-task
    head, ``{task: N x C}`` otherwise. A subclass whose logits need more than
    the clip features (:class:`TSPHead` concatenates the GVF) overrides
    ``forward`` and :meth:`task_logits`, which reads those inputs from the
    data samples.

    mmaction2's ``BaseHead`` is not the base: it classifies one field
    (``gt_labels``), logs ``loss_cls`` and ``top{k}_acc`` with no ignored
    label, and writes ``pred_scores``; its loss, ``mmaction.CrossEntropyLoss``,
    is the default here.

    Args:
        loss_cls (dict, optional): config of the loss, built from the
            ``MODELS`` registry; ``None``:
            ``dict(type='mmaction.CrossEntropyLoss')``.
        dropout_ratio (float): dropout on the clip features. Defaults to 0.
        init_std (float): std of the normal init of the linear layers'
            weights (bias 0). Defaults to 0.01 (the official TSP code's).
        ignore_index (int): label of the samples a task ignores. Defaults
            to -1.
    """

    def __init__(self,
                 loss_cls: Optional[dict] = None,
                 dropout_ratio: float = 0.0,
                 init_std: float = 0.01,
                 ignore_index: int = -1) -> None:
        super().__init__(init_cfg=dict(
            type='Normal', layer='Linear', std=init_std, bias=0))
        if loss_cls is None:
            loss_cls = dict(type='mmaction.CrossEntropyLoss')
        self.loss_cls = build_scoped_model(loss_cls)
        self.dropout = nn.Dropout(dropout_ratio)
        self.ignore_index = ignore_index
        self.tasks: Tuple[str, ...] = ()
        self.loss_weights: Dict[str, float] = {}

    def add_task(self,
                 name: str,
                 in_features: int,
                 num_classes: int,
                 loss_weight: float = 1.0) -> nn.Linear:
        """Add task ``name``: the layer ``fc_<name>``, ``in_features ->
        num_classes``, trained on ``<name>_label`` with weight
        ``loss_weight``; the tasks' losses are logged in the order added."""
        if name in self.tasks:
            raise ValueError(f'{type(self).__name__} already has a task '
                             f'{name!r}')
        fc = nn.Linear(in_features, num_classes)
        setattr(self, f'fc_{name}', fc)
        self.tasks += (name, )
        self.loss_weights[name] = loss_weight
        return fc

    def forward(self, feats: torch.Tensor
                ) -> Union[torch.Tensor, Dict[str, torch.Tensor]]:
        """Logits on the clip features ``N x F``: ``N x C`` for a one-task
        head, ``{task: N x C}`` otherwise."""
        feats = self.dropout(feats)
        logits = {task: getattr(self, f'fc_{task}')(feats)
                  for task in self.tasks}
        return logits[self.tasks[0]] if len(self.tasks) == 1 else logits

    def task_logits(self, feats: torch.Tensor,
                    data_samples: List[BaseDataElement]
                    ) -> Dict[str, torch.Tensor]:
        """``{task: N x C}`` logits that :meth:`loss` and :meth:`predict`
        use, in the order their entries are logged: ``forward(feats)``."""
        logits = self(feats)
        return logits if isinstance(logits, dict) else \
            {self.tasks[0]: logits}

    def task_labels(self, task: str, data_samples: List[BaseDataElement],
                    device: torch.device) -> torch.Tensor:
        """The samples' ``<task>_label`` as an ``N`` int64 tensor."""
        return stack_field(data_samples, f'{task}_label',
                           device).long().view(-1)

    def loss(self, feats: torch.Tensor,
             data_samples: List[BaseDataElement]) -> Dict[str, torch.Tensor]:
        """``loss_<task>`` and ``acc_<task>`` of every task."""
        return self.loss_by_feat(
            self.task_logits(feats, data_samples), data_samples)

    def loss_by_feat(self, logits: Dict[str, torch.Tensor],
                     data_samples: List[BaseDataElement]
                     ) -> Dict[str, torch.Tensor]:
        """The losses and accuracies of :meth:`task_logits`' output."""
        losses = {}
        for task, task_logits in logits.items():
            labels = self.task_labels(task, data_samples, task_logits.device)
            if (labels != self.ignore_index).any():
                loss = self.loss_cls(
                    task_logits, labels, ignore_index=self.ignore_index)
            else:
                loss = task_logits.sum() * 0.
            losses[f'loss_{task}'] = self.loss_weights[task] * loss
            losses[f'acc_{task}'] = masked_accuracy(
                task_logits.detach(), labels, self.ignore_index)
        return losses

    def predict(self, feats: torch.Tensor,
                data_samples: List[BaseDataElement]
                ) -> List[BaseDataElement]:
        """Add ``pred_<task>`` (softmax scores) to every data sample."""
        return self.predict_by_feat(
            self.task_logits(feats, data_samples), data_samples)

    def predict_by_feat(self, logits: Dict[str, torch.Tensor],
                        data_samples: List[BaseDataElement]
                        ) -> List[BaseDataElement]:
        """Write the softmax of :meth:`task_logits`' output into the
        samples."""
        for task, task_logits in logits.items():
            scores = task_logits.softmax(-1)
            for sample, score in zip(data_samples, scores):
                sample.set_field(score, f'pred_{task}')
        return data_samples
