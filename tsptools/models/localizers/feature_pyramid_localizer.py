from typing import Dict, List, Optional, Sequence, Tuple, Union

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.model import BaseModel

from tsptools.registry import MODELS
from .layers import MaskedConvBlock, Scale
from .local_attention_block import LocalAttentionBlock
from .losses import diou_loss_1d, sigmoid_focal_loss
from .soft_nms import NMS_METHODS, soft_nms_1d, vote_boundaries
from .targets import assign_targets, default_regress_ranges, make_points

#: Pyramid blocks: ``conv`` (:class:`~.layers.MaskedConvBlock`) or
#: ``attention`` (:class:`~.local_attention_block.LocalAttentionBlock`,
#: ActionFormer's local self-attention).
BLOCK_TYPES = ('conv', 'attention')

#: Largest boundary offset (input steps) of ``boundary_refine``.
BOUNDARY_REACH = 1.5

#: Inference settings of :class:`FeaturePyramidLocalizer` (``test_cfg``).
DEFAULT_TEST_CFG = dict(
    score_thr=0.001,
    pre_nms_topk=2000,
    min_length=0.05,
    nms=dict(
        method='gaussian', sigma=0.5, iou_threshold=0.5, min_score=0.001,
        voting_thresh=0.0),
    max_per_video=100,
    with_proposals=True,
    max_proposals=100)


def _get(sample, key, default=None):
    if isinstance(sample, dict):
        return sample.get(key, default)
    return getattr(sample, key, default) if key in sample else default


def _set(sample, key, value) -> None:
    if isinstance(sample, dict):
        sample[key] = value
    else:
        sample.set_field(value, key)


def _as_tensor(value, dtype, device, shape) -> torch.Tensor:
    if isinstance(value, torch.Tensor):
        return value.to(device=device, dtype=dtype).reshape(shape)
    return torch.as_tensor(
        np.asarray(value, dtype=np.float64), dtype=dtype,
        device=device).reshape(shape)


