import copy
from typing import Dict, List, Optional, Union

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmengine.dist import all_gather, get_world_size
from mmengine.structures import BaseDataElement

from tsptools.registry import MODELS
from ..utils import stack_field
from .pretrainer import Pretrainer

SampleList = List[BaseDataElement]


def pool_clip_features(maps) -> torch.Tensor:
    """Average-pool backbone outputs into ``N x F`` clip features (the
    pooling of :meth:`Pretrainer.extract_feat`)."""
    if isinstance(maps, (tuple, list)):
        maps = maps[-1]
    if maps.ndim == 5:
        maps = F.adaptive_avg_pool3d(maps, 1)
    elif maps.ndim > 2:
        maps = maps.flatten(2).mean(-1)
    return maps.flatten(1)


def align_regions(clip_feats: torch.Tensor,
                  regions: torch.Tensor) -> torch.Tensor:
    """PAL's equi-transformation :math:`\\mathcal{G}` (Eq. 6) and pooling.

    Args:
        clip_feats: ``B x J x D`` clip features of ``B`` synthesized videos.
        regions: ``B x 2`` inclusive clip indices ``[s, e]``.

    Returns:
        ``B x D`` region features: the mean of the clips ``s..e`` of each
        video, L2-normalised.

    Raises:
        ValueError: a region outside ``[0, J)`` or with ``s > e``.
    """
    num_clips = clip_feats.shape[1]
    regions = regions.to(clip_feats.device).long().view(-1, 2)
    s, e = regions[:, :1], regions[:, 1:]
    if bool((s < 0).any() or (e >= num_clips).any() or (s > e).any()):
        raise ValueError(f'regions must satisfy 0 <= s <= e < {num_clips}, '
                         f'got {regions.tolist()}')
    j = torch.arange(num_clips, device=clip_feats.device).view(1, -1)
    mask = ((j >= s) & (j <= e)).to(clip_feats.dtype)
    pooled = (clip_feats * mask.unsqueeze(-1)).sum(1) / mask.sum(
        1, keepdim=True)
    return F.normalize(pooled, dim=-1)


def gather_from_ranks(x: torch.Tensor) -> torch.Tensor:
    """Concatenate ``x`` of every rank in rank order (sizes may differ along
    dim 0); ``x`` itself in a single process."""
    if get_world_size() == 1:
        return x
    size = torch.tensor([x.shape[0]], device=x.device)
    sizes = [int(s) for s in all_gather(size)]
    pad = x.new_zeros((max(sizes) - x.shape[0], ) + tuple(x.shape[1:]))
    parts = all_gather(torch.cat([x, pad]))
    return torch.cat([p[:n] for p, n in zip(parts, sizes)])


