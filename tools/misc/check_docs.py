"""Check that the commands in the documentation still work.

    python tools/misc/check_docs.py [FILE.md ...] [--no-run] [--verbose]

Without files: README.md, every docs/**/*.md and projects/*/README.md.
What is checked:

1. **Every shell block** (fenced ```bash, ```shell, ```sh or ```console)
   is parsed (continuation lines joined, ``$ `` prompts and comments
   dropped, split at ``&&``, ``||``, ``;``, ``|``) and each command is
   checked statically:

   - ``python tools/X.py ...`` (also ``python3``, ``$PYTHON``,
     ``.venv/bin/python``, ``torchrun``): the script exists and every
     ``--flag`` is one its argparse parser defines (read from the script's
     ``add_argument`` calls; ``X.py --help`` when it has none);
   - ``bash tools/X.sh ...``: the script exists; a wrapper around one
     Python tool (``dist_train.sh`` -> ``train.py``) takes that tool's flags;
   - ``python -m pytest PATHS``, ``pip install -e PATH``: the paths exist;
   - ``make TARGET``: the Makefile has the target;
   - every other token that is a repository path (``tools/``, ``configs/``,
     ``projects/``, ``docs/``, ``tests/``, ``tsptools/``, ``benchmarks/``,
     ``requirements/``, ``../shared/``) exists, unless it is a placeholder
     (``<...>``, ``CONFIG``, ``*``, ``$VAR``, ``...``).

2. **Relative links** ``[text](path)`` and images ``![alt](path)`` outside
   code blocks point at existing files (anchors ignored).

3. **The table of contents** ``docs/en/index.md`` links every page under
   ``docs/en/`` (when it is among the files checked).

4. **Blocks marked to run**: a block preceded by the line
   ``<!-- docs-check: run -->`` is executed with ``bash -e -o pipefail`` in
   a sandbox folder (unless ``--no-run``), in document order, one sandbox
   for all of them. The sandbox links ``tools``, ``configs``, ``projects``
   and ``docs`` of the repository, puts this interpreter first on ``PATH``
   as ``python``, and holds tiny stand-ins for the demo's outputs (see
   :func:`make_sandbox`): SynthActions-style annotations at
   ``data/synthactions-small/untrimmed/annotations/synthactions.json``,
   extracted features ``work_dirs/demo/features/{tac,tsp,bsp,pal}`` and
   training logs ``work_dirs/demo/{tac,tsp}``. A block fails when it exits
   non-zero. ``<!-- docs-check: run timeout=N -->`` sets its time limit
   (default 120 s).

``<!-- docs-check: skip -->`` before a block exempts it (commands of other
projects, deliberately wrong examples). Exit status 1 when any problem is
found; every problem is printed as ``file:line: message``.
"""
import argparse
import ast
import glob
import json
import os
import os.path as osp
import re
import shlex
import subprocess
import sys
import tempfile
import time
from typing import Dict, Iterator, List, Optional, Set, Tuple

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
SHELL_LANGS = {'bash', 'shell', 'sh', 'console', 'zsh'}
PATH_ROOTS = ('tools/', 'configs/', 'projects/', 'docs/', 'tests/',
              'tsptools/', 'benchmarks/', 'requirements/', '../shared/')
PYTHONS = re.compile(r'^(?:python[\d.]*|\$\{?PYTHON\}?|\S*/python[\d.]*)$')
MARKER = re.compile(r'^\s*<!--\s*docs-check:\s*(run|skip)\b([^>]*)-->\s*$')
FENCE = re.compile(r'^(\s*)(`{3,}|~{3,})\s*([\w+-]*)')
LINK = re.compile(r'!?\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)')
SEPARATORS = {'&&', '||', ';', '|', '&', ';;', '|&'}


class Block:
    """A fenced code block of a Markdown file."""

    def __init__(self, path: str, line: int, lang: str, text: str,
                 marker: Optional[str], options: str) -> None:
        self.path, self.line, self.lang, self.text = path, line, lang, text
        self.marker, self.options = marker, options

    @property
    def is_shell(self) -> bool:
        return self.lang in SHELL_LANGS

    @property
    def timeout(self) -> float:
        match = re.search(r'timeout=(\d+)', self.options)
        return float(match.group(1)) if match else 120.0


