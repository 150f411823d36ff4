"""tools/analysis_tools/show_boundaries.py writes one PNG strip per boundary
type (and a combined one) from a BSP config."""
import os.path as osp

import cv2

from tests.conftest import REPO_ROOT, load_script

CONFIG = osp.join(
    REPO_ROOT, 'configs', 'bsp',
    'bsp_r2plus1d-18-w16_scratch-pre_2xb8-16x2-8e_synthactions-small.py')


def load_tool():
    return load_script('tools/analysis_tools/show_boundaries.py')


def test_writes_a_strip_per_boundary_type(trimmed_set, tmp_path):
    config = tmp_path / 'bsp_tiny.py'
    config.write_text(f"""
_base_ = ['{CONFIG}']
synthesizers = [
    dict(type='DiffClassSynthesizer', tau=4, frame_interval=2,
         epsilon_range=(2, 2)),
    dict(type='SameClassSynthesizer', tau=4, frame_interval=2),
    dict(type='DiffSpeedSynthesizer', tau=4, frame_interval=2,
         t_range=(4, 4)),
    dict(type='SameSpeedSynthesizer', tau=4, frame_interval=2),
]
train_dataloader = dict(dataset=dict(
    ann_file='{trimmed_set}/train_list.txt',
    data_prefix=dict(video='{trimmed_set}/videos'),
    num_classes=2, synthesizers=synthesizers))
""")
    out_dir = tmp_path / 'out'
    written = load_tool().main(
        [str(config), '--out-dir', str(out_dir), '--scale', '1'])
    names = [osp.basename(p) for p in written]
    assert names == ['0_diff_class.png', '1_same_class.png',
                     '2_diff_speed.png', '3_same_speed.png',
                     'boundaries.png']
    strips = [cv2.imread(p) for p in written]
    # 8 frames of 32 pixels and a 6-pixel bar after each
    assert all(s.shape[1] == 8 * (32 + 6) for s in strips[:4])
    assert strips[4].shape[0] == sum(s.shape[0] + 8 for s in strips[:4])
    # the red bar after the change point (frame 3 = tau - 1 for diff-class)
    bar = strips[0][40, 4 * 32 + 3 * 6 + 2]
    assert tuple(bar) == (0, 0, 255)
    # no bar in a same-speed clip
    assert not (strips[3] == (0, 0, 255)).all(axis=-1).any()
    windowed = load_tool().main([
        str(config), '--out-dir', str(out_dir / 'w'), '--scale', '1',
        '--window', '2'
    ])
    assert cv2.imread(windowed[0]).shape[1] == 4 * (32 + 6)