@MODELS.register_module()
class PALPretrainer(Pretrainer):
    """Pseudo Action Localization (PAL) pre-training, MoCo v2 style.

    Inputs are ``B x 2J x C x t x H x W``: per sample the ``J`` clips of the
    first synthesized video (query view) then the ``J`` clips of the second
    (key view), as packed by :class:`PastePseudoActions`; data samples carry
    ``region_a`` / ``region_b`` (inclusive clip indices ``[s, e]`` of the
    pasted region in each video) and ``sample_idx`` (metainfo).

    Query encoder :math:`\\mathcal{F} = \\mathcal{F}^b \\circ \\mathcal{F}^n
    \\circ \\mathcal{F}^t`: ``backbone`` (clip features, average-pooled) ->
    ``neck`` (:class:`PALProjectionHead`, per clip) -> ``head``
    (:class:`PALTemporalEmbeddingHead`, over the ``J`` clips) -> L2
    normalisation of each clip feature (the paper's "L2 norm to the output
    features from :math:`\\mathcal{F}^t`"). :func:`align_regions` averages
    the clips ``[s, e]`` and normalises again, so that the region features
    are unit vectors. The key encoder ``key_encoder`` (``backbone``,
    ``neck``, ``head``) is a copy updated as
    ``k = momentum * k + (1 - momentum) * q`` before each training forward,
    with no gradient (MoCo); its BN layers run in the same mode as the
    query's and keep their own statistics. The key of each sample enters the
    queue of negatives after the loss (first in, first out), gathered from
    every rank first.

    Loss: :class:`InfoNCELoss` between the region feature of the first video
    (query, ``r_q``) and that of the second (positive key, ``r_k+``), with
    the ``queue_size`` queued keys as negatives (Eq. 7), logged as
    ``loss_contrast``; ``acc_contrast`` is the fraction of queries whose
    positive logit is the largest of the ``1 + K`` (chance ``1 / (1 + K)``).

    ``forward(inputs, data_samples, mode)``:

    - ``'tensor'``: the backbone's pooled clip features ``N x F`` of any
      ``N x C x T x H x W`` or ``B x n x C x T x H x W`` input (feature
      extraction);
    - ``'loss'``: momentum update, ``loss_contrast``, ``acc_contrast``,
      enqueue;
    - ``'predict'``: per data sample ``loss_contrast``, ``acc_contrast`` and
      ``num_negatives`` against the current queue, and the region features
      ``query_embedding`` / ``key_embedding``, without updating anything
      (read by :class:`ContrastiveAccuracy`).

    Buffers (saved in checkpoints): ``queue`` (``K x D``, initialised with
    random unit vectors as in MoCo), ``queue_ptr`` (next row to write) and
    ``queue_index`` (dataset index of the sample of each queued key, -1 for
    the random initialisation; diagnostics).

    Args:
        backbone (dict): e.g. ``dict(type='mmaction.ResNet3d', ...)``.
        neck (dict): projection head config.
        head (dict): temporal embedding head config; its ``out_channels``
            is the embedding size ``D``.
        loss (dict): contrastive loss config. Defaults to
            ``dict(type='InfoNCELoss', temperature=0.07)``.
        queue_size (int): negatives ``K``. Defaults to 16384 (paper).
        momentum (float): key encoder momentum. Defaults to 0.999 (MoCo; the
            paper does not give it).
        data_preprocessor (dict, optional): e.g.
            ``dict(type='mmaction.ActionDataPreprocessor', ...)``.
        init_cfg (dict, optional): as :class:`Pretrainer`; the key encoder
            is copied from the query encoder after initialisation.
    """

    def __init__(self,
                 backbone: dict,
                 neck: dict,
                 head: dict,
                 loss: Optional[dict] = None,
                 queue_size: int = 16384,
                 momentum: float = 0.999,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[Union[dict, List[dict]]] = None) -> None:
        super().__init__(
            backbone=backbone,
            head=head,
            data_preprocessor=data_preprocessor,
            init_cfg=init_cfg)
        if queue_size < 1:
            raise ValueError('queue_size must be >= 1')
        if not 0.0 <= momentum <= 1.0:
            raise ValueError('momentum must be in [0, 1]')
        self.neck = MODELS.build(neck)
        self.criterion = MODELS.build(
            loss or dict(type='InfoNCELoss', temperature=0.07))
        self.momentum = float(momentum)
        # A ModuleDict has no init_weights(): mmengine's initialisation
        # skips it and init_weights() copies the query encoder into it.
        self.key_encoder = nn.ModuleDict(
            dict(
                backbone=copy.deepcopy(self.backbone),
                neck=copy.deepcopy(self.neck),
                head=copy.deepcopy(self.head)))
        for param in self.key_encoder.parameters():
            param.requires_grad_(False)
        dim = int(self.head.out_channels)
        self.register_buffer('queue',
                             F.normalize(torch.randn(queue_size, dim), dim=1))
        self.register_buffer('queue_ptr', torch.zeros((), dtype=torch.long))
        self.register_buffer('queue_index',
                             torch.full((queue_size, ), -1, dtype=torch.long))

    # ------------------------------------------------------------------
    # Key encoder
    # ------------------------------------------------------------------

    def query_modules(self) -> Dict[str, nn.Module]:
        return dict(backbone=self.backbone, neck=self.neck, head=self.head)

    def init_weights(self) -> None:
        super().init_weights()
        self.copy_to_key_encoder()

    @torch.no_grad()
    def copy_to_key_encoder(self) -> None:
        """Set the key encoder to the query encoder (weights and BN
        statistics)."""
        for name, module in self.query_modules().items():
            self.key_encoder[name].load_state_dict(module.state_dict())
        for param in self.key_encoder.parameters():
            param.requires_grad_(False)

    @torch.no_grad()
    def momentum_update(self) -> None:
        """``key = m * key + (1 - m) * query`` for every parameter."""
        m = self.momentum
        for name, module in self.query_modules().items():
            for q, k in zip(module.parameters(),
                            self.key_encoder[name].parameters()):
                k.mul_(m).add_(q.detach(), alpha=1.0 - m)

    # ------------------------------------------------------------------
    # Queue
    # ------------------------------------------------------------------

    @property
    def queue_size(self) -> int:
        return self.queue.shape[0]

    @torch.no_grad()
    def enqueue(self,
                keys: torch.Tensor,
                indices: Optional[torch.Tensor] = None) -> None:
        """Write the keys of every rank (rank order) at ``queue_ptr``,
        wrapping around, and advance it.

        Args:
            keys: ``n x D`` keys of this rank.
            indices: ``n`` dataset indices of their samples (-1 unknown).
        """
        keys = keys.detach().to(self.queue.dtype)
        if indices is None:
            indices = torch.full((keys.shape[0], ), -1, dtype=torch.long)
        indices = indices.to(device=keys.device, dtype=torch.long)
        keys = gather_from_ranks(keys)
        indices = gather_from_ranks(indices)
        n, size = keys.shape[0], self.queue_size
        ptr = int(self.queue_ptr)
        if n > size:  # only the last ``size`` keys stay
            keys, indices = keys[-size:], indices[-size:]
            ptr = (ptr + n - size) % size
        rows = (ptr + torch.arange(keys.shape[0], device=keys.device)) % size
        self.queue[rows] = keys
        self.queue_index[rows] = indices.to(self.queue_index.device)
        self.queue_ptr.fill_((int(self.queue_ptr) + n) % size)

    # ------------------------------------------------------------------
    # Forward
    # ------------------------------------------------------------------

    def encode(self, clips: torch.Tensor, key: bool = False) -> torch.Tensor:
        """``B x J x C x t x H x W`` -> ``B x J x D`` L2-normalised clip
        embeddings of the query (or key) encoder."""
        modules = self.key_encoder if key else self.query_modules()
        batch, num_clips = clips.shape[:2]
        feats = pool_clip_features(modules['backbone'](clips.flatten(0, 1)))
        feats = modules['neck'](feats).view(batch, num_clips, -1)
        return F.normalize(modules['head'](feats), dim=-1)

    @staticmethod
    def _split(inputs: torch.Tensor):
        if inputs.ndim != 6 or inputs.shape[1] % 2:
            raise ValueError(
                'PALPretrainer expects inputs B x 2J x C x t x H x W (two '
                f'synthesized videos of J clips), got {tuple(inputs.shape)}')
        num_clips = inputs.shape[1] // 2
        return inputs[:, :num_clips], inputs[:, num_clips:]

    def _regions(self, data_samples: SampleList, device):
        return (stack_field(data_samples, 'region_a', device).view(-1, 2),
                stack_field(data_samples, 'region_b', device).view(-1, 2))

    @staticmethod
    def _sample_indices(data_samples: SampleList) -> torch.Tensor:
        return torch.tensor(
            [int(s.metainfo.get('sample_idx', -1)) for s in data_samples],
            dtype=torch.long)

    def _query_and_key(self, inputs, data_samples, update: bool):
        query_clips, key_clips = self._split(inputs)
        region_q, region_k = self._regions(data_samples, inputs.device)
        query = align_regions(self.encode(query_clips), region_q)
        with torch.no_grad():
            if update:
                self.momentum_update()
            key = align_regions(self.encode(key_clips, key=True), region_k)
        return query, key

    def loss(self, inputs: torch.Tensor,
             data_samples: SampleList) -> Dict[str, torch.Tensor]:
        query, key = self._query_and_key(inputs, data_samples, update=True)
        negatives = self.queue.clone().detach()
        loss = self.criterion(query, key, negatives)
        with torch.no_grad():
            logits = self.criterion.logits(query, key, negatives)
            acc = self.criterion.positive_first(logits).mean()
        self.enqueue(key, self._sample_indices(data_samples))
        return dict(loss_contrast=loss, acc_contrast=acc)

    @torch.no_grad()
    def predict(self, inputs: torch.Tensor,
                data_samples: SampleList) -> SampleList:
        query, key = self._query_and_key(inputs, data_samples, update=False)
        negatives = self.queue.clone()
        losses = self.criterion(query, key, negatives, reduction='none')
        logits = self.criterion.logits(query, key, negatives)
        correct = self.criterion.positive_first(logits)
        for sample, loss, acc, q, k in zip(data_samples, losses, correct,
                                           query, key):
            sample.set_field(loss.detach().cpu(), 'loss_contrast')
            sample.set_field(acc.detach().cpu(), 'acc_contrast')
            sample.set_field(torch.tensor(self.queue_size), 'num_negatives')
            sample.set_field(q.detach().cpu(), 'query_embedding')
            sample.set_field(k.detach().cpu(), 'key_embedding')
        return data_samples

    def forward(self,
                inputs: torch.Tensor,
                data_samples: Optional[SampleList] = None,
                mode: str = 'tensor'
                ) -> Union[Dict, SampleList, torch.Tensor]:
        if mode == 'tensor':
            return self.extract_feat(inputs)
        if mode == 'loss':
            return self.loss(inputs, data_samples)
        if mode == 'predict':
            return self.predict(inputs, data_samples)
        raise RuntimeError(f'Invalid mode "{mode}": expected "tensor", '
                           '"loss" or "predict"')
