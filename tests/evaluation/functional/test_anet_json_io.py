import gc
import gzip
import json

import numpy as np
import pytest

from tsptools.evaluation.functional import (AnnotationError, load_actionness,
                                            load_ground_truth,
                                            load_grounding_ground_truth,
                                            load_grounding_predictions,
                                            load_json, load_predictions)

GT = {
    'version': '1.3',
    'database': {
        'v1': {
            'subset': 'validation', 'duration': 60.0,
            'annotations': [{'segment': [1, 5], 'label': 'a'},
                            {'segment': ['6', 9.5], 'label': 'b'}]
        },
        'v2': {'subset': 'validation', 'duration': 30, 'annotations': []},
        'v3': {
            'subset': 'training',
            'annotations': [{'segment': [0, 1], 'label': 'c'}]
        },
    }
}


DEFAULT_THRESHOLD = gc.get_threshold()


def write(tmp_path, obj, name='f.json', compress=False):
    path = tmp_path / name
    data = json.dumps(obj).encode()
    path.write_bytes(gzip.compress(data) if compress else data)
    return str(path)


def test_ground_truth_subset_and_gzip(tmp_path):
    for compress in (False, True):
        gt = load_ground_truth(write(tmp_path, GT, 'gt.json.gz', compress))
        assert gt['videos'].tolist() == ['v1', 'v2']
        np.testing.assert_array_equal(gt['durations'], [60, 30])
        assert gt['video'].tolist() == ['v1', 'v1']
        np.testing.assert_array_equal(gt['segments'], [[1, 5], [6, 9.5]])
        assert gt['labels'].tolist() == ['a', 'b']
    every = load_ground_truth(GT, subset=None)
    assert every['labels'].tolist() == ['a', 'b', 'c']
    assert np.isnan(every['durations'][2])


def test_predictions_keep_unknown_videos(tmp_path):
    pred = {'results': {'v1': [{'segment': [1, 2], 'score': 0.5,
                                'label': 'a'}],
                        'zz': [{'segment': [3, 4], 'score': 0.1,
                                'label': 'b'}]}}
    out = load_predictions(write(tmp_path, pred))
    assert out['video'].tolist() == ['v1', 'zz']
    assert out['scores'].tolist() == [0.5, 0.1]
    assert 'labels' not in load_predictions(pred, with_labels=False)


@pytest.mark.parametrize('content, message', [
    (b'', 'empty'),
    (b'   \n', 'empty'),
    (b'{"database": ', 'not valid JSON'),
])
def test_unreadable_files(tmp_path, content, message):
    path = tmp_path / 'bad.json'
    path.write_bytes(content)
    with pytest.raises(AnnotationError, match=message):
        load_json(str(path))
    with pytest.raises(AnnotationError, match='cannot read'):
        load_json(str(tmp_path / 'missing.json'))


def bad_gt(**ann):
    return {'database': {'v1': {'subset': 'validation',
                                'annotations': [ann]}}}


@pytest.mark.parametrize('data, message', [
    ({'results': {}}, 'missing top-level key "database"'),
    ({'database': []}, '"database" must map'),
    ({'database': {'v1': {'annotations': []}}}, 'missing key "subset"'),
    (bad_gt(segment=[5, 1], label='a'),
     r'database\["v1"\]\["annotations"\]\[0\]: segment end 1.0 < start 5.0'),
    (bad_gt(segment=[1], label='a'), 'must be \\[start, end\\]'),
    (bad_gt(segment=[1, 'x'], label='a'), 'must be \\[start, end\\]'),
    (bad_gt(segment=[1, float('nan')], label='a'), 'not finite'),
    (bad_gt(label='a'), 'missing key "segment"'),
    (bad_gt(segment=[1, 2]), 'missing key "label"'),
    (bad_gt(segment=[1, 2], label=None), 'string or an integer'),
    ({'database': {'v1': {'subset': 'training', 'annotations': []}}},
     r'no video of subset "validation" \(subsets present: \[\'training\'\]'),
    ({'database': {'v1': {'subset': 'validation', 'annotations': []}}},
     'no annotations'),
])
def test_ground_truth_errors(data, message):
    with pytest.raises(AnnotationError, match=message):
        load_ground_truth(data)


@pytest.mark.parametrize('item, message', [
    ({'segment': [1, 2], 'label': 'a'}, 'missing key "score"'),
    ({'segment': [1, 2], 'score': 'high', 'label': 'a'}, 'must be a number'),
    ({'segment': [3, 2], 'score': 1, 'label': 'a'},
     r'results\["v"\]\[0\]: segment end 2.0 < start 3.0'),
    ({'segment': [1, 2], 'score': 1}, 'missing key "label"'),
])
def test_prediction_errors(item, message):
    with pytest.raises(AnnotationError, match=message):
        load_predictions({'results': {'v': [item]}})
    with pytest.raises(AnnotationError, match='must be a list'):
        load_predictions({'results': {'v': item}})


def test_grounding_files():
    gt = load_grounding_ground_truth(GT)
    assert gt['query'].tolist() == ['v1#0', 'v1#1']
    pred = load_grounding_predictions({'results': {
        'v1#0': [{'segment': [0, 1], 'score': 0.1},
                 {'segment': [2, 3], 'score': 0.9}],
        'v1#1': [{'segment': [4, 5]}, {'segment': [6, 7]}]}})
    # Sorted by score when given, list order otherwise.
    np.testing.assert_array_equal(pred['v1#0'], [[2, 3], [0, 1]])
    np.testing.assert_array_equal(pred['v1#1'], [[4, 5], [6, 7]])
    with pytest.raises(AnnotationError, match='on every moment or on none'):
        load_grounding_predictions({'results': {'q': [
            {'segment': [0, 1], 'score': 1}, {'segment': [0, 1]}]}})


def test_actionness_files():
    out = load_actionness({'results': {
        'a': {'scores': [0.1, 0.2, 0.3], 'stride': 0.5, 'offset': 0.25},
        'b': {'scores': [1, 0], 'times': [0, 2]}}})
    np.testing.assert_allclose(out['a'][0], [0.25, 0.75, 1.25])
    np.testing.assert_allclose(out['b'][0], [0, 2])
    for entry, message in [({'scores': [1]}, '"times" or "stride"'),
                           ({'scores': [], 'stride': 1}, 'non-empty'),
                           ({'scores': [1, 2], 'times': [1, 1]},
                            'strictly increasing'),
                           ({'scores': [1], 'stride': 0}, '> 0')]:
        with pytest.raises(AnnotationError, match=message):
            load_actionness({'results': {'a': entry}})


def test_loaders_pause_the_garbage_collector_and_restore_it(tmp_path):
    gt = write(tmp_path, GT, 'gt.json')
    seen = []
    gc.callbacks.append(lambda phase, info: seen.append(phase))
    try:
        for collecting in (True, False):
            (gc.enable if collecting else gc.disable)()
            assert load_ground_truth(gt)['labels'].tolist() == ['a', 'b']
            assert gc.isenabled() is collecting
            with pytest.raises(AnnotationError):
                load_predictions({'results': []})
            assert gc.isenabled() is collecting
        big = write(tmp_path, {'results': {'v': [[1, 2]] * 100}}, 'big.json')
        gc.enable()
        gc.collect()
        seen.clear()
        gc.set_threshold(1)  # would collect at the first allocation
        data = load_json(big)
        collections = len(seen)  # before anything else allocates
        assert collections == 0
        assert len(data['results']['v']) == 100
    finally:
        gc.set_threshold(*DEFAULT_THRESHOLD)
        gc.callbacks.pop()
        gc.enable()
