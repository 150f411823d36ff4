"""Features for mmaction2's BMN: `--format csv --resize-to 100` plus the
annotation files of tools/misc/feature_config.py load in mmaction2's own
ActivityNetDataset and pipeline, and one BMN training iteration runs on
them."""
import json
import subprocess
import sys

import torch
from mmengine.dataset import pseudo_collate

from tests.conftest import REPO_ROOT, TAC_CONFIG, moving_square_frames
from tsptools.datasets.synthactions.writer import write_video

TINY_CONFIG = f"""
_base_ = ['{TAC_CONFIG}']
model = dict(backbone=dict(base_channels=4),
             head=dict(in_channels=32, num_classes=2))
extract_cfg = dict(short_side=40, crop_size=32, batch_size=4, num_workers=0)
"""


def test_bmn_reads_the_csv_features_and_trains(tmp_path):
    from mmaction.registry import DATASETS, MODELS
    from mmengine.registry import init_default_scope

    videos = tmp_path / 'videos'
    videos.mkdir()
    database = {}
    for i in range(3):
        write_video(str(videos / f'v_{i}.mp4'),
                    moving_square_frames(90 + 30 * i, i % 2, 48, 64, seed=i))
        database[str(i)] = dict(subset='training', annotations=[
            dict(segment=[0.5, 2.0], label='jump')])
    (tmp_path / 'anet.json').write_text(json.dumps(dict(database=database)))
    config = tmp_path / 'tiny.py'
    config.write_text(TINY_CONFIG)
    feats = tmp_path / 'csv_100'
    for cmd in (
        [sys.executable, 'tools/extract_features.py', str(config), 'none',
         '--video-dir', str(videos), '--out-dir', str(feats), '--format',
         'csv', '--resize-to', '100', '--stride', '2', '--no-progress'],
        [sys.executable, 'tools/misc/feature_config.py', str(feats), '--for',
         'bmn', '--anet-json', str(tmp_path / 'anet.json'), '--anno-out',
         str(tmp_path)]):
        proc = subprocess.run(cmd, cwd=REPO_ROOT, capture_output=True,
                              text=True, timeout=300)
        assert proc.returncode == 0, proc.stderr[-3000:]
    assert 'model = dict(feat_dim=32, temporal_dim=100)' in proc.stdout

    init_default_scope('mmaction')
    dataset = DATASETS.build(dict(
        type='ActivityNetDataset',
        ann_file=str(tmp_path / 'anet_anno_train.json'),
        data_prefix=dict(video=str(feats)),
        pipeline=[
            dict(type='LoadLocalizationFeature'),
            dict(type='GenerateLocalizationLabels'),
            dict(type='PackLocalizationInputs', keys=('gt_bbox', ),
                 meta_keys=('video_name', ))
        ]))
    assert len(dataset) == 3
    sample = dataset[0]
    assert tuple(sample['inputs'].shape) == (32, 100)  # C x temporal_dim
    model = MODELS.build(dict(
        type='BMN', temporal_dim=100, boundary_ratio=0.5, num_samples=8,
        num_samples_per_bin=3, feat_dim=32, soft_nms_alpha=0.4,
        soft_nms_low_threshold=0.5, soft_nms_high_threshold=0.9,
        post_process_top_k=100, hidden_dim_1d=16, hidden_dim_2d=16,
        hidden_dim_3d=32))
    batch = pseudo_collate([dataset[i] for i in range(3)])
    optimizer = torch.optim.SGD(model.parameters(), lr=1e-3)
    losses = model(batch['inputs'], batch['data_samples'], mode='loss')
    loss = sum(v for k, v in losses.items() if 'loss' in k)
    assert torch.isfinite(loss)
    loss.backward()
    optimizer.step()
