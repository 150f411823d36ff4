"""The SynthActions command line, run as a user would."""
import json
import os.path as osp
import subprocess
import sys

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
SCRIPT = osp.join(REPO_ROOT, 'tools', 'data', 'generate_synthetic.py')


def test_cli_tiny_with_12_classes(tmp_path):
    out = tmp_path / 'synth'
    result = subprocess.run(
        [sys.executable, SCRIPT, str(out), '--preset', 'tiny', '--seed', '3',
         '--num-classes', '12', '--workers', '2'],
        capture_output=True, text=True, cwd=REPO_ROOT, timeout=120)
    assert result.returncode == 0, result.stderr
    assert '100%' in result.stdout  # the progress line
    meta = json.loads((out / 'meta.json').read_text())
    assert meta['complete'] and meta['seed'] == 3
    assert meta['num_classes'] == 12 and meta['classes'][-1] == 'sway'
    lines = (out / 'trimmed' / 'train_list.txt').read_text().splitlines()
    assert sorted(int(line.split()[1]) for line in lines) == list(range(12))
    for line in lines:
        assert (out / 'trimmed' / 'videos' / line.split()[0]).is_file()
    videos = list((out / 'untrimmed' / 'videos').glob('v_*.mp4'))
    assert len(videos) == sum(meta['counts']['untrimmed'].values())
