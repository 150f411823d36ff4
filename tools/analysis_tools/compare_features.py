"""Compare two sets of clip features video by video.

    python tools/analysis_tools/compare_features.py A B [--rtol 1e-3]
        [--min-cosine 0.999] [--json OUT.json] [--quiet]

``A`` and ``B``: a tsptools output folder, a folder of per-video ``.npy`` /
``.pkl`` / ``.csv`` files, or one ``.h5`` / ``.pkl`` file
(:func:`tsptools.core.feature_format.read_feature_arrays`), e.g. your
extraction against released features. For every video of both: the number
of clips of each, and where they are equal the relative L2 error
``||A - B|| / ||B||``, the smallest cosine similarity of a clip's two
vectors and the largest absolute difference. Then one summary line.

Exit status 0 when every video is in both, with the same number of clips,
a relative error at most ``--rtol`` and every cosine at least
``--min-cosine``; 1 otherwise; 2 for unreadable input.
"""
import argparse
import json
import sys

import numpy as np

from tsptools.core.feature_format import read_feature_arrays


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('a', help='features A (folder or file)')
    parser.add_argument('b', help='features B, the reference')
    parser.add_argument('--rtol', type=float, default=1e-3,
                        help='largest relative L2 error of a video (1e-3)')
    parser.add_argument('--min-cosine', type=float, default=0.999,
                        help='smallest cosine similarity of a clip (0.999)')
    parser.add_argument('--json', help='write the per-video results here')
    parser.add_argument('--quiet', action='store_true',
                        help='only the summary line')
    return parser.parse_args(argv)


def compare_video(a: np.ndarray, b: np.ndarray) -> dict:
    """Numbers of one video (``T x C`` each)."""
    out = dict(T_a=int(len(a)), T_b=int(len(b)),
               C_a=int(a.shape[1]), C_b=int(b.shape[1]))
    if a.shape != b.shape:
        return out
    a64, b64 = a.astype(np.float64), b.astype(np.float64)
    diff = a64 - b64
    reference = np.linalg.norm(b64)
    out['rel_error'] = float(np.linalg.norm(diff) / reference) \
        if reference > 0 else float(np.linalg.norm(diff) > 0) * np.inf
    norms = np.linalg.norm(a64, axis=1) * np.linalg.norm(b64, axis=1)
    dots = (a64 * b64).sum(axis=1)
    cosine = np.where(norms > 0, dots / np.where(norms > 0, norms, 1), 1.0)
    out['min_cosine'] = float(cosine.min())
    out['max_abs'] = float(np.abs(diff).max())
    return out


def compare(a: dict, b: dict, rtol: float, min_cosine: float) -> dict:
    """Per-video results and the summary of two feature dicts."""
    videos = {name: compare_video(a[name], b[name])
              for name in sorted(set(a) & set(b))}
    only_a, only_b = sorted(set(a) - set(b)), sorted(set(b) - set(a))
    shape = [n for n, r in videos.items() if 'rel_error' not in r]
    errors = [r['rel_error'] for r in videos.values() if 'rel_error' in r]
    cosines = [r['min_cosine'] for r in videos.values() if 'min_cosine' in r]
    beyond = [n for n, r in videos.items() if 'rel_error' in r and (
        r['rel_error'] > rtol or r['min_cosine'] < min_cosine)]
    summary = dict(
        compared=len(videos), only_in_a=only_a, only_in_b=only_b,
        shape_differs=shape, beyond_tolerance=beyond,
        median_rel_error=float(np.median(errors)) if errors else None,
        max_rel_error=float(max(errors)) if errors else None,
        min_cosine=float(min(cosines)) if cosines else None,
        rtol=rtol, min_cosine_allowed=min_cosine)
    summary['equal'] = bool(videos) and not (only_a or only_b or shape or
                                             beyond)
    return dict(videos=videos, summary=summary)


def main(argv=None) -> int:
    args = parse_args(argv)
    try:
        a, b = read_feature_arrays(args.a), read_feature_arrays(args.b)
    except (OSError, ValueError) as err:
        print(f'error: {err}', file=sys.stderr)
        return 2
    result = compare(a, b, args.rtol, args.min_cosine)
    if not args.quiet:
        for name, r in result['videos'].items():
            if 'rel_error' in r:
                print(f"{name}: T {r['T_a']} = {r['T_b']}, relative error "
                      f"{r['rel_error']:.3g}, min cosine "
                      f"{r['min_cosine']:.6f}, max |A - B| "
                      f"{r['max_abs']:.3g}")
            else:
                print(f"{name}: shapes differ: A {r['T_a']} x {r['C_a']}, "
                      f"B {r['T_b']} x {r['C_b']}")
        for side, names in (('A', 'only_in_a'), ('B', 'only_in_b')):
            missing = result['summary'][names]
            if missing:
                print(f'only in {side}: {len(missing)} videos, e.g. '
                      f'{", ".join(missing[:5])}')
    s = result['summary']
    verdict = 'EQUAL within tolerance' if s['equal'] else 'DIFFERENT'
    stats = '' if s['max_rel_error'] is None else (
        f", relative error median {s['median_rel_error']:.3g} / max "
        f"{s['max_rel_error']:.3g}, min cosine {s['min_cosine']:.6f}")
    print(f"{verdict}: {s['compared']} videos compared, "
          f"{len(s['only_in_a'])} only in A, {len(s['only_in_b'])} only in "
          f"B, {len(s['shape_differs'])} with other shapes, "
          f"{len(s['beyond_tolerance'])} beyond tolerance (rtol "
          f"{args.rtol:g}, cosine >= {args.min_cosine:g}){stats}")
    if args.json:
        with open(args.json, 'w') as f:
            json.dump(result, f, indent=1)
    return 0 if s['equal'] else 1


if __name__ == '__main__':
    sys.exit(main())