@MODELS.register_module()
class FeaturePyramidLocalizer(BaseModel):
    """A single-stage, anchor-free temporal action localizer on precomputed
    clip features: a 1-D convolutional feature pyramid whose every time step
    classifies its action (sigmoid scores of ``num_classes`` classes) and
    regresses its distances to the start and the end of that action
    (ActionFormer's design with convolutions instead of transformers).

    Architecture (``D = embed_dims``, every conv block is Conv1d ->
    LayerNorm over channels -> ReLU, padded steps masked; with
    ``block_type='attention'`` the pyramid's residual and downsampling
    blocks are local self-attention blocks instead):

    * input: dropout (``input_dropout``, whole feature values);
    * stem: ``C_in -> D``, then ``num_stem_convs - 1`` residual blocks;
    * pyramid: level 0 is the stem output (stride 1); level ``l`` is a
      stride-2 block on level ``l - 1`` followed by ``blocks_per_level``
      residual blocks (stride ``2^l``);
    * heads shared by all levels: ``num_head_convs`` blocks then a conv to
      ``num_classes`` logits (bias from ``prior_prob``), and
      ``num_head_convs`` blocks then a conv to two distances,
      ``softplus(scale_l * x)`` in units of the level's stride.

    Training targets: step ``j`` of level ``l`` sits at input position
    ``p = j * 2^l``; it is positive for a ground-truth segment (converted
    from seconds to input steps with the sample's ``time_offset`` and
    ``time_step``) if ``p`` lies within ``center_sample_radius * 2^l`` of the
    segment's centre and inside it, and its larger distance to the segment
    ends falls in the level's ``regress_ranges``; the shortest such segment
    wins. Losses: sigmoid focal loss over the classes of every real step
    (``loss_cls``) and 1-D distance-IoU loss of the positives
    (``loss_reg``), both divided by the number of positives.

    Inference (``test_cfg``, defaults in :data:`DEFAULT_TEST_CFG`): class
    scores above ``score_thr``, the ``pre_nms_topk`` best (step, class)
    pairs, segments shorter than ``min_length`` steps dropped, segments
    mapped to seconds (``t = time_offset + x * time_step``) and clipped to
    ``[0, duration]``, per-class soft-NMS (``nms``: ``method`` in
    ``gaussian | linear | hard``, ``sigma``, ``iou_threshold``,
    ``min_score``; ``voting_thresh > 0`` then replaces each kept segment by
    the ``score * tIoU``-weighted mean of the candidates of its class that
    overlap it by at least that much, as ActionFormer's boundary voting), at
    most ``max_per_video`` detections sorted by score.
    Class-agnostic proposals use each step's best class score and a
    class-agnostic soft-NMS (``max_proposals``).

    Inputs: a ``B x C_in x T`` tensor, or a list of ``C_in x T_i`` tensors
    (padded here); lengths are padded to a multiple of
    ``2^(num_levels - 1)``. Data samples (dicts or data elements) carry
    ``gt_segments`` (K x 2 s), ``gt_labels`` (K), ``time_offset``,
    ``time_step`` (s) and ``duration`` (s), as
    :class:`~tsptools.datasets.PrecomputedFeatureDataset` makes them.

    ``forward(inputs, data_samples, mode)``:

    - ``'loss'``: ``dict(loss_cls, loss_reg)`` (and ``loss_boundary``
      with ``boundary_refine``);
    - ``'predict'``: the data samples with ``pred_segments`` (M x 2 s),
      ``pred_scores`` (M, descending), ``pred_labels`` (M) and, with
      ``with_proposals``, ``proposal_segments`` / ``proposal_scores``;
    - ``'tensor'``: ``(cls_logits, distances, masks)``, lists over levels of
      ``B x num_classes x T_l``, ``B x 2 x T_l`` and ``B x T_l``, followed
      with ``boundary_refine`` by the level-0 offsets ``B x 2 x T_0``.

    Args:
        in_channels (int): feature channels ``C_in``.
        num_classes (int): action classes.
        embed_dims (int): channels ``D`` of the pyramid and heads.
        num_levels (int): pyramid levels (strides 1, 2, ..., 2^(L-1)).
        num_stem_convs (int): blocks of the stem (>= 1).
        blocks_per_level (int): residual blocks after each downsampling.
        num_head_convs (int): blocks in each head before its output conv.
        kernel_size (int): odd temporal kernel of every conv.
        input_dropout (float): dropout on the input features (training).
        stem_norm (bool): LayerNorm in the first stem block (the input
            embedding). False keeps the magnitude of the embedded features
            (how much of a clip an action covers).
        block_type (str): the stem's residual blocks, the downsampling and
            the level blocks: ``'conv'`` (:class:`~.layers.MaskedConvBlock`)
            or ``'attention'`` (ActionFormer's local self-attention,
            :class:`~.local_attention_block.LocalAttentionBlock`). The first
            stem block (the embedding) and the heads are convolutions in
            both.
        attn_cfg (dict, optional): arguments of the attention blocks
            (``num_heads``, ``window_size``, ``mlp_ratio``, ``attn_drop``,
            ``proj_drop``, ``path_drop``).
        boundary_refine (bool): a third head on the level-0 regression
            branch gives every step two offsets in
            ``[-BOUNDARY_REACH, BOUNDARY_REACH]`` input steps, trained
            (``loss_boundary``, smooth L1) on the four steps around each
            ground-truth start / end to point at it; at inference each
            decoded start (end) is moved to its nearest step plus that
            step's start (end) offset.
        loss_boundary_weight (float): weight of ``loss_boundary``.
        regress_ranges (list[tuple], optional): per level ``(low, high)`` in
            input steps; default :func:`~.targets.default_regress_ranges`.
        center_sample_radius (float, optional): in strides; None disables
            centre sampling.
        focal_alpha (float): focal-loss class weight (< 0: none).
        focal_gamma (float): focal-loss focusing (0: cross-entropy).
        loss_reg_weight (float): weight of ``loss_reg``.
        prior_prob (float): initial foreground probability of the scores.
        test_cfg (dict, optional): inference settings (merged into the
            defaults).
        data_preprocessor, init_cfg: as for :class:`mmengine.model.BaseModel`.
    """

    def __init__(self,
                 in_channels: int,
                 num_classes: int,
                 embed_dims: int = 128,
                 num_levels: int = 5,
                 num_stem_convs: int = 2,
                 blocks_per_level: int = 1,
                 num_head_convs: int = 2,
                 kernel_size: int = 3,
                 input_dropout: float = 0.0,
                 stem_norm: bool = True,
                 block_type: str = 'conv',
                 attn_cfg: Optional[dict] = None,
                 boundary_refine: bool = False,
                 loss_boundary_weight: float = 1.0,
                 regress_ranges: Optional[Sequence[Sequence[float]]] = None,
                 center_sample_radius: Optional[float] = 1.5,
                 focal_alpha: float = 0.25,
                 focal_gamma: float = 2.0,
                 loss_reg_weight: float = 1.0,
                 prior_prob: float = 0.01,
                 test_cfg: Optional[dict] = None,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[Union[dict, List[dict]]] = None) -> None:
        super().__init__(
            data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        if num_levels < 1 or num_stem_convs < 1 or kernel_size % 2 == 0:
            raise ValueError('num_levels and num_stem_convs must be >= 1 and '
                             'kernel_size odd')
        self.in_channels = in_channels
        self.num_classes = num_classes
        self.num_levels = num_levels
        self.strides = [2**level for level in range(num_levels)]
        if regress_ranges is None:
            regress_ranges = default_regress_ranges(num_levels)
        if len(regress_ranges) != num_levels:
            raise ValueError(f'{len(regress_ranges)} regress_ranges for '
                             f'{num_levels} levels')
        self.regress_ranges = [(float(lo), float(hi))
                               for lo, hi in regress_ranges]
        self.center_sample_radius = center_sample_radius
        self.focal_alpha = focal_alpha
        self.focal_gamma = focal_gamma
        self.loss_reg_weight = loss_reg_weight
        self.test_cfg = self._merge_test_cfg(test_cfg)

        k = kernel_size
        self.input_dropout = nn.Dropout(input_dropout)
        if block_type not in BLOCK_TYPES:
            raise ValueError(f'block_type must be one of {BLOCK_TYPES}, got '
                             f'{block_type!r}')
        self.block_type = block_type

        def block(stride: int = 1) -> nn.Module:
            """A residual pyramid block (``stride`` 1) or a downsampling
            one (``stride`` 2) of ``block_type``."""
            if block_type == 'attention':
                return LocalAttentionBlock(
                    embed_dims, stride=stride, **dict(attn_cfg or {}))
            return MaskedConvBlock(embed_dims, embed_dims, k, stride=stride,
                                   residual=stride == 1)

        self.stem = nn.ModuleList(
            [MaskedConvBlock(in_channels, embed_dims, k, norm=stem_norm)] +
            [block() for _ in range(num_stem_convs - 1)])
        self.downsample = nn.ModuleList(
            block(stride=2) for _ in range(num_levels - 1))
        self.level_blocks = nn.ModuleList(
            nn.ModuleList(block() for _ in range(blocks_per_level))
            for _ in range(num_levels - 1))
        self.cls_convs = nn.ModuleList(
            MaskedConvBlock(embed_dims, embed_dims, k)
            for _ in range(num_head_convs))
        self.reg_convs = nn.ModuleList(
            MaskedConvBlock(embed_dims, embed_dims, k)
            for _ in range(num_head_convs))
        self.cls_out = nn.Conv1d(embed_dims, num_classes, k, padding=k // 2)
        self.reg_out = nn.Conv1d(embed_dims, 2, k, padding=k // 2)
        self.boundary_out = nn.Conv1d(embed_dims, 2, k, padding=k // 2) \
            if boundary_refine else None
        self.loss_boundary_weight = loss_boundary_weight
        self.scales = nn.ModuleList(Scale(1.0) for _ in range(num_levels))
        self.prior_prob = prior_prob
        self._init_output_bias()

    @staticmethod
    def _merge_test_cfg(test_cfg: Optional[dict]) -> dict:
        cfg = dict(DEFAULT_TEST_CFG, nms=dict(DEFAULT_TEST_CFG['nms']))
        for key, value in dict(test_cfg or {}).items():
            if key not in cfg:
                raise KeyError(f'unknown test_cfg key {key!r}; known keys: '
                               f'{sorted(cfg)}')
            if key == 'nms':
                unknown = set(value) - set(cfg['nms'])
                if unknown:
                    raise KeyError(f'unknown test_cfg.nms keys {unknown}')
                cfg['nms'].update(value)
            else:
                cfg[key] = value
        if cfg['nms']['method'] not in NMS_METHODS:
            raise ValueError(f'test_cfg.nms.method must be one of '
                             f"{NMS_METHODS}, got {cfg['nms']['method']!r}")
        return cfg

    def _init_output_bias(self) -> None:
        bias = -float(np.log((1 - self.prior_prob) / self.prior_prob))
        nn.init.constant_(self.cls_out.bias, bias)
        nn.init.constant_(self.reg_out.bias, 0.0)

    def init_weights(self) -> None:
        super().init_weights()
        if not self.init_cfg:
            self._init_output_bias()

    # ------------------------------------------------------------------
    # Network
    # ------------------------------------------------------------------

    def pad_inputs(self, inputs: Union[torch.Tensor, Sequence[torch.Tensor]]
                   ) -> Tuple[torch.Tensor, torch.Tensor]:
        """``(x B x C x T_pad, mask B x 1 x T_pad)`` with ``T_pad`` the
        longest input rounded up to a multiple of the largest stride."""
        if isinstance(inputs, torch.Tensor):
            if inputs.ndim == 2:
                inputs = inputs[None]
            inputs = list(inputs)
        if not inputs:
            raise ValueError('empty batch')
        channels = {int(x.shape[0]) for x in inputs}
        if channels != {self.in_channels} or any(x.ndim != 2
                                                 for x in inputs):
            raise ValueError(
                f'the localizer expects C x T features with C = '
                f'{self.in_channels} (model.in_channels), got shapes '
                f'{sorted({tuple(x.shape) for x in inputs})}; set '
                'model.in_channels to the feature dimension')
        lengths = [int(x.shape[1]) for x in inputs]
        step = self.strides[-1]
        padded = max(step, -(-max(lengths) // step) * step)
        x = inputs[0].new_zeros(len(inputs), self.in_channels, padded)
        mask = torch.zeros(
            len(inputs), 1, padded, dtype=torch.bool, device=x.device)
        for i, (feat, length) in enumerate(zip(inputs, lengths)):
            x[i, :, :length] = feat.to(x.dtype)
            mask[i, :, :length] = True
        return x, mask

    def forward_features(self, x: torch.Tensor, mask: torch.Tensor
                         ) -> Tuple[List[torch.Tensor], List[torch.Tensor]]:
        """Pyramid features and masks, one per level."""
        x = self.input_dropout(x) * mask.to(x.dtype)
        for block in self.stem:
            x, mask = block(x, mask)
        feats, masks = [x], [mask]
        for down, blocks in zip(self.downsample, self.level_blocks):
            x, mask = down(x, mask)
            for block in blocks:
                x, mask = block(x, mask)
            feats.append(x)
            masks.append(mask)
        return feats, masks

    def forward_heads(self, feats: List[torch.Tensor],
                      masks: List[torch.Tensor]
                      ) -> Tuple[List[torch.Tensor], List[torch.Tensor],
                                 Optional[torch.Tensor]]:
        """Class logits ``B x num_classes x T_l`` and distances
        ``B x 2 x T_l`` (in strides) of every level, and the boundary
        offsets ``B x 2 x T_0`` of level 0 (input steps, in
        ``[-BOUNDARY_REACH, BOUNDARY_REACH]``; None without
        ``boundary_refine``)."""
        cls_logits, distances, offsets = [], [], None
        for level, (feat, mask) in enumerate(zip(feats, masks)):
            c, r = feat, feat
            for block in self.cls_convs:
                c, _ = block(c, mask)
            for block in self.reg_convs:
                r, _ = block(r, mask)
            cls_logits.append(self.cls_out(c))
            if level == 0 and self.boundary_out is not None:
                offsets = BOUNDARY_REACH * torch.tanh(self.boundary_out(r))
                offsets = offsets * mask.to(offsets.dtype)
            dist = F.softplus(self.scales[level](self.reg_out(r)))
            distances.append(dist * mask.to(dist.dtype))
        return cls_logits, distances, offsets

    def _run(self, inputs):
        x, mask = self.pad_inputs(inputs)
        feats, masks = self.forward_features(x, mask)
        cls_logits, distances, offsets = self.forward_heads(feats, masks)
        return cls_logits, distances, [m[:, 0] for m in masks], offsets

    def _flatten(self, cls_logits, distances, masks):
        """Concatenate the levels: ``B x P x C``, ``B x P x 2``, ``B x P``
        and the ``P x 4`` points."""
        points = make_points([m.shape[1] for m in masks], self.strides,
                             self.regress_ranges, device=masks[0].device)
        cls = torch.cat([c.transpose(1, 2) for c in cls_logits], dim=1)
        dist = torch.cat([d.transpose(1, 2) for d in distances], dim=1)
        valid = torch.cat(masks, dim=1)
        return cls, dist, valid, points

    # ------------------------------------------------------------------
    # Modes
    # ------------------------------------------------------------------

    def forward(self,
                inputs: Union[torch.Tensor, List[torch.Tensor]],
                data_samples: Optional[list] = None,
                mode: str = 'tensor'):
        if mode == 'tensor':
            cls_logits, distances, masks, offsets = self._run(inputs)
            if offsets is None:
                return cls_logits, distances, masks
            return cls_logits, distances, masks, offsets
        if mode == 'loss':
            return self.loss(inputs, data_samples)
        if mode == 'predict':
            return self.predict(inputs, data_samples)
        raise RuntimeError(f'Invalid mode "{mode}": expected "tensor", '
                           '"loss" or "predict"')

    @staticmethod
    def _time_grid(sample) -> Tuple[float, float]:
        offset, step = _get(sample, 'time_offset'), _get(sample, 'time_step')
        if offset is None or step is None:
            raise KeyError('a localizer data sample needs time_offset and '
                           'time_step (seconds of feature step 0 and between '
                           'steps), as PrecomputedFeatureDataset provides')
        if not float(step) > 0:
            raise ValueError(f'time_step must be positive, got {step}')
        return float(offset), float(step)

    def loss(self, inputs, data_samples) -> Dict[str, torch.Tensor]:
        cls_logits, distances, masks, offsets = self._run(inputs)
        cls, dist, valid, points = self._flatten(cls_logits, distances, masks)
        cls_targets, reg_targets, positives = [], [], []
        for sample in data_samples:
            offset, step = self._time_grid(sample)
            gt = _as_tensor(_get(sample, 'gt_segments', []), torch.float32,
                            cls.device, (-1, 2))
            labels = _as_tensor(_get(sample, 'gt_labels', []), torch.float32,
                                cls.device, (-1, )).long()
            if labels.numel() and not 0 <= int(labels.min()) <= int(
                    labels.max()) < self.num_classes:
                raise ValueError(
                    f'video {_get(sample, "video_name")!r} has labels '
                    f'{labels.tolist()} outside [0, {self.num_classes}): '
                    'set model.num_classes to the number of classes')
            c_t, r_t, pos = assign_targets(points, (gt - offset) / step,
                                           labels, self.num_classes,
                                           self.center_sample_radius)
            cls_targets.append(c_t)
            reg_targets.append(r_t)
            positives.append(pos)
        cls_targets = torch.stack(cls_targets)
        reg_targets = torch.stack(reg_targets)
        positives = torch.stack(positives) & valid
        num_pos = positives.sum().clamp(min=1).to(cls.dtype)
        loss_cls = sigmoid_focal_loss(
            cls[valid], cls_targets[valid], self.focal_alpha,
            self.focal_gamma).sum() / num_pos
        if positives.any():
            loss_reg = diou_loss_1d(dist[positives],
                                    reg_targets[positives]).sum() / num_pos
        else:
            loss_reg = dist.sum() * 0
        losses = dict(loss_cls=loss_cls,
                      loss_reg=self.loss_reg_weight * loss_reg)
        if offsets is not None:
            losses['loss_boundary'] = self.loss_boundary_weight * \
                self._boundary_loss(offsets, masks[0], data_samples)
        return losses

    def _boundary_loss(self, offsets: torch.Tensor, mask: torch.Tensor,
                       data_samples) -> torch.Tensor:
        """Smooth-L1 (beta 0.1) of the level-0 boundary offsets: every
        ground-truth start and end ``x`` (input steps) is the target
        ``x - p`` of the steps ``p = floor(x) - 1 ... floor(x) + 2`` inside
        the sequence (channel 0 for starts, 1 for ends), clipped to
        ``[-BOUNDARY_REACH, BOUNDARY_REACH]``."""
        preds, targets = [], []
        for b, sample in enumerate(data_samples):
            offset, step = self._time_grid(sample)
            gt = _as_tensor(_get(sample, 'gt_segments', []), torch.float32,
                            offsets.device, (-1, 2))
            if not gt.numel():
                continue
            x = ((gt - offset) / step).reshape(-1)  # start, end, start, ...
            side = torch.arange(len(x), device=x.device) % 2
            steps = torch.floor(x)[:, None] + torch.arange(
                -1, 3, device=x.device, dtype=x.dtype)[None]
            inside = (steps >= 0) & (steps < int(mask[b].sum()))
            rows = side[:, None].expand_as(steps)[inside]
            cols = steps[inside].long()
            preds.append(offsets[b, rows, cols])
            targets.append((x[:, None] - steps)[inside].clamp(
                -BOUNDARY_REACH, BOUNDARY_REACH))
        if not preds:
            return offsets.sum() * 0
        return F.smooth_l1_loss(torch.cat(preds), torch.cat(targets),
                                beta=0.1)

    @torch.no_grad()
    def predict(self, inputs, data_samples) -> list:
        cls_logits, distances, masks, offsets = self._run(inputs)
        cls, dist, valid, points = self._flatten(cls_logits, distances, masks)
        probs = cls.sigmoid()
        for b, sample in enumerate(data_samples):
            refine = None
            if offsets is not None:
                refine = offsets[b][:, :int(masks[0][b].sum())]
            out = self.decode(probs[b][valid[b]], dist[b][valid[b]],
                              points[valid[b]], sample, refine)
            for key, value in out.items():
                _set(sample, key, value)
        return data_samples

    def _segments(self, idx, dist, points, offset, step, duration,
                  refine=None):
        """Segments (seconds) of the points ``idx``; a mask of those kept
        (long enough, still non-empty after clipping)."""
        pos, stride = points[idx, 0], points[idx, 3]
        start = pos - dist[idx, 0] * stride
        end = pos + dist[idx, 1] * stride
        if refine is not None:  # boundary_refine: local offsets of level 0
            last = refine.shape[1] - 1
            ps = start.round().clamp(0, last).long()
            pe = end.round().clamp(0, last).long()
            start = ps.to(start.dtype) + refine[0, ps]
            end = pe.to(end.dtype) + refine[1, pe]
        keep = (end - start) >= self.test_cfg['min_length']
        seg = torch.stack([start, end], dim=1).double() * step + offset
        seg = seg.clamp(min=0.0, max=duration)
        keep &= seg[:, 1] > seg[:, 0]
        return seg, keep

    @staticmethod
    def _vote(seg, scores, kept, labels, voting_thresh) -> np.ndarray:
        if voting_thresh > 0:
            return vote_boundaries(seg, scores, kept, labels, voting_thresh)
        return seg[kept].reshape(-1, 2)

    def decode(self, probs: torch.Tensor, dist: torch.Tensor,
               points: torch.Tensor, sample, refine=None) -> dict:
        """Detections (and proposals) of one video from its real points:
        ``probs`` P x C, ``dist`` P x 2 (strides), ``points`` P x 4."""
        cfg = self.test_cfg
        offset, step = self._time_grid(sample)
        duration = _get(sample, 'duration')
        if duration is None:
            duration = offset + (float(points[:, 0].max()) + 0.5) * step
        duration = float(duration)
        num_classes = probs.shape[1]
        nms = dict(cfg['nms'])

        flat = probs.flatten()
        cand = (flat > cfg['score_thr']).nonzero(as_tuple=True)[0]
        if cand.numel() > cfg['pre_nms_topk']:
            cand = cand[flat[cand].topk(cfg['pre_nms_topk']).indices]
        point_idx, labels = cand // num_classes, cand % num_classes
        seg, keep = self._segments(point_idx, dist, points, offset, step,
                                   duration, refine)
        seg, scores, labels = (seg[keep].cpu().numpy(),
                               flat[cand][keep].cpu().numpy(),
                               labels[keep].cpu().numpy())
        voting = nms.pop('voting_thresh')
        kept, new_scores = soft_nms_1d(
            seg, scores, labels, max_num=cfg['max_per_video'], **nms)
        out = dict(
            pred_segments=self._vote(seg, scores, kept, labels, voting),
            pred_scores=new_scores,
            pred_labels=labels[kept].astype(np.int64))
        if cfg['with_proposals']:
            best = probs.max(dim=1).values
            cand = (best > cfg['score_thr']).nonzero(as_tuple=True)[0]
            if cand.numel() > cfg['pre_nms_topk']:
                cand = cand[best[cand].topk(cfg['pre_nms_topk']).indices]
            seg, keep = self._segments(cand, dist, points, offset, step,
                                       duration, refine)
            seg, scores = seg[keep].cpu().numpy(), best[cand][keep].cpu(
            ).numpy()
            kept, new_scores = soft_nms_1d(
                seg, scores, None, max_num=cfg['max_proposals'], **nms)
            out.update(
                proposal_segments=self._vote(seg, scores, kept, None,
                                             voting),
                proposal_scores=new_scores)
        return out
