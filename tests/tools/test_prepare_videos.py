"""tools/data/prepare_videos.py on tiny real mp4 files written with PyAV:
constant 30 fps, the requested short side, short keyframe intervals, frame
counts of a resampled rate, resume, unreadable inputs."""
import json
import os
import subprocess
import sys
from pathlib import Path

import av
import numpy as np
import pytest

from tests.conftest import load_script, moving_square_frames
from tsptools.datasets.synthactions.writer import write_video

ROOT = Path(__file__).parents[2]
TOOL = ROOT / 'tools' / 'data' / 'prepare_videos.py'


def _tool():
    return load_script('tools/data/prepare_videos.py')


tool = _tool()


def _inputs(root):
    """``a.mp4``: 50 frames at 25 fps (2 s), 96 x 64; ``sub/b.mp4``: 45
    frames at 30 fps (1.5 s), 64 x 80; both with one keyframe only."""
    (root / 'sub').mkdir(parents=True)
    write_video(str(root / 'a.mp4'),
                moving_square_frames(50, 0, height=64, width=96), fps=25,
                options=dict(g=300))
    write_video(str(root / 'sub' / 'b.mp4'),
                moving_square_frames(45, 1, height=80, width=64), fps=30,
                options=dict(g=300))
    return root


@pytest.fixture(scope='module')
def prepared(tmp_path_factory):
    """The inputs, prepared once with short side 32 and gop 8."""
    base = tmp_path_factory.mktemp('prepare')
    src = _inputs(base / 'in')
    out = base / 'out'
    status = tool.main([str(src), str(out), '--short-side', '32', '--gop',
                        '8', '--workers', '1', '--no-progress'])
    assert status == 0
    return src, out


def _probe(path):
    """``(rate, width, height, frame indices of the keyframes, frames)``
    from the packets and the decoded frames' timestamps."""
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        ticks = 1 / (stream.average_rate * stream.time_base)
        keys = sorted(
            int(round(p.pts / ticks)) for p in container.demux(stream)
            if p.pts is not None and p.is_keyframe)
        container.seek(0)
        pts = [f.pts for f in container.decode(stream)]
        return (stream.average_rate, stream.codec_context.width,
                stream.codec_context.height, keys, pts, ticks)


@pytest.mark.parametrize('name, size, seconds', [
    ('a.mp4', (48, 32), 2.0), ('sub/b.mp4', (32, 40), 1.5)])
def test_output_is_constant_30fps_short_side_and_short_gops(
        prepared, name, size, seconds):
    _, out = prepared
    rate, width, height, keys, pts, ticks = _probe(out / name)
    assert rate == 30
    assert (width, height) == size  # short side 32, aspect kept, even
    # constant rate: frame i at i / 30 s
    assert pts == [int(i * ticks) for i in range(len(pts))]
    # the duration is kept within one frame: 25 fps x 2 s -> 60 frames
    assert abs(len(pts) / 30 - seconds) <= 1 / 30
    assert keys[0] == 0
    assert max(np.diff(keys + [len(pts)])) <= 8


def test_25fps_input_is_resampled_as_ffmpeg_r_30():
    """Source frame shown at t goes to output frame round(t * 30); empty
    output frames repeat the previous one."""
    frames = [(i, i / 25, 1 / 25) for i in range(50)]
    out = [f for f, n in tool.resample(iter(frames), 30) for _ in range(n)]
    assert len(out) == 60
    assert out[:8] == [0, 1, 2, 2, 3, 4, 5, 6]
    assert set(out) == set(range(50))  # nothing dropped going up
    # 60 -> 30 fps keeps one frame in two
    frames = [(i, i / 60, 1 / 60) for i in range(60)]
    out = [f for f, n in tool.resample(iter(frames), 30) for _ in range(n)]
    assert out == list(range(0, 60, 2))
    # a single frame, and an unknown duration (one output frame)
    assert list(tool.resample(iter([('x', 0.0, None)]), 30)) == [('x', 1)]


def test_manifest_and_metadata(prepared):
    src, out = prepared
    records = [json.loads(line) for line in
               (out / 'prepare_videos.jsonl').read_text().splitlines()]
    assert sorted(r['output'] for r in records) == ['a.mp4', 'sub/b.mp4']
    by_name = {r['output']: r for r in records}
    assert by_name['a.mp4']['source_frames'] == 50
    assert by_name['a.mp4']['frames'] == 60
    assert by_name['a.mp4']['source_fps'] == pytest.approx(25)
    lines = (out / 'metadata.csv').read_text().splitlines()
    assert lines == ['filename,video-duration,fps,video-frames',
                     'a.mp4,2,30,60', 'sub/b.mp4,1.5,30,45']
    assert not list(out.rglob('*.part'))


def test_resume_skips_finished_files(prepared, capsys):
    src, out = prepared
    mtimes = {p: p.stat().st_mtime_ns for p in out.rglob('*.mp4')}
    assert tool.main([str(src), str(out), '--short-side', '32', '--gop',
                      '8', '--workers', '1', '--no-progress']) == 0
    assert '2 already prepared, 0 to convert' in capsys.readouterr().out
    assert {p: p.stat().st_mtime_ns for p in out.rglob('*.mp4')} == mtimes


def test_resume_redoes_a_truncated_or_changed_output(tmp_path, capsys):
    src = _inputs(tmp_path / 'in')
    out = tmp_path / 'out'
    args = [str(src), str(out), '--short-side', '32', '--gop', '8',
            '--workers', '1', '--no-progress']
    assert tool.main(args) == 0
    (out / 'a.mp4').write_bytes((out / 'a.mp4').read_bytes()[:500])
    capsys.readouterr()
    assert tool.main(args) == 0
    assert '1 already prepared, 1 to convert' in capsys.readouterr().out
    assert _probe(out / 'a.mp4')[0] == 30
    # other settings: everything is made again
    assert tool.main(args[:-3] + ['--gop', '4', '--workers', '1',
                                  '--no-progress']) == 0
    assert '0 already prepared, 2 to convert' in capsys.readouterr().out


def test_corrupt_input_is_named_and_the_others_are_converted(tmp_path):
    src = _inputs(tmp_path / 'in')
    (src / 'broken.mp4').write_bytes(os.urandom(4000))
    good = (src / 'a.mp4').read_bytes()
    (src / 'cut.mp4').write_bytes(good[:len(good) // 3])
    out = tmp_path / 'out'
    proc = subprocess.run(
        [sys.executable, str(TOOL), str(src), str(out), '--short-side',
         '32', '--gop', '8', '--workers', '2'],
        capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert f'error: {src / "broken.mp4"}' in proc.stderr
    assert f'error: {src / "cut.mp4"}' in proc.stderr  # mp4 index lost
    assert 'could not be converted' in proc.stderr
    assert (out / 'a.mp4').exists() and (out / 'sub' / 'b.mp4').exists()
    assert not (out / 'broken.mp4').exists()
    assert not list(out.rglob('*.part'))
    assert '[4/4] 100%' in proc.stderr and 'ETA' in proc.stderr


def test_output_size_is_even_and_never_upscaled():
    assert tool.output_size(640, 360, 128) == (228, 128)
    assert tool.output_size(1280, 720, 128) == (228, 128)
    assert tool.output_size(480, 360, 128) == (170, 128)  # 170.67 -> 170
    assert tool.output_size(360, 640, 128) == (128, 228)
    assert tool.output_size(100, 90, 128) == (100, 90)  # kept
    assert tool.output_size(101, 75, 0) == (100, 74)  # even
