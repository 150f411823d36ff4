"""The SynthActions command line (``tools/data/generate_synthetic.py``).

Run in this process through its ``main(argv)``: a subprocess would spend most
of its time importing the package again.
"""
import json
import os.path as osp
import runpy

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
SCRIPT = osp.join(REPO_ROOT, 'tools', 'data', 'generate_synthetic.py')


def test_cli_tiny_with_12_classes(tmp_path, capsys):
    out = tmp_path / 'synth'
    main = runpy.run_path(SCRIPT)['main']
    main([
        str(out), '--preset', 'tiny', '--seed', '3', '--num-classes', '12',
        '--workers', '2', '--cfg-options', 'untrimmed.counts.training=2',
        'untrimmed.counts.validation=1', 'untrimmed.counts.testing=1',
        'untrimmed.duration=(6,8)', 'trimmed.clip_duration=1.0'
    ])
    printed = capsys.readouterr().out
    assert '100%' in printed and 'SynthActions tiny (seed 3)' in printed
    meta = json.loads((out / 'meta.json').read_text())
    assert meta['complete'] and meta['seed'] == 3
    assert meta['config']['untrimmed']['duration'] == [6, 8]
    assert meta['counts']['untrimmed'] == dict(training=2, validation=1,
                                               testing=1)
    assert meta['num_classes'] == 12 and meta['classes'][0] == 'blink'
    lines = (out / 'trimmed' / 'train_list.txt').read_text().splitlines()
    assert sorted(int(line.split()[1]) for line in lines) == list(range(12))
    for line in lines:
        assert (out / 'trimmed' / 'videos' / line.split()[0]).is_file()
    videos = list((out / 'untrimmed' / 'videos').glob('v_*.mp4'))
    assert len(videos) == sum(meta['counts']['untrimmed'].values())
