"""Reference outputs of the official TSP code, for ``compare.py``.

Run by ``compare.py`` with ``--reference-python``: a Python that has torch,
torchvision, PyAV and pandas (not tsptools' environment: torchvision is no
dependency of tsptools), and the official repository checked out at
``--official-repo`` (github.com/HumamAlwassel/TSP). Nothing of the official
code is copied here: it is imported from that checkout.

Writes into ``--out``:

* ``{arch}_ref.pt``: random weights (BN statistics included) of the official
  backbones (torchvision's ``r2plus1d_18`` and ``r3d_18``, TSP's
  ``r2plus1d_34``), an input and their pooled 512-d output;
* ``released_r2plus1d_18.pth``: those ``r2plus1d_18`` weights laid out as an
  official checkpoint (``model`` with ``features.*`` and ``fc.*``, ``args``);
* ``official_stride{S}/{video}.pkl``: the features of the official extractor
  (``EvalVideoDataset`` and the transforms of ``extract_features.py``) of the
  videos of ``--out/videos`` listed in ``--out/metadata.csv``.

torchvision 0.2x's ``read_video`` (PyAV backend), which the official dataset
calls, is gone from current torchvision; :func:`read_video` below does what
its documentation and code do (frames with ``floor(start / tb) <= pts <=
ceil(end / tb)``, plus the last frame before the start when none starts
exactly there; ``to_rgb()`` conversion).
"""
import argparse
import math
import os
import sys

import av
import numpy as np
import pandas as pd
import torch
import torchvision
import torchvision.io


def read_video(filename, start_pts=0, end_pts=None, pts_unit='pts'):
    with av.open(filename) as container:
        stream = container.streams.video[0]
        start = int(math.floor(start_pts * (1 / stream.time_base)))
        end = int(math.ceil(end_pts * (1 / stream.time_base)))
        frames = {f.pts: f for f in container.decode(video=0)}
    chosen = [frames[p] for p in sorted(frames) if start <= p <= end]
    if frames and start > 0 and start not in frames:
        before = [p for p in frames if p < start]
        if before:
            chosen.insert(0, frames[max(before)])
    return torch.as_tensor(np.stack(
        [f.to_rgb().to_ndarray() for f in chosen])), None, {}


def randomize_bn(model):
    for mod in model.modules():
        if isinstance(mod, torch.nn.BatchNorm3d):
            mod.running_mean.uniform_(-0.2, 0.2)
            mod.running_var.uniform_(0.5, 2.0)
            mod.weight.data.uniform_(0.5, 1.5)
            mod.bias.data.uniform_(-0.1, 0.1)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--official-repo', required=True)
    parser.add_argument('--out', required=True)
    parser.add_argument('--strides', type=int, nargs='+', default=[16, 4])
    args = parser.parse_args()
    sys.path.insert(0, args.official_repo)
    sys.path.insert(0, os.path.join(args.official_repo, 'extract_features'))
    torchvision.io.read_video = read_video
    from common import transforms as T
    from models import backbone as B
    import eval_video_dataset
    eval_video_dataset.read_video = read_video

    torch.manual_seed(0)
    builders = dict(
        r2plus1d_18=lambda: torchvision.models.video.r2plus1d_18(weights=None),
        r3d_18=lambda: torchvision.models.video.r3d_18(weights=None),
        r2plus1d_34=lambda: B.r2plus1d_34(pretrained=False))
    x = torch.randn(2, 3, 16, 112, 112)
    for arch, build in builders.items():
        model = build()
        randomize_bn(model)
        model.fc = torch.nn.Sequential()  # as the official Model does
        model.eval()
        with torch.no_grad():
            y = model(x)
        torch.save(dict(state=model.state_dict(), x=x, y=y),
                   os.path.join(args.out, f'{arch}_ref.pt'))
        print(f'{arch}: {sum(p.numel() for p in model.parameters())} '
              'parameters')
        if arch == 'r2plus1d_18':
            extractor = model

    released = {f'features.{k}': v for k, v in extractor.state_dict().items()}
    released['fc.weight'] = torch.zeros(200, 512)
    released['fc.bias'] = torch.zeros(200)
    torch.save(dict(model=released, optimizer={}, lr_scheduler={}, epoch=5,
                    args=argparse.Namespace(backbone='r2plus1d_18',
                                            label_columns=['action-label'])),
               os.path.join(args.out, 'released_r2plus1d_18.pth'))
    # the transforms of the official extract_features.py
    transform = torchvision.transforms.Compose([
        T.ToFloatTensorInZeroOne(), T.Resize((128, 171)),
        T.Normalize(mean=[0.43216, 0.394666, 0.37645],
                    std=[0.22803, 0.22145, 0.216989]),
        T.CenterCrop((112, 112))])
    for stride in args.strides:
        out_dir = os.path.join(args.out, f'official_stride{stride}')
        os.makedirs(out_dir, exist_ok=True)
        dataset = eval_video_dataset.EvalVideoDataset(
            pd.read_csv(os.path.join(args.out, 'metadata.csv')),
            os.path.join(args.out, 'videos'), 16, 15, stride, out_dir,
            transform)
        loader = torch.utils.data.DataLoader(dataset, batch_size=8)
        with torch.no_grad():
            for sample in loader:
                dataset.save_features(extractor(sample['clip']), sample)
        print(f'official extractor, stride {stride}: '
              f'{sorted(os.listdir(out_dir))}')


if __name__ == '__main__':
    main()