def parse_markdown(path: str) -> Tuple[List[Block], List[Tuple[int, str]]]:
    """Fenced blocks of ``path`` and the ``(line, target)`` of its links
    outside code blocks."""
    with open(path, encoding='utf-8') as f:
        lines = f.read().splitlines()
    blocks, links = [], []
    marker, options = None, ''
    i = 0
    while i < len(lines):
        line = lines[i]
        fence = FENCE.match(line)
        if fence:
            indent, ticks, lang = fence.groups()
            start, body = i + 1, []
            i += 1
            while i < len(lines) and not (
                    lines[i].strip().startswith(ticks[0] * len(ticks))
                    and not lines[i].strip().strip(ticks[0])):
                text = lines[i]
                body.append(text[len(indent):] if text.startswith(indent)
                            else text.lstrip())
                i += 1
            blocks.append(Block(path, start, lang.lower(), '\n'.join(body),
                                marker, options))
            marker, options = None, ''
            i += 1
            continue
        found = MARKER.match(line)
        if found:
            marker, options = found.group(1), found.group(2)
        elif line.strip() and marker is not None and \
                not line.strip().startswith('<!--'):
            marker, options = None, ''  # a marker applies to the next block
        for target in LINK.findall(re.sub(r'`[^`]*`', '', line)):
            links.append((i + 1, target))
        i += 1
    return blocks, links


# ----------------------------------------------------------------------------
# Shell commands
# ----------------------------------------------------------------------------


def logical_lines(text: str) -> Iterator[Tuple[int, str]]:
    """``(offset, line)`` of a shell block, continuation lines joined and
    ``$ `` / ``> `` prompts dropped; output lines of ``console`` blocks
    (without a prompt when the block has prompts) are skipped."""
    raw = text.split('\n')
    prompts = any(re.match(r'^\s*\$ ', r) for r in raw)
    buf, start = '', 0
    for n, line in enumerate(raw):
        if not buf:
            start = n
            stripped = line.lstrip()
            if prompts:
                if not stripped.startswith('$ '):
                    continue
                line = stripped[2:]
        elif prompts and line.lstrip().startswith('> '):
            line = line.lstrip()[2:]  # continuation prompt
        if line.rstrip().endswith('\\'):
            buf += line.rstrip()[:-1] + ' '
            continue
        buf += line
        if buf.strip():
            yield start, buf
        buf = ''
    if buf.strip():
        yield start, buf


def split_commands(line: str) -> List[List[str]]:
    """Simple commands of one shell line (comments dropped)."""
    lexer = shlex.shlex(line, posix=True, punctuation_chars=';&|')
    lexer.whitespace_split = True
    lexer.commenters = '#'
    commands, current = [], []
    try:
        tokens = list(lexer)
    except ValueError:  # unbalanced quotes: fall back to whitespace
        tokens = line.split('#')[0].split()
    for token in tokens:
        if token in SEPARATORS or set(token) <= set(';&|'):
            if current:
                commands.append(current)
            current = []
        else:
            current.append(token)
    if current:
        commands.append(current)
    return commands


def clean(token: str) -> str:
    """A token without the brackets of optional arguments
    (``[--resume [CKPT]]``) and trailing commas."""
    return token.strip('[]').rstrip(',')


def is_placeholder(path: str) -> bool:
    if any(c in path for c in '<>$*{}') or '...' in path or '…' in path:
        return True
    # an upper-case segment such as CONFIG, WORK_DIR or FILE.md
    return any(re.fullmatch(r'[A-Z][A-Z0-9_]*(\.\w+)?', part)
               for part in path.split('/'))


def repo_paths(tokens: List[str]) -> Iterator[str]:
    """Tokens (or ``key=value`` values) that name a repository path."""
    for token in tokens:
        token = clean(token)
        candidates = [token] + token.split('=')[1:]
        for value in candidates:
            value = value.strip('\'"')
            if value.startswith('./'):
                value = value[2:]
            if value.startswith(PATH_ROOTS) and not is_placeholder(value):
                yield value


_FLAG_CACHE: Dict[str, Optional[Set[str]]] = {}


