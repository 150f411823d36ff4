"""tools/predict.py end to end: a generated mp4, an encoder, a localizer
trained in the test on that video's features, then results.json, subtitles,
the picture, and a clear error for a file that is not a video."""
import json
import subprocess
import sys

import numpy as np
import torch
from mmengine.config import Config
from mmengine.structures import BaseDataElement

from tests.conftest import REPO_ROOT, TAC_CONFIG
from tsptools.datasets.synthactions.writer import write_video

ENCODER = f"""
_base_ = ['{TAC_CONFIG}']
model = dict(backbone=dict(base_channels=4),
             head=dict(in_channels=32, num_classes=2))
extract_cfg = dict(short_side=48, crop_size=48, stride=4, batch_size=8,
                   num_workers=0)
"""
LOCALIZER = f"""
_base_ = ['{REPO_ROOT}/configs/localizer/localizer-fpn1d_r2plus1d-18-w16_tsp-pre_1xb4-80e_synthactions-small.py']
model = dict(in_channels=32, num_classes=1, input_dropout=0.0)
"""
ACTION = (4.0, 8.0)  # seconds in which the square moves


def action_video(path, seconds=12, fps=30):
    frames = np.full((seconds * fps, 48, 64, 3), 60, np.uint8)
    for t in range(len(frames)):
        if ACTION[0] <= t / fps < ACTION[1]:
            x = int(24 + 20 * np.sin(t / 2.0))
            frames[t, 16:32, x:x + 16] = 230
        else:
            frames[t, 16:32, 24:40] = 230
    write_video(str(path), frames, fps=fps)


def train_localizer(config, features, times, duration, steps=300):
    from tsptools.datasets import PrecomputedFeatureDataset
    from tsptools.registry import MODELS
    torch.manual_seed(0)
    model = MODELS.build(Config.fromfile(str(config)).model)
    model.init_weights()
    offset, step = PrecomputedFeatureDataset.time_grid(times, duration)
    sample = BaseDataElement(
        video_name='v', duration=duration, time_offset=offset,
        time_step=step, num_steps=len(features),
        gt_segments=np.array([ACTION]), gt_labels=np.array([0]))
    inputs = torch.from_numpy(np.ascontiguousarray(features.T))
    optimizer = torch.optim.Adam(model.parameters(), lr=3e-3)
    model.train()
    for _ in range(steps):
        losses = model(inputs[None], [sample], mode='loss')
        optimizer.zero_grad()
        sum(losses.values()).backward()
        optimizer.step()
    return model


def tiou(a, b):
    inter = max(0.0, min(a[1], b[1]) - max(a[0], b[0]))
    return inter / (max(a[1], b[1]) - min(a[0], b[0]))


def test_predict_writes_segments_subtitles_and_a_picture(tmp_path):
    from tsptools.apis import extract_video_features, init_encoder
    from tsptools.core.clip_plan import make_extract_cfg
    from tsptools.registry import MODELS
    from tsptools.utils import register_all_modules
    register_all_modules()
    videos = tmp_path / 'videos'
    videos.mkdir()
    action_video(videos / 'clip.mp4')
    (videos / 'broken.mp4').write_bytes(b'not a video at all' * 20)
    encoder_cfg = tmp_path / 'encoder.py'
    encoder_cfg.write_text(ENCODER)
    torch.manual_seed(0)
    encoder = MODELS.build(Config.fromfile(str(encoder_cfg)).model)
    torch.save(dict(state_dict=encoder.state_dict(), meta={}),
               tmp_path / 'encoder.pth')
    model = init_encoder(str(encoder_cfg), str(tmp_path / 'encoder.pth'))
    video = extract_video_features(
        model, str(videos / 'clip.mp4'),
        make_extract_cfg(Config.fromfile(str(encoder_cfg)).extract_cfg))
    localizer_cfg = tmp_path / 'localizer.py'
    localizer_cfg.write_text(LOCALIZER)
    localizer = train_localizer(localizer_cfg, video.features,
                                video.clip_times, video.duration)
    torch.save(dict(state_dict=localizer.state_dict(), meta={}),
               tmp_path / 'localizer.pth')
    (tmp_path / 'names.json').write_text(json.dumps(['waving']))

    out = tmp_path / 'out'
    proc = subprocess.run(
        [sys.executable, 'tools/predict.py', str(videos), '--encoder',
         str(encoder_cfg), str(tmp_path / 'encoder.pth'), '--localizer',
         str(localizer_cfg), str(tmp_path / 'localizer.pth'), '--out',
         str(out), '--srt', '--plot', '--class-names',
         str(tmp_path / 'names.json')],
        cwd=REPO_ROOT, capture_output=True, text=True, timeout=300)
    log = proc.stdout + proc.stderr
    assert proc.returncode == 1, log[-3000:]  # broken.mp4 failed
    assert 'broken.mp4' in proc.stderr and 'cannot be decoded' in proc.stderr
    assert 'clips/s' in proc.stdout and 'ETA' in proc.stdout
    results = json.loads((out / 'results.json').read_text())['results']
    assert set(results) == {'clip'}
    detections = results['clip']
    assert detections and detections[0]['label'] == 'waving'
    scores = [d['score'] for d in detections]
    assert scores == sorted(scores, reverse=True)
    # the localizer learned the action of this video
    assert tiou(detections[0]['segment'], ACTION) > 0.5
    srt = (out / 'clip.srt').read_text()
    assert srt.startswith('1\n00:00:0') and 'waving (' in srt
    assert (out / 'clip.png').read_bytes()[:8] == b'\x89PNG\r\n\x1a\n'
    assert not list(out.glob('.*.tmp'))
