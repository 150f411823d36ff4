"""Check tsptools against the official TSP code, end to end.

    python benchmarks/official_tsp/compare.py \
        --official-repo PATH/TO/TSP --reference-python PATH/TO/python \
        [--work-dir /tmp/tsp_reference]

1. Writes 16:9 test videos (320x180, textured, at 25, 30 and 60 fps, an odd
   frame count at 30 fps) and their official metadata CSV.
2. Runs ``reference.py`` with ``--reference-python`` (an environment with
   torchvision and pandas; see its docstring): the official backbones and the
   official extractor on those videos.
3. Loads each official backbone's weights into tsptools' ``R2Plus1D18``,
   ``R3D18`` and ``R2Plus1D34`` (``strict=True``) and compares the outputs.
4. Runs ``tools/extract_features.py`` with the paper config and the
   released-layout checkpoint, and compares its features with the official
   ones: number of clips per video and relative L2 error.

Prints one line per comparison; exits 1 when a difference exceeds
``--tolerance`` (relative, default 1e-5) or a clip count differs.
"""
import argparse
import os
import os.path as osp
import pickle
import shutil
import subprocess
import sys

import numpy as np
import torch

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CONFIG = osp.join(REPO_ROOT, 'configs/tac/'
                  'tac_r2plus1d-18_k400-pre_2xb32-16x2-8e_activitynet.py')
VIDEOS = ((30, 101), (25, 90), (60, 150))  # fps, frames


def write_videos(root):
    from tsptools.datasets.synthactions.writer import write_video
    os.makedirs(osp.join(root, 'videos'), exist_ok=True)
    rows = ['filename,video-duration,fps,video-frames']
    for fps, n in VIDEOS:
        rng = np.random.default_rng(fps)
        t = np.arange(n)[:, None, None, None]
        y, x = np.mgrid[:180, :320]
        frames = (80 + 60 * np.sin((x[None, ..., None] + 4 * t) / 9.0) +
                  rng.integers(0, 60, size=(1, 180, 320, 3)))
        frames[..., 1] = (frames[..., 1] + y[None] // 2) % 256
        name = f'v{fps}.mp4'
        write_video(osp.join(root, 'videos', name),
                    np.clip(frames, 0, 255).astype(np.uint8), fps=fps)
        rows.append(f'{name},{n / fps},{float(fps)},{n}')
    with open(osp.join(root, 'metadata.csv'), 'w') as f:
        f.write('\n'.join(rows) + '\n')


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('--official-repo', required=True)
    parser.add_argument('--reference-python', required=True)
    parser.add_argument('--work-dir', default='/tmp/tsp_reference')
    parser.add_argument('--strides', type=int, nargs='+', default=[16, 4])
    parser.add_argument('--tolerance', type=float, default=1e-5)
    args = parser.parse_args()
    root = args.work_dir
    write_videos(root)
    subprocess.run([args.reference_python,
                    osp.join(osp.dirname(osp.abspath(__file__)),
                             'reference.py'),
                    '--official-repo', args.official_repo, '--out', root,
                    '--strides', *map(str, args.strides)], check=True)
    from tsptools.apis import load_features
    from tsptools.models.backbones import R2Plus1D18, R2Plus1D34, R3D18
    failed = False
    for arch, cls in (('r2plus1d_18', R2Plus1D18), ('r3d_18', R3D18),
                      ('r2plus1d_34', R2Plus1D34)):
        ref = torch.load(osp.join(root, f'{arch}_ref.pt'), weights_only=True)
        model = cls()
        model.load_state_dict(ref['state'], strict=True)
        with torch.no_grad():
            y = model.eval()(ref['x']).mean((2, 3, 4))
        err = float((y - ref['y']).norm() / ref['y'].norm())
        failed |= err > args.tolerance
        print(f'backbone {arch}: strict load, relative error {err:.2e}')
    for stride in args.strides:
        out = osp.join(root, f'ours_stride{stride}')
        shutil.rmtree(out, ignore_errors=True)  # new weights every run
        subprocess.run([
            sys.executable, osp.join(REPO_ROOT, 'tools/extract_features.py'),
            CONFIG, osp.join(root, 'released_r2plus1d_18.pth'),
            '--video-dir', osp.join(root, 'videos'), '--out-dir', out,
            '--format', 'npy', '--stride', str(stride), '--num-workers',
            '0', '--no-progress'], check=True, capture_output=True)
        ours = load_features(out)
        for fps, _ in VIDEOS:
            name = f'v{fps}'
            with open(osp.join(root, f'official_stride{stride}',
                               f'{name}.pkl'), 'rb') as f:
                official = pickle.load(f)
            mine = ours[name][0]
            if mine.shape != official.shape:
                failed = True
                print(f'stride {stride} {name}: T {len(mine)} vs official '
                      f'{len(official)}')
                continue
            err = float(np.linalg.norm(mine - official) /
                        np.linalg.norm(official))
            failed |= err > args.tolerance
            print(f'stride {stride} {name} ({fps} fps): T={len(mine)} as '
                  f'official, relative L2 error {err:.2e}')
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
