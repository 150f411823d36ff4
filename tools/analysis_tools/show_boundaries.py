"""Draw the synthetic boundaries of a BSP config as PNG strips.

For every synthesizer of the config's BSP dataset, the first sample of that
type is synthesized (decoding only, no augmentation) and its frames are drawn
side by side: a red bar between the last frame before the change (mu) and
the next one, an orange line under the frames of a diff-class blend, the
source frame of each output frame underneath. One PNG per boundary type and
``boundaries.png`` with all of them.

Example:
    python tools/analysis_tools/show_boundaries.py \
        configs/bsp/bsp_r2plus1d-18-w16_scratch-pre_2xb8-16x2-8e_synthactions-small.py \
        --out-dir work_dirs/show_boundaries

See docs/en/user_guides/bsp.md.
"""
import argparse
import os
import os.path as osp
from typing import List, Optional

import cv2
import numpy as np
from mmengine.config import Config, DictAction

RED = (0, 0, 255)  # BGR
ORANGE = (0, 140, 255)
WHITE = (255, 255, 255)
GREY = (60, 60, 60)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Draw the synthetic boundaries of a BSP config')
    parser.add_argument('config', help='a config with a '
                        'BoundarySynthesisDataset (alone or in a '
                        'ConcatDataset)')
    parser.add_argument('--out-dir', default='work_dirs/show_boundaries',
                        help='where the PNGs go')
    parser.add_argument('--split', default='train', choices=['train', 'val'],
                        help='which dataloader\'s dataset (default: train)')
    parser.add_argument('--start', type=int, default=0,
                        help='search samples from this index (default 0)')
    parser.add_argument('--window', type=int, default=None,
                        help='frames on each side of the boundary (default: '
                        'the whole clip)')
    parser.add_argument('--scale', type=int, default=2,
                        help='integer upscaling of the frames (default 2)')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction,
                        help='override config entries')
    return parser.parse_args(argv)


def find_bsp_dataset(cfg: dict) -> dict:
    """The BoundarySynthesisDataset config inside a dataset config."""
    if cfg.get('type') == 'BoundarySynthesisDataset':
        return cfg
    for key in ('datasets', 'dataset'):
        inner = cfg.get(key)
        for sub in (inner if isinstance(inner, list) else [inner]):
            if isinstance(sub, dict):
                found = find_bsp_dataset(sub)
                if found is not None:
                    return found
    return None


def header(text: str, width: int, height: int = 18) -> np.ndarray:
    img = np.full((height, width, 3), 255, np.uint8)
    cv2.putText(img, text, (2, height - 5), cv2.FONT_HERSHEY_SIMPLEX, 0.4,
                (0, 0, 0), 1, cv2.LINE_AA)
    return img


def draw_strip(frames: np.ndarray, change_point: int, title: str,
               blend: Optional[np.ndarray] = None,
               sources: Optional[List[str]] = None,
               window: Optional[int] = None, scale: int = 2) -> np.ndarray:
    """One row: a title, then the frames (RGB ``T x H x W x 3``) left to
    right with their indices, a red bar after frame ``change_point`` (none
    if -1), an orange line under ``blend`` frames, ``sources`` captions."""
    num = len(frames)
    first, last = 0, num
    if window is not None:
        centre = change_point if change_point >= 0 else num // 2 - 1
        first = max(0, centre - window + 1)
        last = min(num, centre + window + 1)
    gap = 6
    tiles = []
    for i in range(first, last):
        frame = cv2.cvtColor(frames[i], cv2.COLOR_RGB2BGR)
        frame = cv2.resize(frame, None, fx=scale, fy=scale,
                           interpolation=cv2.INTER_NEAREST)
        width = frame.shape[1]
        under = np.full((5, width, 3), 255, np.uint8)
        if blend is not None and blend[i]:
            under[1:4] = ORANGE
        caption = header(sources[i] if sources else '', width, 14)
        tile = np.concatenate(
            [header(f'{i}', width), frame, under, caption])
        bar = np.full((tile.shape[0], gap, 3), 255, np.uint8)
        if i == change_point:
            bar[:, 1:gap - 1] = RED
        tiles += [tile, bar]
    row = np.concatenate(tiles, axis=1)
    return np.concatenate([header(title, row.shape[1], 20), row])


