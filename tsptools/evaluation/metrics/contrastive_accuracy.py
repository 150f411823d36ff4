from typing import Dict, List, Optional, Sequence

import numpy as np
from mmengine.evaluator import BaseMetric

from tsptools.registry import METRICS


@METRICS.register_module()
class ContrastiveAccuracy(BaseMetric):
    """Contrastive accuracy and loss of a queue-based contrastive pretrainer
    (:class:`PALPretrainer` in ``'predict'`` mode).

    Each data sample carries ``acc_contrast`` (1 if its positive logit is the
    largest of the ``1 + K``), ``loss_contrast`` (its InfoNCE loss) and
    ``num_negatives`` (``K``). Reports their means: ``acc_contrast``,
    ``infonce_contrast`` (the mean InfoNCE loss, the validation loss that
    PAL's learning-rate schedule monitors) and ``chance_contrast`` (mean of
    ``1 / (1 + K)``, the accuracy of a random ranking). The loss is not
    reported as ``loss_*``: mmengine's log processor averages every logged
    key containing ``loss`` over a window, validation epochs included, so the
    logs would show a running mean over up to 20 epochs instead of each
    epoch's value.

    When the samples also carry ``query_embedding`` and ``key_embedding``
    (their region features), it reports ``acc_retrieval``: the fraction of
    queries whose own key is strictly the most similar among the keys of all
    ``N`` evaluated samples, ``chance_retrieval`` (``1 / N``), and
    ``rank_retrieval``, the mean rank of the own key among the ``N`` (1 is
    the best; a random ranking averages ``(N + 1) / 2``, ties count against
    the query), a less noisy measure than the accuracy on small validation
    sets. Unlike the
    queue, these keys come from the same encoder state and the same
    normalisation mode as the queries, so the measure cannot be won by keys
    that drift during training or by train/eval BN differences; a collapsed
    encoder (all features alike) scores chance.

    Args:
        collect_device (str): ``'cpu'`` or ``'gpu'``.
        prefix (str, optional): prefix of the metric names.
    """

    default_prefix = ''

    def __init__(self,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)

    def process(self, data_batch, data_samples: Sequence[dict]) -> None:
        for sample in data_samples:
            values = [sample.get(k) for k in ('acc_contrast', 'loss_contrast',
                                              'num_negatives')]
            if any(v is None for v in values):
                raise KeyError('ContrastiveAccuracy: a sample lacks '
                               '"acc_contrast", "loss_contrast" or '
                               '"num_negatives" (use PALPretrainer)')
            acc, loss, k = (float(v) for v in values)
            q, key = sample.get('query_embedding'), sample.get('key_embedding')
            embeddings = None if q is None or key is None else (
                np.asarray(q, dtype=np.float32),
                np.asarray(key, dtype=np.float32))
            self.results.append((acc, loss, 1.0 / (1.0 + k), embeddings))

    def compute_metrics(self, results: List[tuple]) -> Dict[str, float]:
        if not results:
            return dict(acc_contrast=0.0, infonce_contrast=0.0,
                        chance_contrast=0.0)
        values = np.asarray([r[:3] for r in results], dtype=np.float64)
        acc, loss, chance = values.mean(0)
        metrics = dict(
            acc_contrast=float(acc),
            infonce_contrast=float(loss),
            chance_contrast=float(chance))
        if all(r[3] is not None for r in results):
            queries = np.stack([r[3][0] for r in results])
            keys = np.stack([r[3][1] for r in results])
            metrics['acc_retrieval'] = retrieval_accuracy(queries, keys)
            metrics['chance_retrieval'] = 1.0 / len(results)
            metrics['rank_retrieval'] = retrieval_mean_rank(queries, keys)
        return metrics


def _own_key_similarities(queries: np.ndarray, keys: np.ndarray,
                          chunk: int):
    """Per chunk of rows ``i``: the similarities ``queries[i] . keys[i]`` and
    the matrix ``queries[i] . keys[j]`` with the own key (``j = i``) set to
    ``-inf``."""
    for start in range(0, len(queries), chunk):
        sim = queries[start:start + chunk] @ keys.T
        rows = np.arange(len(sim))
        pos = sim[rows, start + rows].copy()
        sim[rows, start + rows] = -np.inf
        yield pos, sim


def retrieval_accuracy(queries: np.ndarray, keys: np.ndarray,
                       chunk: int = 4096) -> float:
    """Fraction of rows ``i`` whose ``queries[i] . keys[i]`` is strictly the
    largest of ``queries[i] . keys[j]`` over all ``j`` (in chunks of rows)."""
    correct = sum(int((pos > sim.max(1)).sum())
                  for pos, sim in _own_key_similarities(queries, keys, chunk))
    return correct / len(queries)


def retrieval_mean_rank(queries: np.ndarray, keys: np.ndarray,
                        chunk: int = 4096) -> float:
    """Mean over rows ``i`` of the rank of ``keys[i]`` among all keys by
    similarity to ``queries[i]``: 1 + the number of keys ``j`` with
    ``queries[i] . keys[j] >= queries[i] . keys[i]``, ``j != i`` (ties count
    against the query)."""
    beaten = sum(int((sim >= pos[:, None]).sum())
                 for pos, sim in _own_key_similarities(queries, keys, chunk))
    return 1.0 + beaten / len(queries)
