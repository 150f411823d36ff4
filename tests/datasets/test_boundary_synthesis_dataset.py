"""BoundarySynthesisDataset: deterministic draws, source relations, labels,
mixture, and the full pipeline on tiny mp4s."""
import numpy as np
import pytest
import torch

from tsptools.datasets import BoundarySynthesisDataset
from tsptools.utils import register_all_modules

FOUR = [
    dict(type='DiffClassSynthesizer', tau=4, frame_interval=2),
    dict(type='SameClassSynthesizer', tau=4, frame_interval=2),
    dict(type='DiffSpeedSynthesizer', tau=4, frame_interval=2),
    dict(type='SameSpeedSynthesizer', tau=4, frame_interval=2),
]


def make(root, **kwargs):
    register_all_modules()
    kwargs.setdefault('synthesizers', FOUR)
    return BoundarySynthesisDataset(
        ann_file=str(root / 'train_list.txt'),
        data_prefix=dict(video=str(root / 'videos')),
        **kwargs)


def draws(dataset):
    """Everything random of every sample (not the synthesizer object)."""
    out = []
    for i in range(len(dataset)):
        info = dataset.get_data_info(i)
        out.append((info['boundary_label'], info['synth_params'],
                    [(s['filename'], s['offset']) for s in info['sources']]))
    return out


def test_length_labels_and_metainfo(trimmed_set):
    dataset = make(trimmed_set, samples_per_video=3)
    assert dataset.num_videos == 6 and len(dataset) == 18
    assert dataset.metainfo['boundary_types'] == (
        'diff_class', 'same_class', 'diff_speed', 'same_speed')
    for i in range(len(dataset)):
        info = dataset.get_data_info(i)
        assert info['boundary_type'] == \
            dataset.boundary_types[info['boundary_label']]
        assert info['sources'][0]['filename'] == \
            dataset.get_data_info(i % 6)['sources'][0]['filename']
        assert 'action_label' not in info


def test_draws_are_deterministic_per_seed_epoch_and_index(trimmed_set):
    a, b = make(trimmed_set, samples_per_video=4), make(
        trimmed_set, samples_per_video=4)
    assert draws(a) == draws(b)
    b.set_epoch(1)
    assert draws(a) != draws(b)
    a.set_epoch(1)
    assert draws(a) == draws(b)
    assert draws(make(trimmed_set, samples_per_video=4, seed=1)) != draws(b)
    # test mode always uses test_epoch: validation is the same every time
    val = make(trimmed_set, samples_per_video=4, test_mode=True)
    first = draws(val)
    val.set_epoch(3)
    assert draws(val) == first
    # a sample's draw depends on its index only, not on what came before
    fresh = make(trimmed_set, samples_per_video=4)
    info = fresh.get_data_info(13)
    assert (info['boundary_label'], info['synth_params']) == \
        draws(make(trimmed_set, samples_per_video=4))[13][:2]


def test_source_relations(trimmed_set):
    dataset = make(trimmed_set, samples_per_video=20)
    seen = set()
    for i in range(len(dataset)):
        info = dataset.get_data_info(i)
        labels = info['source_labels']
        files = [s['filename'] for s in info['sources']]
        kind = info['boundary_type']
        seen.add(kind)
        if kind == 'same_class':
            assert labels[0] == labels[1] and files[0] != files[1]
        elif kind == 'diff_class':
            assert labels[0] != labels[1]
        else:
            assert len(files) == 1
        for source in info['sources']:
            assert 0 <= source['offset'] < 1
    assert seen == {'diff_class', 'same_class', 'diff_speed', 'same_speed'}


def test_mixture_and_binary_subsets(trimmed_set):
    dataset = make(trimmed_set, samples_per_video=5, mixture=[1, 0, 0, 0])
    assert {dataset.get_data_info(i)['boundary_type']
            for i in range(len(dataset))} == {'diff_class'}
    # {S_ds, S_ss} of Table 4: labels 0 and 1
    binary = make(trimmed_set, samples_per_video=10,
                  synthesizers=FOUR[2:])
    labels = [binary.get_data_info(i)['boundary_label']
              for i in range(len(binary))]
    assert set(labels) == {0, 1}
    assert binary.metainfo['boundary_types'] == ('diff_speed', 'same_speed')
    weighted = make(trimmed_set, samples_per_video=50, mixture=[3, 1, 0, 0])
    counts = np.bincount(
        [weighted.get_data_info(i)['boundary_label'] for i in range(300)])
    assert counts[0] > 2 * counts[1] and len(counts) == 2


def test_invalid_settings(trimmed_set, tmp_path):
    with pytest.raises(ValueError, match='same length'):
        make(trimmed_set, synthesizers=[
            dict(type='SameSpeedSynthesizer', tau=4),
            dict(type='DiffSpeedSynthesizer', tau=3)])
    with pytest.raises(ValueError, match='mixture'):
        make(trimmed_set, mixture=[1, 1])
    with pytest.raises(ValueError, match='seed'):
        make(trimmed_set, seed=-1)
    one_class = tmp_path / 'one.txt'
    one_class.write_text('cls0_0.mp4 0\ncls0_2.mp4 0\n')
    with pytest.raises(ValueError, match='two classes'):
        BoundarySynthesisDataset(
            ann_file=str(one_class),
            data_prefix=dict(video=str(trimmed_set / 'videos')))


def test_pipeline_output(trimmed_set):
    pipeline = [
        dict(type='SynthesizeBoundary'),
        dict(type='mmaction.Resize', scale=(-1, 32)),
        dict(type='mmaction.CenterCrop', crop_size=32),
        dict(type='mmaction.FormatShape', input_format='NCTHW'),
        dict(type='PackPretextInputs', keys=('boundary_label', ),
             meta_keys=('boundary_type', 'change_point', 'sample_idx')),
    ]
    dataset = make(trimmed_set, samples_per_video=2, pipeline=pipeline,
                   test_mode=True)
    a, b = dataset[5], dataset[5]
    assert a['inputs'].shape == (1, 3, 8, 32, 32)
    assert a['inputs'].dtype == torch.uint8
    assert torch.equal(a['inputs'], b['inputs'])  # reproducible sample
    sample = a['data_samples']
    assert int(sample.boundary_label) == \
        dataset.get_data_info(5)['boundary_label']
    assert sample.metainfo['sample_idx'] == 5
