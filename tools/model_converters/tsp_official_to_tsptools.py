"""Write a tsptools checkpoint from an official TSP checkpoint or a
torchvision VideoResNet state_dict.

    python tools/model_converters/tsp_official_to_tsptools.py SRC DST

``SRC`` is one of the 13 released TSP/TAC models (or any checkpoint of the
official ``train/train.py``: ``{'model': {'features.*', 'fc1.*', 'fc2.*'},
'args', ...}``) or a torchvision state_dict (``stem.*``, ``layer1.*`` ...,
``fc.*``, e.g. ``r2plus1d_18-91a641e6.pth``). ``DST`` gets
``{'state_dict': {'backbone.*', 'head.*'}, 'meta': {...}}``: the encoder
loads into the paper configs' ``R2Plus1D34`` / ``R2Plus1D18`` / ``R3D18``
backbones, the heads into ``TSPHead`` (``fc_action``, ``fc_region``) or
``TACHead`` (``fc_action``). Loading is safe (``weights_only=True``); the
official ``args`` are kept as a plain dict in ``meta``. The tools accept the
original files too; converting once gives a file without pickled objects.
"""
import argparse
import os
import os.path as osp

import torch

from tsptools.utils.safe_checkpoint import load_checkpoint_file
from tsptools.models.utils.encoder_checkpoint import (describe_layout,
                                                      to_tsptools_state_dict)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('src', help='official TSP checkpoint or torchvision '
                        'state_dict')
    parser.add_argument('dst', help='tsptools checkpoint to write')
    return parser.parse_args(argv)


def convert(src: str, dst: str) -> dict:
    """Convert ``src`` into ``dst``; returns the meta written."""
    ckpt = load_checkpoint_file(src, map_location='cpu')
    state, layout = to_tsptools_state_dict(ckpt, src)
    meta = dict(converted_from=osp.basename(src), layout=layout)
    if isinstance(ckpt, dict):
        if ckpt.get('epoch') is not None:
            meta['epoch'] = int(ckpt['epoch'])
        if isinstance(ckpt.get('args'), argparse.Namespace):
            meta['official_args'] = {
                k: v for k, v in vars(ckpt['args']).items()
                if isinstance(v, (str, int, float, bool, list, tuple,
                                  type(None)))}
    os.makedirs(osp.dirname(osp.abspath(dst)), exist_ok=True)
    tmp = dst + '.tmp'
    torch.save(dict(state_dict=state, meta=meta), tmp)
    os.replace(tmp, dst)  # never a half-written dst
    heads = sorted({k.split('.')[1] for k in state if k.startswith('head.')})
    print(f'{describe_layout(layout, src)} -> {dst}: '
          f'{sum(k.startswith("backbone.") for k in state)} backbone tensors'
          f', heads {heads or "none"}')
    return meta


def main(argv=None):
    args = parse_args(argv)
    convert(args.src, args.dst)


if __name__ == '__main__':
    main()