def script_flags(script: str) -> Optional[Set[str]]:
    """Option strings of ``script``'s argparse parser: from its
    ``add_argument`` calls, else from ``--help``; None if unknown."""
    if script in _FLAG_CACHE:
        return _FLAG_CACHE[script]
    flags: Optional[Set[str]] = None
    full = osp.join(REPO_ROOT, script)
    if script.endswith('.py'):
        with open(full, encoding='utf-8') as f:
            tree = ast.parse(f.read(), filename=full)
        found, helpers = set(), False
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = node.func.attr if isinstance(node.func, ast.Attribute) \
                else getattr(node.func, 'id', '')
            # flags added by a shared helper (add_extract_arguments ...)
            # are only seen in --help
            helpers |= name.startswith('add_') and name.endswith(
                '_arguments')
            if name == 'add_argument':
                for arg in node.args:
                    if isinstance(arg, ast.Constant) and isinstance(
                            arg.value, str) and arg.value.startswith('-'):
                        found.add(arg.value)
        if found and not helpers:
            flags = found | {'-h', '--help'}
        else:
            proc = subprocess.run([sys.executable, full, '--help'],
                                  capture_output=True, text=True,
                                  cwd=REPO_ROOT, timeout=120)
            if proc.returncode == 0:
                flags = set(re.findall(r'(?<![\w-])(--?[\w][\w-]*)',
                                       proc.stdout))
    elif script.endswith('.sh'):
        with open(full, encoding='utf-8') as f:
            text = f.read()
        wrapped = set(re.findall(r'\$\(dirname "\$0"\)/([\w/]+\.py)', text))
        if len(wrapped) == 1:
            target = osp.normpath(osp.join(osp.dirname(script),
                                           wrapped.pop()))
            flags = script_flags(target)
    _FLAG_CACHE[script] = flags
    return flags


def makefile_targets() -> Set[str]:
    path = osp.join(REPO_ROOT, 'Makefile')
    if not osp.isfile(path):
        return set()
    with open(path) as f:
        return set(re.findall(r'^([\w.-]+)\s*:(?!=)', f.read(), re.M))


def check_command(tokens: List[str]) -> List[str]:
    """Problems of one simple command."""
    problems = []
    for path in repo_paths(tokens):
        if path.startswith('../shared/') and \
                not osp.isdir(osp.join(REPO_ROOT, '..', 'shared')):
            continue  # a checkout without the shared folder beside it
        if not osp.exists(osp.join(REPO_ROOT, path)):
            problems.append(f'{path} does not exist')
    while tokens and re.match(r'^[A-Za-z_]\w*=', tokens[0]):
        tokens = tokens[1:]  # environment assignments
    if not tokens:
        return problems
    head = tokens[0]
    script, rest = None, []
    if PYTHONS.match(head) or head == 'torchrun':
        args = tokens[1:]
        while args and args[0].startswith('-') and head != 'torchrun':
            if args[0] in ('-m', '-c'):
                return problems  # a module or inline code: paths checked
            args = args[1:]  # interpreter options (-u, -W ...)
        for i, arg in enumerate(args):
            if arg.endswith('.py'):
                script, rest = arg, args[i + 1:]
                break
    elif head in ('bash', 'sh') and len(tokens) > 1:
        script, rest = tokens[1], tokens[2:]
    elif head.endswith(('.sh', '.py')) and '/' in head:
        script, rest = head, tokens[1:]
    elif head == 'make':
        targets = makefile_targets()
        for target in tokens[1:]:
            if not target.startswith('-') and '=' not in target and \
                    target not in targets:
                problems.append(f'make: no target {target!r} in Makefile')
        return problems
    if script is None:
        return problems
    script = script.strip('\'"')
    if script.startswith('./'):
        script = script[2:]
    if not script.startswith(PATH_ROOTS[:-1]) or is_placeholder(script):
        return problems  # another project's script or a placeholder
    if not osp.isfile(osp.join(REPO_ROOT, script)):
        return problems  # reported as a missing path above
    flags = script_flags(script)
    if flags is None:
        return problems
    for token in rest:
        token = clean(token)
        if token == '--':
            break
        if token.startswith('--'):
            flag = token.split('=', 1)[0]
            if flag not in flags:
                problems.append(f'{script} has no option {flag} (it has: '
                                f'{" ".join(sorted(flags))})')
    return problems


def check_block(block: Block) -> List[Tuple[int, str]]:
    problems = []
    for offset, line in logical_lines(block.text):
        for tokens in split_commands(line):
            for problem in check_command(tokens):
                problems.append((block.line + 1 + offset, problem))
    return problems