def synthesize_examples(dataset, start: int = 0) -> List[dict]:
    """The first sample of each boundary type from ``start``, synthesized
    without augmentation."""
    from tsptools.datasets.transforms import SynthesizeBoundary
    synthesize = SynthesizeBoundary()
    wanted = set(range(len(dataset.synthesizers)))
    examples = {}
    for idx in list(range(start, len(dataset))) + list(range(start)):
        info = dataset.get_data_info(idx)
        label = info['boundary_label']
        if label in wanted:
            wanted.discard(label)
            params = dict(info['synth_params'])
            index, weight = info['synthesizer'].index_map(**params)
            results = synthesize(info)
            examples[label] = dict(
                results, index=index, weight=weight, sample_idx=idx)
        if not wanted:
            break
    if wanted:
        raise ValueError(f'no sample of the boundary types {sorted(wanted)} '
                         f'in {len(dataset)} samples (mixture weight 0?)')
    return [examples[k] for k in sorted(examples)]


def describe(example: dict) -> str:
    params = ', '.join(
        f'{k}={v:.2f}' if isinstance(v, float) else f'{k}={v}'
        for k, v in example['synth_params'].items())
    names = ' + '.join(s['video_name'] for s in example['sources'])
    return (f'{example["boundary_label"]}: {example["boundary_type"]} '
            f'({params}) mu={example["change_point"]}  [{names}]')


def captions(example: dict) -> List[str]:
    """``V1:f12`` style source of each output frame (``+`` for blends)."""
    out = []
    inds = example['source_frame_inds']
    for row, weights in zip(example['index'], example['weight']):
        parts = []
        for s, (i, w) in enumerate(zip(row, weights)):
            if i >= 0 and w > 0:
                used = np.unique(example['index'][:, s][
                    example['index'][:, s] >= 0])
                frame = inds[s][np.searchsorted(used, i)]
                parts.append(f'V{s + 1}:{frame}')
        out.append('+'.join(parts))
    return out


def main(argv=None) -> List[str]:
    args = parse_args(argv)
    from mmengine.registry import init_default_scope

    from tsptools.registry import DATASETS
    from tsptools.utils import register_all_modules
    register_all_modules()
    init_default_scope('tsptools')
    cfg = Config.fromfile(args.config)
    if args.cfg_options:
        cfg.merge_from_dict(args.cfg_options)
    loader = cfg.get(f'{args.split}_dataloader')
    bsp = find_bsp_dataset(loader.dataset) if loader else None
    if bsp is None:
        raise ValueError(f'{args.config}: {args.split}_dataloader has no '
                         'BoundarySynthesisDataset')
    bsp = dict(bsp, pipeline=[])
    dataset = DATASETS.build(bsp)
    os.makedirs(args.out_dir, exist_ok=True)
    rows, written = [], []
    for example in synthesize_examples(dataset, args.start):
        frames = np.stack(example['imgs'])
        weight = example['weight']
        blend = ((weight > 0) & (weight < 1)).any(axis=1)
        row = draw_strip(frames, example['change_point'], describe(example),
                         blend, captions(example), args.window, args.scale)
        path = osp.join(
            args.out_dir,
            f'{example["boundary_label"]}_{example["boundary_type"]}.png')
        cv2.imwrite(path, row)
        written.append(path)
        rows.append(row)
    width = max(r.shape[1] for r in rows)
    rows = [
        np.pad(r, ((0, 8), (0, width - r.shape[1]), (0, 0)),
               constant_values=255) for r in rows
    ]
    path = osp.join(args.out_dir, 'boundaries.png')
    cv2.imwrite(path, np.concatenate(rows))
    written.append(path)
    for p in written:
        print(p)
    return written


if __name__ == '__main__':
    main()
