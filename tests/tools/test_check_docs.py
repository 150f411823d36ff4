"""tools/misc/check_docs.py: the real documentation passes; a crafted page
with a wrong option, a missing path, a broken link, an unknown make target
or a failing marked block does not."""
import subprocess
import sys

import pytest

from tests.conftest import REPO_ROOT, load_script


@pytest.fixture(scope='module')
def check_docs():
    return load_script('tools/misc/check_docs.py')


def test_real_docs_pass():
    proc = subprocess.run(
        [sys.executable, 'tools/misc/check_docs.py'], cwd=REPO_ROOT,
        capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    # the analysis guide's commands were run, not only read
    assert ' 0 blocks run' not in proc.stdout
    assert ' 0 problems' in proc.stdout


BAD_DOC = """# A page

See [the guide](nowhere/missing.md) and [TSP](../tsp.md#options).

```bash
python tools/analysis_tools/plot_similarity.py --featurez TAC=x \\
    --ann a.json --out-dir out
python tools/train.py configs/tsp/no_such_config.py --work-dir w
bash tools/dist_train.sh CONFIG 2 --work-dir w [--no-such-flag]
make no-such-target
```

<!-- docs-check: skip -->
```bash
python tools/train.py CONFIG --skipped-wrong-flag
```

<!-- docs-check: run -->
```bash
test -f data/synthactions-small/untrimmed/annotations/synthactions.json
echo broken >&2; exit 3
```
"""

GOOD_DOC = """# Fine

```console
$ PYTHONPATH=projects/example_pretext python tools/train.py \\
>     configs/tac/tac_r2plus1d-18-w16_scratch-pre_2xb8-16x2-8e_synthactions-small.py --work-dir=w
some output line --not-a-flag
$ bash tools/dist_train.sh CONFIG 2 --resume  # a comment --ignored
$ python tools/test.py CONFIG CKPT [--dump out.pkl] && make test
```
"""


def test_crafted_doc_fails(tmp_path, check_docs):
    page = tmp_path / 'docs' / 'page.md'
    page.parent.mkdir()
    page.write_text(BAD_DOC)
    problems = check_docs.check_files([str(page)], run=True)
    text = '\n'.join(problems)
    assert 'plot_similarity.py has no option --featurez' in text
    assert 'configs/tsp/no_such_config.py does not exist' in text
    # dist_train.sh passes its options to train.py
    assert 'tools/dist_train.sh has no option --no-such-flag' in text
    assert "make: no target 'no-such-target'" in text
    assert 'broken link nowhere/missing.md' in text
    assert 'broken link ../tsp.md#options' in text
    assert '--skipped-wrong-flag' not in text
    assert 'block failed: exit status 3' in text and 'broken' in text
    # problems name the file and the line of the command
    assert any(p.endswith(':6: tools/analysis_tools/plot_similarity.py has '
                          'no option --featurez (it has: ' +
                          p.split('(it has: ')[-1]) for p in problems)
    assert len(problems) == 7, text


def test_crafted_doc_passes(tmp_path, check_docs):
    page = tmp_path / 'ok.md'
    page.write_text(GOOD_DOC)
    assert check_docs.check_files([str(page)], run=False) == []


def test_command_parsing(check_docs):
    lines = list(check_docs.logical_lines('a \\\n  b --x\nc'))
    assert lines == [(0, 'a    b --x'), (2, 'c')]
    assert check_docs.split_commands('A=1 python x.py --f && make y | z') \
        == [['A=1', 'python', 'x.py', '--f'], ['make', 'y'], ['z']]
    assert check_docs.is_placeholder('configs/tsp/<config>.py')
    assert check_docs.is_placeholder('work/CONFIG')
    assert not check_docs.is_placeholder('configs/tsp/tsp_x.py')
    flags = check_docs.script_flags('tools/analysis_tools/plot_similarity.py')
    assert {'--features', '--ann', '--out-dir', '--video'} <= flags
    assert check_docs.script_flags('tools/dist_train.sh') == \
        check_docs.script_flags('tools/train.py')