def check_links(path: str, links: List[Tuple[int, str]]
                ) -> List[Tuple[int, str]]:
    problems = []
    for line, target in links:
        if re.match(r'^[a-z][\w+.-]*:', target) or target.startswith('#'):
            continue  # http:, mailto:, in-page anchors
        file_part = target.split('#')[0]
        full = osp.normpath(osp.join(osp.dirname(path), file_part))
        if not osp.exists(full):
            problems.append((line, f'broken link {target}'))
    return problems


# ----------------------------------------------------------------------------
# Running marked blocks
# ----------------------------------------------------------------------------


def _features(folder: str, videos: Dict[str, dict], separation: float,
              seed: int) -> None:
    """An ``npy`` output folder of ``tools/extract_features.py``, written
    with its writers: features, clip times and manifest."""
    import numpy as np

    from tsptools.core.feature_format import (FeatureManifest,
                                              save_video_output)
    rng = np.random.default_rng(seed)
    entries = {}
    dim = 32
    common = rng.uniform(0.2, 1.0, dim)
    for name, info in videos.items():
        frames = int(info['duration'] * 30)
        count = (frames // 2 - 16) // 16 + 1
        times = (np.arange(count) * 32 + 16) / 30.0
        fg = np.zeros(count, bool)
        for ann in info['annotations']:
            s, e = ann['segment']
            fg |= (times >= s) & (times <= e)
        action = rng.uniform(0, 1, dim)
        feats = common + separation * fg[:, None] * action + \
            0.1 * rng.random((count, dim))
        save_video_output(folder, name, 'npy', feats, times, {})
        entries[name] = dict(status='ok', T=int(count), num_clips=int(count),
                             fps=30.0, num_frames=frames,
                             duration=info['duration'], file=f'{name}.npy')
    FeatureManifest(
        format='npy', output='.', settings=dict(
            clip_len=16, frame_interval=2, stride=16, short_side=64,
            crop_size=56, tail='drop', resize_to=None),
        num_videos=len(entries), num_ok=len(entries), num_short=0,
        num_failed=0, videos=entries).save(folder)


def _scalars(work_dir: str, head: str, epochs: int = 3,
             iters: int = 4) -> None:
    folder = osp.join(work_dir, '20250101_000000', 'vis_data')
    os.makedirs(folder, exist_ok=True)
    lines = []
    for it in range(1, epochs * iters + 1):
        epoch = (it - 1) // iters + 1
        rec = dict(lr=0.01 * min(1.0, it / iters), loss=2.0 / it ** 0.5,
                   epoch=epoch, iter=it, step=it, time=0.5, data_time=0.1)
        rec[f'loss_{head}'] = rec['loss']
        rec[f'acc_{head}'] = min(1.0, 0.1 * it)
        lines.append(rec)
        if it % iters == 0:
            lines.append({f'acc_{head}': 0.2 * epoch,
                          'mean_acc': 0.2 * epoch, 'step': epoch})
    with open(osp.join(folder, 'scalars.json'), 'w') as f:
        f.write(''.join(json.dumps(r) + '\n' for r in lines))


def make_sandbox(root: str) -> None:
    """Tiny stand-ins for the demo's outputs, in ``root``."""
    for name in ('tools', 'configs', 'projects', 'docs'):
        os.symlink(osp.join(REPO_ROOT, name), osp.join(root, name))
    bin_dir = osp.join(root, '.bin')
    os.makedirs(bin_dir)
    for name in ('python', 'python3'):
        shim = osp.join(bin_dir, name)
        with open(shim, 'w') as f:
            f.write(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
        os.chmod(shim, 0o755)
    videos = {}
    for i, (duration, segments) in enumerate([
            (30.0, [[4.0, 11.0], [18.0, 25.0]]), (24.0, [[6.0, 16.0]]),
            (20.0, [[0.0, 5.0], [12.0, 17.0]])]):
        videos[f'v_{i:06d}'] = dict(
            subset='validation', duration=duration, fps=30.0,
            annotations=[dict(segment=s, label='jump') for s in segments])
    ann_dir = osp.join(root, 'data', 'synthactions-small', 'untrimmed',
                       'annotations')
    os.makedirs(ann_dir)
    with open(osp.join(ann_dir, 'synthactions.json'), 'w') as f:
        json.dump(dict(version='SynthActions', database=videos), f)
    for seed, (enc, separation) in enumerate(
            [('tac', 0.2), ('tsp', 1.5), ('bsp', 0.8), ('pal', 1.0)]):
        _features(osp.join(root, 'work_dirs', 'demo', 'features', enc),
                  videos, separation, seed)
    _scalars(osp.join(root, 'work_dirs', 'demo', 'tac'), 'action')
    _scalars(osp.join(root, 'work_dirs', 'demo', 'tsp'), 'region')


def run_blocks(blocks: List[Block], verbose: bool) -> List[Tuple[Block, str]]:
    problems = []
    with tempfile.TemporaryDirectory(prefix='check_docs_') as root:
        make_sandbox(root)
        env = dict(os.environ,
                   PATH=osp.join(root, '.bin') + os.pathsep +
                   os.environ.get('PATH', ''),
                   MPLBACKEND='Agg')
        for block in blocks:
            start = time.time()
            try:
                proc = subprocess.run(
                    ['bash', '-e', '-o', 'pipefail', '-c', block.text],
                    cwd=root, env=env, capture_output=True, text=True,
                    timeout=block.timeout)
            except subprocess.TimeoutExpired:
                problems.append((block, f'timed out after {block.timeout} s'))
                continue
            if verbose:
                print(f'{osp.relpath(block.path, REPO_ROOT)}:{block.line}: '
                      f'ran in {time.time() - start:.1f} s')
            if proc.returncode != 0:
                problems.append((block, f'exit status {proc.returncode}:\n' +
                                 (proc.stdout + proc.stderr)[-2000:]))
    return problems


# ----------------------------------------------------------------------------


def default_files() -> List[str]:
    files = [osp.join(REPO_ROOT, 'README.md')]
    files += sorted(glob.glob(osp.join(REPO_ROOT, 'docs', '**', '*.md'),
                              recursive=True))
    files += sorted(glob.glob(osp.join(REPO_ROOT, 'projects', '*',
                                       'README.md')))
    return [f for f in files if osp.isfile(f)]


def check_index(index: str) -> List[str]:
    """Pages under the index's folder that the index does not link."""
    folder = osp.dirname(index)
    _, links = parse_markdown(index)
    linked = {osp.normpath(osp.join(folder, t.split('#')[0]))
              for _, t in links}
    pages = glob.glob(osp.join(folder, '**', '*.md'), recursive=True)
    rel = osp.relpath(index, REPO_ROOT)
    return [f'{rel}: does not link {osp.relpath(p, folder)}'
            for p in sorted(pages)
            if osp.normpath(p) not in linked and osp.normpath(p) != index]


def check_files(files: List[str], run: bool = True,
                verbose: bool = False) -> List[str]:
    """Every problem found in ``files``, as ``file:line: message``."""
    problems, to_run = [], []
    num_blocks = num_links = 0
    for path in files:
        rel = osp.relpath(path, REPO_ROOT)
        blocks, links = parse_markdown(path)
        num_links += len(links)
        for line, message in check_links(path, links):
            problems.append(f'{rel}:{line}: {message}')
        for block in blocks:
            if not block.is_shell or block.marker == 'skip':
                continue
            num_blocks += 1
            for line, message in check_block(block):
                problems.append(f'{rel}:{line}: {message}')
            if block.marker == 'run':
                to_run.append(block)
    index = osp.join(REPO_ROOT, 'docs', 'en', 'index.md')
    if index in files:
        problems += check_index(index)
    if run and to_run:
        for block, message in run_blocks(to_run, verbose):
            rel = osp.relpath(block.path, REPO_ROOT)
            problems.append(f'{rel}:{block.line}: block failed: {message}')
    print(f'check_docs: {len(files)} files, {num_blocks} shell blocks, '
          f'{num_links} links, {len(to_run) if run else 0} blocks run, '
          f'{len(problems)} problems')
    return problems


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('files', nargs='*',
                        help='Markdown files (default: README.md and '
                        'docs/**/*.md)')
    parser.add_argument('--no-run', action='store_true',
                        help='only the static checks')
    parser.add_argument('--verbose', action='store_true')
    args = parser.parse_args()
    files = [osp.abspath(f) for f in args.files] or default_files()
    problems = check_files(files, run=not args.no_run, verbose=args.verbose)
    for problem in problems:
        print(problem)
    sys.exit(1 if problems else 0)


if __name__ == '__main__':
    main()
