import pytest

from tsptools.datasets import TrimmedVideoDataset


def test_reads_mmaction_list_format(trimmed_set):
    ds = TrimmedVideoDataset(
        ann_file=str(trimmed_set / 'train_list.txt'),
        data_prefix=dict(video=str(trimmed_set / 'videos')),
        num_classes=2)
    assert len(ds) == 6
    info = ds.get_data_info(1)
    assert info['filename'] == str(trimmed_set / 'videos' / 'cls1_1.mp4')
    assert info['action_label'] == 1
    assert info['video_name'] == 'cls1_1'


@pytest.mark.parametrize('line, message', [
    ('a.mp4 7', r'list.txt:2: unknown label 7'),
    ('a.mp4 x', r'list.txt:2: label "x" is not an integer'),
    ('a.mp4', r'list.txt:2: expected "path label"'),
])
def test_bad_lines_are_errors_naming_file_and_line(tmp_path, line, message):
    (tmp_path / 'a.mp4').write_bytes(b'x')
    ann = tmp_path / 'list.txt'
    ann.write_text(f'a.mp4 0\n{line}\n')
    with pytest.raises(ValueError, match=message):
        TrimmedVideoDataset(
            ann_file=str(ann), data_prefix=dict(video=str(tmp_path)),
            num_classes=2)


def test_missing_videos_and_empty_list(tmp_path):
    ann = tmp_path / 'list.txt'
    ann.write_text('missing.mp4 0\n')
    with pytest.raises(FileNotFoundError, match='missing.mp4'):
        TrimmedVideoDataset(
            ann_file=str(ann), data_prefix=dict(video=str(tmp_path)))
    ann.write_text('\n# nothing\n')
    with pytest.raises(ValueError, match='empty'):
        TrimmedVideoDataset(
            ann_file=str(ann), data_prefix=dict(video=str(tmp_path)))
    with pytest.raises(FileNotFoundError, match='nowhere.txt'):
        TrimmedVideoDataset(ann_file=str(tmp_path / 'nowhere.txt'))
