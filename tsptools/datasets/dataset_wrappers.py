from typing import Iterator


def leaf_datasets(dataset) -> Iterator:
    """The datasets inside mmengine's wrappers (``ConcatDataset``,
    ``RepeatDataset``, ``ClassBalancedDataset``), depth first; a plain
    dataset yields itself."""
    if hasattr(dataset, 'datasets'):  # ConcatDataset
        for sub in dataset.datasets:
            yield from leaf_datasets(sub)
    elif hasattr(dataset, 'dataset') and not hasattr(dataset, 'data_list'):
        yield from leaf_datasets(dataset.dataset)  # RepeatDataset & co.
    else:
        yield dataset
