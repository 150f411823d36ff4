from typing import Dict, List, Optional, Sequence, Union

import torch
import torch.nn as nn

from tsptools.registry import MODELS
from .pretrainer import Pretrainer, SampleList
from .two_stream_encoder import FrozenEncoders, check_same_preprocessor

REDUCTIONS = ('sum', 'mean')


@MODELS.register_module()
class DistillationPretrainer(Pretrainer):
    """Feature-distillation integration of BSP (Xu et al., 2021,
    Sec. 3.4, Fig. 3(c)).

    A student encoder :math:`f_s` (``backbone``) and one pointwise projection
    :math:`h_k` per frozen teacher :math:`f_k` (the vanilla action
    classifier :math:`f_v` and the BSP encoder :math:`f_b`) minimise

    .. math::

        \\|f_v(x) - h_1(f_s(x))\\|_2^2 + \\|f_b(x) - h_2(f_s(x))\\|_2^2
        + \\mathrm{CE}

    where CE is the student's action classification (``head``, e.g.
    :class:`TACHead`, which ignores samples whose ``action_label`` is -1).

    Choices the paper leaves open (``docs/en/user_guides/bsp.md``):

    - :math:`h_k` is a linear map ``F_s -> F_k`` of the pooled clip
      feature. A pointwise (1x1x1) projection of the feature map followed by
      the average pooling that gives clip features is the same map, since
      both are linear;
    - the features compared are the clip features (pooled, before the
      heads) that the teachers give for feature extraction;
    - ``reduction='sum'`` is the paper's squared L2 norm (summed over the
      feature dimensions, averaged over the batch); ``'mean'`` averages over
      the dimensions too (mean squared error), which keeps the loss on the
      CE's scale for wide features;
    - each teacher's loss has a weight (1 by default), logged as
      ``loss_distill_{name}``.

    Teachers are given as in :class:`TwoStreamEncoder`: ``dict(config=PATH |
    model=CFG, checkpoint=PATH, name=..., channels=F_k, loss_weight=1.0)``;
    their heads, ``init_cfg`` and data preprocessors are dropped, they stay
    in eval mode without gradients, and their checkpoints are loaded at
    build time when the files exist, else by ``init_weights()`` (which the
    Runner calls before training). They must share the student's input
    normalisation.

    Modes: ``'loss'`` as above; ``'tensor'`` gives the student's clip
    features (what feature extraction uses); ``'predict'`` the head's
    predictions from the student's features.

    Args:
        backbone (dict): the student backbone.
        head (dict): the student's action head (cross-entropy).
        teachers (Sequence[dict]): teacher entries (see above); ``name``
            defaults to ``teacher{k}``, ``channels`` is required.
        in_channels (int): the student's feature dimension ``F_s``.
        reduction (str): ``'sum'`` (default) or ``'mean'``, see above.
        data_preprocessor (dict, optional): the student's; teachers must
            match it.
        init_cfg: as in :class:`Pretrainer` (e.g. the student's backbone
            from a checkpoint with ``prefix='backbone.'``).
    """

    def __init__(self,
                 backbone: dict,
                 head: dict,
                 teachers: Sequence[dict],
                 in_channels: int,
                 reduction: str = 'sum',
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[Union[dict, List[dict]]] = None) -> None:
        if not teachers:
            raise ValueError('DistillationPretrainer needs teachers')
        if reduction not in REDUCTIONS:
            raise ValueError(f'reduction must be one of {REDUCTIONS}, got '
                             f'{reduction!r}')
        entries, names, channels, weights = [], [], [], []
        for k, teacher in enumerate(teachers):
            teacher = dict(teacher)
            names.append(str(teacher.pop('name', f'teacher{k}')))
            if 'channels' not in teacher:
                raise KeyError(f'teacher {names[-1]}: give its feature '
                               'dimension as "channels"')
            channels.append(int(teacher.pop('channels')))
            weights.append(float(teacher.pop('loss_weight', 1.0)))
            entries.append(teacher)
        if len(set(names)) != len(names):
            raise ValueError(f'teacher names must differ, got {names}')
        teacher_modules = FrozenEncoders(entries, 'teacher')
        check_same_preprocessor(data_preprocessor,
                                teacher_modules.preprocessors, 'teacher')
        super().__init__(
            backbone=backbone,
            head=head,
            data_preprocessor=data_preprocessor,
            init_cfg=init_cfg)
        self.teachers = teacher_modules
        self.teacher_names = names
        self.distill_weights = weights
        self.reduction = reduction
        self.projections = nn.ModuleList(
            [nn.Linear(in_channels, c) for c in channels])

    def init_weights(self) -> None:
        super().init_weights()
        self.teachers.load_pending()

    def load_state_dict(self, state_dict, strict: bool = True, **kwargs):
        result = super().load_state_dict(state_dict, strict=strict, **kwargs)
        self.teachers.loaded_from_state(state_dict.keys(), 'teachers.')
        return result

    def distill_losses(self, inputs: torch.Tensor,
                       feats: torch.Tensor) -> Dict[str, torch.Tensor]:
        """``loss_distill_{name}`` of every teacher for student features
        ``feats`` of ``inputs``."""
        self.teachers.check_loaded()
        losses = {}
        for name, weight, teacher, proj in zip(self.teacher_names,
                                               self.distill_weights,
                                               self.teachers.encoders,
                                               self.projections):
            with torch.no_grad():
                target = teacher.extract_feat(inputs)
            if target.shape[1] != proj.out_features:
                raise ValueError(f'teacher {name} gives {target.shape[1]}-d '
                                 f'features, its channels is '
                                 f'{proj.out_features}')
            sq = (proj(feats) - target.detach())**2
            value = sq.sum(1).mean() if self.reduction == 'sum' else sq.mean()
            losses[f'loss_distill_{name}'] = weight * value
        return losses

    def forward(self,
                inputs: torch.Tensor,
                data_samples: Optional[SampleList] = None,
                mode: str = 'tensor'):
        if mode != 'loss':
            return super().forward(inputs, data_samples, mode)
        feats = self.extract_feat(inputs)
        losses = dict(self.head.loss(feats, data_samples))
        for key, value in self.distill_losses(inputs, feats).items():
            if key in losses:
                raise KeyError(f'the head already outputs "{key}"')
            losses[key] = value
        return losses
