"""Train a model from a config with mmengine's Runner.

    python tools/train.py CONFIG [--work-dir DIR] [--resume [CKPT]]
        [--amp] [--amp-dtype {bf16,fp16}] [--auto-scale-lr]
        [--cfg-options k=v ...] [--launcher {none,pytorch,slurm,mpi}]
        [--seed S] [--deterministic]

--amp is mixed precision on CUDA only (tsptools.utils.amp_optim_wrapper);
without CUDA it says so and training runs in fp32.
"""
import argparse
import os
import os.path as osp

from mmengine.config import Config, DictAction
from mmengine.runner import Runner

from tsptools.utils import (AMP_DTYPES, amp_optim_wrapper, distributed_run,
                            enable_safe_checkpoint_loading,
                            register_all_modules)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description='Train a tsptools model')
    parser.add_argument('config', help='train config file path')
    parser.add_argument('--work-dir', help='folder for logs and checkpoints')
    parser.add_argument(
        '--resume',
        nargs='?',
        type=str,
        const='auto',
        help='resume from CKPT, or from the latest checkpoint of the work '
        'dir when no path is given')
    parser.add_argument(
        '--amp', action='store_true',
        help='automatic mixed precision on CUDA (AmpOptimWrapper); without '
        'CUDA it is off and training runs in fp32')
    parser.add_argument(
        '--amp-dtype', choices=sorted(AMP_DTYPES), default=None,
        help='autocast dtype of --amp (implies --amp); default: bf16 on '
        'GPUs with native bf16 (compute capability >= 8.0), else fp16 '
        '(with dynamic loss scaling)')
    parser.add_argument(
        '--auto-scale-lr',
        action='store_true',
        help='scale the lr by total batch / auto_scale_lr.base_batch_size')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override config entries, e.g. train_cfg.max_epochs=2')
    parser.add_argument(
        '--launcher',
        choices=['none', 'pytorch', 'slurm', 'mpi'],
        default='none',
        help='job launcher')
    parser.add_argument('--seed', type=int, default=None, help='random seed')
    parser.add_argument(
        '--deterministic',
        action='store_true',
        help='deterministic algorithms (slower)')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args(argv)
    if 'LOCAL_RANK' not in os.environ:
        os.environ['LOCAL_RANK'] = str(args.local_rank)
    return args


def merge_args(cfg, args):
    """Apply the command-line flags to the config."""
    cfg.launcher = args.launcher
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir') is None:
        cfg.work_dir = osp.join('./work_dirs',
                                osp.splitext(osp.basename(args.config))[0])
    amp_dtype = getattr(args, 'amp_dtype', None)
    if args.amp or amp_dtype is not None:
        cfg.optim_wrapper, message = amp_optim_wrapper(cfg.optim_wrapper,
                                                       amp_dtype)
        print(message)
    if args.resume == 'auto':
        cfg.resume = True
        cfg.load_from = None
    elif args.resume is not None:
        cfg.resume = True
        cfg.load_from = args.resume
    if args.auto_scale_lr:
        cfg.setdefault('auto_scale_lr', dict(base_batch_size=16))
        cfg.auto_scale_lr.enable = True
    if args.seed is not None or args.deterministic:
        randomness = cfg.get('randomness', dict())
        if args.seed is not None:
            randomness['seed'] = args.seed
        randomness['deterministic'] = args.deterministic
        cfg.randomness = randomness
    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)
    return cfg


def main():
    args = parse_args()
    register_all_modules(init_scope=False)
    enable_safe_checkpoint_loading()  # --resume / load_from under torch>=2.6
    cfg = merge_args(Config.fromfile(args.config), args)
    with distributed_run(cfg.launcher):
        runner = Runner.from_cfg(cfg)
        runner.train()
        del runner  # its DDP model holds the process group


if __name__ == '__main__':
    main()
