"""Evaluate a checkpoint on a config's test set with mmengine's Runner.

    python tools/test.py CONFIG CKPT [--work-dir DIR] [--dump FILE.pkl]
        [--cfg-options k=v ...] [--launcher {none,pytorch,slurm,mpi}]

Pretraining configs report the pretext heads' clip accuracies; localizer
configs report detection mAP and proposal AR@AN.
"""
import argparse
import os
import os.path as osp

from mmengine.config import Config, DictAction
from mmengine.runner import Runner

from tsptools.utils import (distributed_run, enable_safe_checkpoint_loading,
                            register_all_modules)


def parse_args():
    parser = argparse.ArgumentParser(description='Test a tsptools model')
    parser.add_argument('config', help='config file path')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument('--work-dir', help='folder for the logs')
    parser.add_argument(
        '--dump', help='write the model outputs to this .pkl file')
    parser.add_argument(
        '--cfg-options', nargs='+', action=DictAction,
        help='override config entries')
    parser.add_argument(
        '--launcher', choices=['none', 'pytorch', 'slurm', 'mpi'],
        default='none', help='job launcher')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args()
    if 'LOCAL_RANK' not in os.environ:
        os.environ['LOCAL_RANK'] = str(args.local_rank)
    return args


def main():
    args = parse_args()
    register_all_modules(init_scope=False)
    enable_safe_checkpoint_loading()  # --resume / load_from under torch>=2.6
    cfg = Config.fromfile(args.config)
    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)
    cfg.launcher = args.launcher
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir') is None:
        cfg.work_dir = osp.join('./work_dirs',
                                osp.splitext(osp.basename(args.config))[0])
    cfg.load_from = args.checkpoint
    if args.dump is not None:
        if not args.dump.endswith(('.pkl', '.pickle')):
            raise ValueError('--dump must end with .pkl or .pickle')
        evaluators = cfg.test_evaluator
        if not isinstance(evaluators, list):
            evaluators = [evaluators]
        cfg.test_evaluator = evaluators + [
            dict(type='DumpResults', out_file_path=args.dump)
        ]
    with distributed_run(cfg.launcher):
        runner = Runner.from_cfg(cfg)
        metrics = runner.test()
        del runner  # its DDP model holds the process group
    return metrics


if __name__ == '__main__':
    main()
