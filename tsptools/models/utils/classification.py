from typing import List

import torch
from mmengine.structures import BaseDataElement


def stack_field(data_samples: List[BaseDataElement], key: str,
                device: torch.device) -> torch.Tensor:
    """Stack the field ``key`` of every data sample into one tensor."""
    try:
        values = [sample.get(key) for sample in data_samples]
    except AttributeError:
        values = [sample[key] for sample in data_samples]
    if any(v is None for v in values):
        raise KeyError(f'Some data samples have no "{key}" field; add it to '
                       'PackPretextInputs(keys=...) in the pipeline')
    return torch.stack([torch.as_tensor(v) for v in values]).to(device)


def masked_accuracy(logits: torch.Tensor,
                    labels: torch.Tensor,
                    ignore_index: int = -1) -> torch.Tensor:
    """Top-1 accuracy over the samples whose label is not ``ignore_index``.

    Returns NaN-free 0 when no sample counts.
    """
    valid = labels != ignore_index
    if not valid.any():
        return logits.new_zeros(())
    correct = logits[valid].argmax(-1) == labels[valid]
    return correct.float().mean()
