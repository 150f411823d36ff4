"""tsptools.utils.Progress: the extraction tools' progress line."""
import io

from tsptools.utils import Progress


def test_lines_count_videos_clips_and_eta():
    stream = io.StringIO()  # not a terminal: one line per report
    bar = Progress(2, stream=stream)
    bar.add_clips(3)
    bar.update()
    bar.update()  # the last one always shows
    lines = stream.getvalue().splitlines()
    assert lines[0].startswith('[0/2 videos] 3 clips, ')
    assert 'ETA --:--' in lines[0]  # nothing done yet
    assert lines[-1].startswith('[2/2 videos] 3 clips, ')
    assert 'clips/s' in lines[-1] and lines[-1].endswith('ETA 00:00')


def test_disabled_or_empty_prints_nothing():
    stream = io.StringIO()
    Progress(3, enabled=False, stream=stream).update(3)
    Progress(0, stream=stream).update()
    assert stream.getvalue() == ''
