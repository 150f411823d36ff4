"""Command-line flags of the clip settings, shared by
``tools/extract_features.py``, ``tools/precompute_gvf.py`` and
``tools/predict.py``."""
from tsptools.core.clip_plan import make_extract_cfg


def add_extract_arguments(parser) -> None:
    """Add the preprocessing flags shared by the extraction tools; each
    defaults to None, meaning "the config's ``extract_cfg``, else the
    default" (:func:`extract_cfg_from_args`)."""
    group = parser.add_argument_group(
        'clip settings (default: the config\'s extract_cfg, else the '
        'official TSP ones)')
    for flag, kind, text in (
            ('--clip-len', int, 'frames per clip (16)'),
            ('--fps', float,
             'sample clips at this frame rate, resampled by time from the '
             "video's own rate as the official code does (15)"),
            ('--frame-interval', int,
             'instead of --fps: one frame every this many source frames'),
            ('--stride', int, 'sampled frames between clip starts (16)'),
            ('--short-side', int,
             'instead of --resize: decode with this short side, aspect '
             'ratio kept (needs --resize-backend decoder)'),
            ('--crop-size', int, 'centre crop size (112)'),
            ('--batch-size', int, 'clips per model batch (8)'),
            ('--num-workers', int,
             'decoding processes; 0 decodes in the main process (1)')):
        group.add_argument(flag, type=kind, default=None, help=text)
    group.add_argument(
        '--resize', type=int, nargs=2, default=None,
        metavar=('HEIGHT', 'WIDTH'),
        help='resize every frame to this size, aspect ratio not kept '
        '(128 171)')
    group.add_argument(
        '--resize-backend', choices=['official', 'decoder'], default=None,
        help="'official' (default): the official float bilinear resize of "
        "full-size frames; 'decoder': decord scales while decoding (faster, "
        'not the official pixels)')
    group.add_argument(
        '--tail', choices=['drop', 'pad'], default=None,
        help="'drop' (official): only complete clips; 'pad': one more "
        'clip padded with the last frame when frames remain')


def extract_cfg_from_args(config, args, **extra) -> dict:
    """Settings: defaults < ``config.extract_cfg`` < command-line flags."""
    overrides = {
        key: getattr(args, key, None)
        for key in ('clip_len', 'fps', 'frame_interval', 'stride',
                    'resize', 'short_side', 'resize_backend', 'crop_size',
                    'batch_size', 'num_workers', 'tail')
    }
    overrides.update(extra)
    return make_extract_cfg(config.get('extract_cfg', None), **overrides)
