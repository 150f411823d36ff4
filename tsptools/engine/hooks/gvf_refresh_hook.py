import copy
import os.path as osp
from typing import Optional

import torch
from mmengine.dist import get_world_size
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

from tsptools.datasets.dataset_wrappers import leaf_datasets
from tsptools.registry import HOOKS


@HOOKS.register_module()
class GVFRefreshHook(Hook):
    """Recompute TSP's global video features during training.

    The paper computes the GVF once with the initial encoder and freezes it;
    its future-work paragraph (``000_*.txt`` Sec. 3) suggests recomputing it
    with the encoder being trained, or with a momentum encoder. This hook
    does both (it is off unless a config adds it to ``custom_hooks``):

    - every ``interval`` epochs, after the epoch, the GVF of every video of
      the training and validation datasets is recomputed (same extraction as
      ``tools/precompute_gvf.py``) and written to
      ``{work_dir}/gvf/epoch_{N}.h5``; every dataset that has ``load_gvf``
      reloads it (worker processes see it from the next epoch on, so keep
      ``persistent_workers=False``);
    - with ``momentum`` set, the features come from an exponential moving
      average of the model, updated after every iteration as
      ``ema = momentum * ema + (1 - momentum) * current``.

    The refresh is shared by the ranks: rank ``r`` of ``n`` pools the
    videos ``r, r + n, ...`` (decoding in ``num_workers`` DataLoader
    workers), rank 0 gathers the vectors and writes the file, then every
    rank loads it (:func:`tsptools.apis.gvf.precompute_gvf`). A 2-process
    refresh writes the same vectors as a 1-process one (tested).

    Args:
        interval (int): epochs between refreshes. Defaults to 1.
        pool (str): ``'max'`` (paper) or ``'avg'``.
        momentum (float, optional): EMA momentum of the encoder used for the
            GVF; ``None`` uses the current encoder.
        extract_cfg (dict, optional): extraction settings (keys of the
            config's ``extract_cfg``); defaults to the config's
            ``extract_cfg``.
        num_workers (int, optional): decoding workers of each rank; None:
            ``extract_cfg``'s ``num_workers``.
    """

    priority = 'LOW'

    def __init__(self,
                 interval: int = 1,
                 pool: str = 'max',
                 momentum: Optional[float] = None,
                 extract_cfg: Optional[dict] = None,
                 num_workers: Optional[int] = None) -> None:
        if interval < 1:
            raise ValueError(f'interval must be >= 1, got {interval}')
        if momentum is not None and not 0 <= momentum < 1:
            raise ValueError(f'momentum must be in [0, 1), got {momentum}')
        self.interval = interval
        self.pool = pool
        self.momentum = momentum
        self.extract_cfg = extract_cfg
        self.num_workers = num_workers
        self.ema_model = None

    @staticmethod
    def _model(runner):
        model = runner.model
        return model.module if is_model_wrapper(model) else model

    def before_train(self, runner) -> None:
        if self.momentum is not None:
            self.ema_model = copy.deepcopy(self._model(runner)).eval()
            for param in self.ema_model.parameters():
                param.requires_grad_(False)

    @torch.no_grad()
    def after_train_iter(self, runner, batch_idx, data_batch=None,
                         outputs=None) -> None:
        if self.ema_model is None:
            return
        current = self._model(runner).state_dict()
        for name, value in self.ema_model.state_dict().items():
            if value.dtype.is_floating_point:
                value.mul_(self.momentum).add_(
                    current[name].detach(), alpha=1 - self.momentum)
            else:
                value.copy_(current[name])

    def after_train_epoch(self, runner) -> None:
        if not self.every_n_epochs(runner, self.interval):
            return
        from tsptools.core.clip_plan import make_extract_cfg
        from tsptools.apis.gvf import precompute_gvf

        datasets = [
            ds for loader in (runner.train_dataloader, runner.val_dataloader)
            for ds in leaf_datasets(loader.dataset) if hasattr(ds, 'load_gvf') and ds.gvf_file
        ]
        if not datasets:
            return
        videos = {}
        for ds in datasets:
            videos.update(ds.video_files())
        out_file = osp.join(runner.work_dir, 'gvf',
                            f'epoch_{runner.epoch + 1}.h5')
        model = self.ema_model if self.ema_model is not None else \
            self._model(runner)
        was_training = model.training
        model.eval()
        cfg = make_extract_cfg(
            self.extract_cfg or runner.cfg.get('extract_cfg'))
        if self.num_workers is not None:
            cfg['num_workers'] = self.num_workers
        # every rank pools its share of the videos; rank 0 writes the file
        _, failed = precompute_gvf(
            model, sorted(videos.items()), out_file, cfg=cfg,
            pool=self.pool, progress=False)
        model.train(was_training)
        if failed:
            raise RuntimeError(f'GVF refresh failed for {len(failed)} '
                               f'videos, e.g. {failed[0]}')
        runner.logger.info(
            f'GVF recomputed for {len(videos)} videos '
            f'({"momentum" if self.ema_model is not None else "current"}'
            f' encoder, {self.pool} pool, {get_world_size()} rank(s)): '
            f'{out_file}')
        for ds in datasets:
            ds.load_gvf(out_file)
