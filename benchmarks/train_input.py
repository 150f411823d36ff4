"""Throughput of the training input of TSP, BSP and PAL per process, against
sequential decoding of the same frames.

    python benchmarks/train_input.py [--work-dir DIR]
        [--sizes 640x360 1280x720]
        [--duration S] [--samples 24] [--rounds 3] [--methods tsp bsp pal]
        [--variants raw raw-decode-size prepared prepared-pyav]
        [--gop 16] [--steps] [--no-pixels] [--no-backbone] [--json PATH]
        [--profile N]

Videos: per size, two H.264 files at 30 fps that look like camera footage to
the encoder (random images with the 1/f spectrum of natural images, panning,
a moving box, sensor noise, a cut every 5 s; libx264 ``preset=fast``,
``crf=23``, B-frames; about 0.3 Mbit/s at 640x360 and 0.9 at 1280x720), one
with a keyframe every 150 frames and one every 300 (YouTube-like GOPs), 30 s
at 640x360 and 20 s at 1280x720. They are generated once into
``--work-dir``/raw and re-encoded once with ``tools/data/prepare_videos.py``
(30 fps, short side 128 for TSP and PAL, 256 for BSP (each pipeline's
resize), a keyframe every ``--gop`` frames, crf 18, ``tune=fastdecode``).
Each file is listed under 300 names (symbolic links) so that per-video caches
miss as they do on a dataset of thousands of videos.

Pipelines: the ``train_dataloader.dataset`` of
``configs/_base_/datasets/activitynet-tsp.py`` (UntrimmedVideoDataset; a
sample is one 16-frame clip at 15 fps), ``kinetics400-bsp.py``
(BoundarySynthesisDataset; one synthesized 8-frame clip) and
``kinetics400-pal.py`` (PseudoActionDataset; 2 x 8 clips of 8 frames from a
source and two background videos), built through the registry on annotation
files written here, pipelines as in the configs unless a variant edits them.
Samples are read in a shuffled order in this process with one torch and one
OpenCV thread: what one DataLoader worker does.

Sequential decode: the same files decoded in order by one decord
``VideoReader``, ``get_batch`` on consecutive 32-frame ranges. The frames a
sample covers are counted while it is read (per read, the sorted frame
indices cut where they jump by more than 32 frames, each run counting from
its first to its last frame: 31 for a TSP clip); decoding that many frames
sequentially is the rate a pipeline would have if a sample cost only the
decoding of its frames. ``ratio`` = sequential time / pipeline time (1: the
pipeline costs no more than sequential decoding); ``CPU ratio`` is the same
with CPU seconds, which vary less than wall time on a shared machine. Rounds
alternate pipeline and sequential decoding; the table gives medians.

Variants (``--variants``):

* ``raw``: the generated files, the configs' pipelines (the "before");
* ``raw-decode-size`` (TSP): ``DecordOpen(decode_size=(128, 171))``: decord
  scales while decoding (opt-in, not the official pixels);
* ``prepared``: the prepared files, the configs' pipelines;
* ``prepared-pyav``: the prepared files read with PyAV (TSP:
  ``PyAVOpen`` and ``ResizeClip(backend='cv2')``; BSP / PAL: the
  ``backend='pyav'`` option of ``SynthesizeBoundary`` /
  ``PastePseudoActions``).

Steps (``--steps``): after the rounds, one more pass over a round's samples
gives the CPU milliseconds per sample of each pipeline step and, inside the
steps, of the readers: opening files (decord's ``VideoReader``,
``PyAVReader``) and reading frames (seeking, decoding, RGB conversion),
next to the sequential decode of the frames the samples cover.

Pixels: mean / max absolute difference (0-255) of the 128 x 171 TSP frames
each way gives, against decoding at full size and the official float
bilinear resize.

Profile (``--profile N``): after each measurement, the same samples again
under cProfile with a CPU clock, and the ``N`` functions with the most CPU
time, themselves and their callees included (where a sample's time goes:
decoding, resizing, each transform).

Backbone: forward + backward clips/s of the TSP paper backbone (R(2+1)D-34 of
``configs/tsp/tsp_r2plus1d-34_k400-pre_2xb32-16x2-8e_activitynet.py``) on a
batch of 2 clips of 3 x 16 x 112 x 112 on this CPU (all its threads), next to
the input rate of one worker.
"""
import argparse
import json
import os
import os.path as osp
import statistics
import sys
import time

import numpy as np

REPO_ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
if REPO_ROOT not in sys.path:
    sys.path.insert(0, REPO_ROOT)

DATASET_CONFIGS = dict(
    tsp='configs/_base_/datasets/activitynet-tsp.py',
    bsp='configs/_base_/datasets/kinetics400-bsp.py',
    pal='configs/_base_/datasets/kinetics400-pal.py')
TSP_CONFIG = ('configs/tsp/'
              'tsp_r2plus1d-34_k400-pre_2xb32-16x2-8e_activitynet.py')
FPS = 30
#: keyframe intervals of the two videos of each size
RAW_GOPS = (150, 300)
#: names each file is listed under (more than SampleClip's 256-video cache)
ALIASES = 300
#: source frames of one sequential get_batch
SEQ_CHUNK = 32
#: the files and pipeline edits measured (see the module docstring)
VARIANTS = ('raw', 'raw-decode-size', 'prepared', 'prepared-pyav')


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--work-dir', default=osp.join(
        REPO_ROOT, 'work_dirs', 'benchmarks', 'train_input'),
        help='videos, annotation files and results (reused across runs)')
    parser.add_argument('--sizes', nargs='+', default=['640x360', '1280x720'],
                        help='WIDTHxHEIGHT of the generated videos')
    parser.add_argument('--duration', type=float, default=None,
                        help='seconds per video (default 30 at 640x360, 20 '
                        'above)')
    parser.add_argument('--samples', type=int, default=24,
                        help='samples per round and measurement (PAL: an '
                        'eighth of it)')
    parser.add_argument('--rounds', type=int, default=3)
    parser.add_argument('--methods', nargs='+', default=['tsp', 'bsp', 'pal'],
                        choices=['tsp', 'bsp', 'pal'])
    parser.add_argument(
        '--variants', nargs='+', default=list(VARIANTS), choices=VARIANTS,
        help='which files and pipeline edits to measure (default: all)')
    parser.add_argument('--gop', type=int, default=16,
                        help='keyframe interval of the prepared videos')
    parser.add_argument('--short-side', type=int, default=128,
                        help='short side of the prepared videos')
    parser.add_argument('--no-backbone', action='store_true',
                        help='skip the backbone measurement')
    parser.add_argument('--backbone-iters', type=int, default=1,
                        help='forward + backward iterations (default 1)')
    parser.add_argument('--steps', action='store_true',
                        help='also give the CPU ms per sample of each '
                        'pipeline step and of opening and reading videos')
    parser.add_argument('--no-pixels', action='store_true',
                        help='skip the pixel comparison of the resizes')
    parser.add_argument('--profile', type=int, default=0, metavar='N',
                        help='print the N functions with the most CPU time '
                        '(cumulative) of each pipeline')
    parser.add_argument('--json', default=None,
                        help='results file (default WORK_DIR/results.json)')
    parser.add_argument('--seed', type=int, default=0)
    return parser.parse_args(argv)


# ----------------------------------------------------------------------
# Test videos
# ----------------------------------------------------------------------


def _texture(rng, height, width, alpha=1.2):
    """A random image with the spectrum of natural images (amplitude
    ``1 / f^alpha``, random phases), slightly blurred as by a lens, uint8
    RGB: detail at every scale, no flat areas."""
    import cv2
    fy = np.fft.fftfreq(height)[:, None]
    fx = np.fft.rfftfreq(width)[None, :]
    freq = np.sqrt(fy**2 + fx**2)
    freq[0, 0] = 1.0
    amplitude = freq**-alpha
    amplitude[0, 0] = 0.0
    planes = []
    for _ in range(3):
        phase = rng.uniform(0, 2 * np.pi, amplitude.shape)
        plane = np.fft.irfft2(amplitude * np.exp(1j * phase),
                              s=(height, width))
        planes.append(plane / (plane.std() + 1e-9))
    lum, c1, c2 = planes
    rgb = np.stack([lum + 0.3 * c1, lum + 0.3 * c2, lum - 0.15 * (c1 + c2)],
                   axis=-1)
    rgb = 128 + 45 * rgb + rng.uniform(-30, 30, 3)
    rgb = cv2.GaussianBlur(rgb.astype(np.float32), (0, 0), 0.7)
    return np.clip(rgb, 0, 255).astype(np.uint8)


def synthetic_frames(num_frames, height, width, seed, scene_len=150):
    """Frames of camera-like footage: a textured scene panning at a random
    speed, a cut every ``scene_len`` frames, an inverted box moving across
    it, and a little sensor noise."""
    rng = np.random.default_rng(seed)
    margin_y, margin_x = height // 2, width // 2
    for i in range(num_frames):
        k = i % scene_len
        if k == 0:
            scene = _texture(rng, height + margin_y, width + margin_x)
            vx, vy = rng.uniform(-1, 1, 2) * (margin_x / scene_len,
                                              margin_y / scene_len)
        x = int(np.clip(margin_x / 2 + vx * k, 0, margin_x))
        y = int(np.clip(margin_y / 2 + vy * k, 0, margin_y))
        frame = scene[y:y + height, x:x + width].copy()
        bw, bh = width // 8, height // 6
        cx = int((i * width / 90) % (width - bw))
        cy = int((height - bh) / 2 * (1 + 0.8 * np.sin(i / 20)))
        frame[cy:cy + bh, cx:cx + bw] = 255 - frame[cy:cy + bh, cx:cx + bw]
        noise = rng.integers(-3, 4, frame.shape, dtype=np.int16)
        yield np.clip(frame.astype(np.int16) + noise, 0, 255).astype(np.uint8)


def write_raw_video(path, width, height, seconds, gop, seed):
    """An H.264 file as a camera or YouTube would give it: libx264
    ``preset=fast``, ``crf=23``, B-frames, a keyframe every ``gop``
    frames (scene-cut keyframes off, so the interval is exact)."""
    from tsptools.datasets.synthactions.writer import write_video
    frames = synthetic_frames(int(round(seconds * FPS)), height, width, seed)
    return write_video(path, frames, fps=FPS, crf=23, preset='fast',
                       options=dict(g=str(gop), keyint_min=str(gop),
                                    sc_threshold='0'))


def make_raw_videos(work_dir, sizes, duration):
    """``{size: [paths]}``, generated once."""
    out = {}
    folder = osp.join(work_dir, 'raw')
    os.makedirs(folder, exist_ok=True)
    for s, size in enumerate(sizes):
        width, height = (int(v) for v in size.lower().split('x'))
        seconds = duration or (30.0 if width * height <= 640 * 360 else 20.0)
        out[size] = []
        for g, gop in enumerate(RAW_GOPS):
            path = osp.join(folder, f'{width}x{height}_g{gop}_'
                            f'{seconds:g}s.mp4')
            if not osp.exists(path):
                start = time.perf_counter()
                n = write_raw_video(path, width, height, seconds, gop,
                                    seed=100 * s + g)
                print(f'wrote {path} ({n} frames, '
                      f'{time.perf_counter() - start:.0f} s)', flush=True)
            out[size].append(path)
    return out


def prepare(raw, work_dir, short_side, gop):
    """``{size: [paths]}`` of the raw videos re-encoded by
    ``tools/data/prepare_videos.py`` (once)."""
    tool = _load_tool('prepare_videos')
    in_dir = osp.join(work_dir, 'raw')
    out_dir = osp.join(work_dir, f'prepared_s{short_side}_g{gop}')
    argv = [in_dir, out_dir, '--short-side', str(short_side), '--gop',
            str(gop), '--workers', '1', '--no-progress']
    status = tool.main(argv)
    if status != 0:
        raise RuntimeError(f'prepare_videos.py {" ".join(argv)} failed')
    return {size: [osp.join(out_dir, osp.basename(p)) for p in paths]
            for size, paths in raw.items()}


def _load_tool(name):
    import importlib.util
    spec = importlib.util.spec_from_file_location(
        name, osp.join(REPO_ROOT, 'tools', 'data', f'{name}.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# ----------------------------------------------------------------------
# Datasets on the test videos
# ----------------------------------------------------------------------


def video_info(path):
    import decord
    reader = decord.VideoReader(path, num_threads=1)
    return dict(frames=len(reader), fps=float(reader.get_avg_fps()),
                height=reader[0].shape[0], width=reader[0].shape[1])


def make_aliases(paths, folder):
    """``ALIASES`` names (``v_0000.mp4`` ...) for ``paths`` (symbolic
    links, alternating), in ``folder``; returns ``[(name, target)]``."""
    os.makedirs(folder, exist_ok=True)
    out = []
    for k in range(ALIASES):
        target = osp.abspath(paths[k % len(paths)])
        link = osp.join(folder, f'v_{k:04d}.mp4')
        if osp.islink(link) and os.readlink(link) != target:
            os.remove(link)
        if not osp.lexists(link):
            os.symlink(target, link)
        out.append((f'v_{k:04d}', target))
    return out


def write_tsp_annotations(folder, aliases, infos):
    """A TSP ground-truth CSV: per video two actions and the three
    background gaps around them; a GVF file of zeros."""
    from tsptools.datasets.tsp_segments import write_tsp_csv
    records = []
    for k, (name, target) in enumerate(aliases):
        info = infos[target]
        duration = info['frames'] / info['fps']
        cuts = [0.0, 0.1, 0.37, 0.5, 0.87, 1.0]
        for j in range(5):
            t0, t1 = cuts[j] * duration, cuts[j + 1] * duration
            action = j % 2 == 1
            records.append(dict(
                video_name=name, t_start=round(t0, 3), t_end=round(t1, 3),
                label=('a', 'b')[k % 2] if action else '',
                duration=duration, filename=f'{name}.mp4', fps=info['fps'],
                total_frames=info['frames'],
                region='Action' if action else 'No action'))
    ann = osp.join(folder, 'tsp_groundtruth.csv')
    write_tsp_csv(ann, records)
    gvf = osp.join(folder, 'gvf.npz')
    np.savez(gvf, **{name: np.zeros(512, np.float32) for name, _ in aliases})
    return ann, gvf


def write_video_list(folder, aliases, labelled=True):
    path = osp.join(folder, 'list.txt' if labelled else 'list_nolabel.txt')
    with open(path, 'w') as f:
        for k, (name, _) in enumerate(aliases):
            f.write(f'{name}.mp4 {k % 2}\n' if labelled else f'{name}.mp4\n')
    return path


def build_dataset(method, folder, aliases, infos, transform=None):
    """The config's training dataset of ``method`` on the videos of
    ``folder``; ``transform(pipeline) -> pipeline`` edits its pipeline."""
    import copy

    from mmengine.config import Config

    from tsptools.registry import DATASETS
    cfg = Config.fromfile(osp.join(REPO_ROOT, DATASET_CONFIGS[method]))
    ds = copy.deepcopy(cfg.train_dataloader.dataset.to_dict())
    if method == 'tsp':
        ann, gvf = write_tsp_annotations(folder, aliases, infos)
        ds.update(ann_file=ann, gvf_file=gvf, action_label_mapping=['a', 'b'])
    elif method == 'bsp':
        ds.update(ann_file=write_video_list(folder, aliases))
    else:
        ds.update(ann_file=write_video_list(folder, aliases, False))
    ds.update(data_prefix=dict(video=folder))
    if transform is not None:
        ds['pipeline'] = transform(copy.deepcopy(ds['pipeline']))
    return DATASETS.build(ds)


# ----------------------------------------------------------------------
# Variants of the pipelines
# ----------------------------------------------------------------------

#: ``{method: short side}`` of the prepared videos: the resize of each
#: method's training pipeline (TSP 128 x 171, BSP short side 256, PAL
#: 128 x 171)
PREPARED_SHORT_SIDE = dict(tsp=128, bsp=256, pal=128)


def _retype(pipeline, old, **changes):
    for step in pipeline:
        if step['type'] == old:
            step.update(changes)
    return pipeline


def variant_transform(method, variant):
    """``(files, transform)``: which videos (``'raw'``/``'prepared'``) and
    the edit of the config's pipeline, or None when the variant does not
    apply to ``method``."""
    files = 'prepared' if variant.startswith('prepared') else 'raw'
    if variant in ('raw', 'prepared'):
        return files, None
    if variant == 'raw-decode-size':
        if method != 'tsp':  # BSP and PAL read in their synthesis
            return None
        return files, lambda p: _retype(p, 'DecordOpen',
                                        decode_size=(128, 171))
    if variant == 'prepared-pyav':
        if method == 'tsp':
            return files, lambda p: _retype(
                _retype(p, 'DecordOpen', type='PyAVOpen'), 'ResizeClip',
                backend='cv2')
        reader = dict(bsp='SynthesizeBoundary', pal='PastePseudoActions')
        return files, lambda p: _retype(p, reader[method], backend='pyav')
    raise ValueError(f'unknown variant {variant!r}')


# ----------------------------------------------------------------------
# Measurements
# ----------------------------------------------------------------------


def covered_frames(indices, gap=SEQ_CHUNK):
    """Source frames a sequential reader decodes to get ``indices``: the
    sorted distinct indices are cut where two are more than ``gap`` apart
    (a reader would jump there), and each run counts ``last - first + 1``
    frames."""
    inds = np.unique(np.asarray(indices, dtype=np.int64))
    cuts = np.flatnonzero(np.diff(inds) > gap) + 1
    return int(sum(run[-1] - run[0] + 1 for run in np.split(inds, cuts)))


def reading_methods():
    """``(class, method name)`` of each reader's frame-reading call:
    decord's ``VideoReader.get_batch`` and ``PyAVReader.get_list`` (which
    ``PyAVReader.get_batch`` calls), so that each read is seen once."""
    import decord

    from tsptools.datasets.transforms.pyav_open import PyAVReader
    return ((decord.VideoReader, 'get_batch'), (PyAVReader, 'get_list'))


class MethodPatches:
    """Methods of classes replaced for a while: :meth:`patch` sets
    ``cls.name = wrap(original)``, :meth:`restore` puts every original
    back."""

    def __init__(self):
        self._saved = []

    def patch(self, cls, name, wrap):
        original = getattr(cls, name)
        self._saved.append((cls, name, original))
        setattr(cls, name, wrap(original))

    def restore(self):
        for cls, name, original in reversed(self._saved):
            setattr(cls, name, original)
        self._saved = []


class FrameCensus:
    """Counts the source frames the samples cover: patches the readers'
    reading methods (:func:`reading_methods`) to add
    :func:`covered_frames` of each call's indices."""

    def _counting(self, original):

        def counting(reader, indices):
            self.frames += covered_frames(indices)
            return original(reader, indices)

        return counting

    def __enter__(self):
        self.frames = 0
        self._patches = MethodPatches()
        for cls, name in reading_methods():
            self._patches.patch(cls, name, self._counting)
        return self

    def __exit__(self, *exc):
        self._patches.restore()


class StepTimer:
    """CPU seconds of each step of ``dataset``'s pipeline (``'1 Name'``,
    ``'2 Name'`` ...) and, inside the steps, of the readers: ``'open'``
    (constructing decord's ``VideoReader`` or a ``PyAVReader``) and
    ``'read'`` (their :func:`reading_methods`)."""

    def __init__(self, dataset):
        self.dataset = dataset

    def _timed(self, name, function):

        def timed(*args, **kwargs):
            start = time.process_time()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds[name] = self.seconds.get(name, 0.0) + \
                    time.process_time() - start

        return timed

    def __enter__(self):
        self.seconds = {}
        self._steps = list(self.dataset.pipeline.transforms)
        for k, step in enumerate(self._steps):
            step.transform = self._timed(f'{k + 1} {type(step).__name__}',
                                         step.transform)
        self._patches = MethodPatches()
        for cls, read in reading_methods():
            for name, key in (('__init__', 'open'), (read, 'read')):
                self._patches.patch(
                    cls, name, lambda f, key=key: self._timed(key, f))
        return self

    def __exit__(self, *exc):
        for step in self._steps:
            del step.transform
        self._patches.restore()


def time_steps(dataset, indices):
    """``{step: CPU ms per sample}`` (:class:`StepTimer`) over reading
    ``dataset[i]`` for ``indices``."""
    with StepTimer(dataset) as timer:
        for i in indices:
            dataset[int(i)]
    names = sorted(timer.seconds, key=lambda n: (not n[0].isdigit(),
                                                 int(n.split()[0]) if
                                                 n[0].isdigit() else n))
    return {name: 1e3 * timer.seconds[name] / len(indices)
            for name in names}


def time_pipeline(dataset, indices):
    """``(wall seconds, CPU seconds)`` of reading ``dataset[i]``."""
    cpu, start = time.process_time(), time.perf_counter()
    for i in indices:
        dataset[int(i)]
    return time.perf_counter() - start, time.process_time() - cpu


def time_sequential(paths, num_frames):
    """``(wall seconds, CPU seconds)`` of decoding ``num_frames`` frames in
    order with decord, ``get_batch`` on consecutive ``SEQ_CHUNK``-frame
    ranges, going through ``paths`` in turn (each from its start)."""
    import decord
    left, k = num_frames, 0
    cpu, start = time.process_time(), time.perf_counter()
    while left > 0:
        reader = decord.VideoReader(paths[k % len(paths)], num_threads=1)
        for first in range(0, len(reader), SEQ_CHUNK):
            n = min(SEQ_CHUNK, len(reader) - first, left)
            reader.get_batch(np.arange(first, first + n)).asnumpy()
            left -= n
            if left <= 0:
                break
        k += 1
    return time.perf_counter() - start, time.process_time() - cpu


def measure(dataset, paths, samples, rounds, seed, steps=False):
    """Pipeline vs sequential decode of the frames it covers, alternating
    over ``rounds``; medians; ``steps``: also :func:`time_steps` on the
    first round's samples."""
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(dataset))
    dataset[int(order[-1])]  # warm-up: imports, first allocations
    rows = []
    for r in range(rounds):
        indices = order[r * samples:(r + 1) * samples]
        with FrameCensus() as census:  # costs ~0.1 ms a sample
            wall, cpu = time_pipeline(dataset, indices)
        seq_wall, seq_cpu = time_sequential(paths, census.frames)
        rows.append(dict(samples=len(indices), frames=census.frames,
                         wall=wall, cpu=cpu, seq_wall=seq_wall,
                         seq_cpu=seq_cpu))
    med = statistics.median
    extra = {}
    if steps:
        extra['steps_cpu_ms_per_sample'] = time_steps(dataset,
                                                      order[:samples])
    return dict(
        **extra,
        rounds=rows,
        samples_per_s=med(r['samples'] / r['wall'] for r in rows),
        cpu_ms_per_sample=med(1e3 * r['cpu'] / r['samples'] for r in rows),
        frames_per_sample=med(r['frames'] / r['samples'] for r in rows),
        seq_samples_per_s=med(r['samples'] / r['seq_wall'] for r in rows),
        seq_frames_per_s=med(r['frames'] / r['seq_wall'] for r in rows),
        seq_cpu_ms_per_sample=med(1e3 * r['seq_cpu'] / r['samples']
                                  for r in rows),
        ratio=med(r['seq_wall'] / r['wall'] for r in rows),
        cpu_ratio=med(r['seq_cpu'] / r['cpu'] for r in rows))


def profile_pipeline(dataset, samples, seed, top):
    """Print the ``top`` functions with the most cumulative CPU time (a
    CPU-clock cProfile) over the first ``samples`` of the shuffled order of
    :func:`measure`, per sample."""
    import cProfile
    import io
    import pstats
    order = np.random.default_rng(seed).permutation(len(dataset))[:samples]
    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    for i in order:
        dataset[int(i)]
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats('cumulative').print_stats(top)
    print(f'CPU profile of {len(order)} samples (seconds in total; '
          f'divide by {len(order)} for a sample):')
    print(out.getvalue().split('\n', 4)[-1].rstrip())


def time_backbone(iters):
    """Forward + backward clips/s of the TSP paper backbone on a batch of 2
    clips of 3 x 16 x 112 x 112 (torch's default threads)."""
    import torch
    from mmengine.config import Config

    from tsptools.registry import MODELS
    cfg = Config.fromfile(osp.join(REPO_ROOT, TSP_CONFIG))
    backbone = MODELS.build(cfg.model.backbone)
    backbone.train()
    x = torch.randn(2, 3, 16, 112, 112)
    times = []
    for _ in range(iters):
        start = time.perf_counter()
        out = backbone(x)
        out = out[-1] if isinstance(out, (list, tuple)) else out
        out.float().mean().backward()
        times.append(time.perf_counter() - start)
    best = min(times[1:] or times)
    return dict(type=cfg.model.backbone['type'], batch=2,
                input=[3, 16, 112, 112], threads=torch.get_num_threads(),
                seconds=times, clips_per_s=2 / best)


def pixel_differences(raw_paths, prepared_paths, num_frames=24):
    """Mean / max absolute difference (0-255) of the ways of getting TSP's
    128 x 171 frames, against decoding at full size and the official float
    bilinear resize (``ResizeClip``), on ``num_frames`` frames of each raw
    video and the same frames of its prepared copy."""
    import decord

    from tsptools.core.clip_preprocess import resize_frames
    from tsptools.datasets.transforms import ResizeClip
    from tsptools.datasets.transforms.pyav_open import PyAVReader
    size = (128, 171)
    cv2_resize = ResizeClip(size, backend='cv2')
    out = {}
    for raw, prepared in zip(raw_paths, prepared_paths):
        full = decord.VideoReader(raw, num_threads=1)
        inds = np.linspace(0, len(full) - 1, num_frames).astype(np.int64)
        frames = full.get_batch(inds).asnumpy()
        ref = resize_frames(frames, size)
        ways = {
            'decord decode_size (128, 171)': decord.VideoReader(
                raw, num_threads=1, height=size[0],
                width=size[1]).get_batch(inds).asnumpy(),
            "ResizeClip(backend='cv2')": np.stack(cv2_resize(
                dict(imgs=list(frames)))['imgs']),
        }
        small = decord.VideoReader(prepared, num_threads=1).get_batch(
            inds).asnumpy()
        pyav = PyAVReader(prepared).get_batch(inds)
        ways['prepared + ResizeClip'] = resize_frames(small, size)
        ways["prepared + PyAVOpen + ResizeClip(backend='cv2')"] = np.stack(
            cv2_resize(dict(imgs=list(pyav)))['imgs'])
        name = osp.basename(raw)
        out[name] = {
            way: dict(mean=float(np.abs(v.astype(np.float32) - ref).mean()),
                      max=float(np.abs(v.astype(np.float32) - ref).max()))
            for way, v in ways.items()}
        out[name]['PyAV vs decord frames of the prepared file'] = dict(
            mean=float(np.abs(pyav.astype(np.int16) - small).mean()),
            max=float(np.abs(pyav.astype(np.int16) - small).max()))
    return out


# ----------------------------------------------------------------------
# Main
# ----------------------------------------------------------------------


def print_table(results):
    from terminaltables import AsciiTable
    header = ['method', 'videos', 'variant', 'samples/s', 'CPU ms/sample',
              'frames/sample', 'seq. decode samples/s', 'ratio',
              'CPU ratio']
    rows = [header]
    for r in results:
        m = r['measure']
        rows.append([
            r['method'], r['size'], r['variant'],
            f"{m['samples_per_s']:.1f}", f"{m['cpu_ms_per_sample']:.1f}",
            f"{m['frames_per_sample']:.0f}",
            f"{m['seq_samples_per_s']:.1f}", f"{m['ratio']:.2f}",
            f"{m['cpu_ratio']:.2f}"
        ])
    print(AsciiTable(rows).table)


def main(argv=None):
    args = parse_args(argv)
    import torch
    torch.set_num_threads(1)  # what a DataLoader worker has
    import cv2
    cv2.setNumThreads(1)
    from tsptools.utils import register_all_modules
    register_all_modules()
    os.makedirs(args.work_dir, exist_ok=True)
    raw = make_raw_videos(args.work_dir, args.sizes, args.duration)
    prepared = {}
    need = {PREPARED_SHORT_SIDE[m] for m in args.methods} \
        if any(v.startswith('prepared') for v in args.variants) else set()
    for short_side in sorted(need):
        start = time.perf_counter()
        prepared[short_side] = prepare(raw, args.work_dir, short_side,
                                       args.gop)
        print(f'prepared videos (short side {short_side}, gop {args.gop}) '
              f'ready in {time.perf_counter() - start:.0f} s', flush=True)
    infos = {}
    load = os.getloadavg()[0] if hasattr(os, 'getloadavg') else None
    print(f'{os.cpu_count()} CPUs, load average {load}; pipelines in this '
          f'process with 1 torch thread; {args.samples} samples x '
          f'{args.rounds} rounds (PAL: {max(1, args.samples // 8)})',
          flush=True)
    results = []
    for method in args.methods:
        for size in args.sizes:
            for variant in args.variants:
                plan = variant_transform(method, variant)
                if plan is None:
                    continue
                files, transform = plan
                if files == 'raw':
                    paths = raw[size]
                    folder = osp.join(args.work_dir, 'links', 'raw', size)
                else:
                    short_side = PREPARED_SHORT_SIDE[method]
                    paths = prepared[short_side][size]
                    folder = osp.join(args.work_dir, 'links',
                                      f'prepared_s{short_side}', size)
                for p in paths:
                    if osp.abspath(p) not in infos:
                        infos[osp.abspath(p)] = video_info(p)
                aliases = make_aliases(paths, folder)
                dataset = build_dataset(method, folder, aliases, infos,
                                        transform)
                samples = args.samples if method != 'pal' else max(
                    1, args.samples // 8)
                start = time.perf_counter()
                m = measure(dataset, paths, samples, args.rounds, args.seed,
                            args.steps)
                if args.profile:
                    profile_pipeline(dataset, samples, args.seed,
                                     args.profile)
                info = infos[osp.abspath(paths[0])]
                results.append(dict(
                    method=method, size=size, variant=variant,
                    files=[osp.relpath(p, args.work_dir) for p in paths],
                    file_size=f"{info['width']}x{info['height']}",
                    measure=m))
                print(f"{method} {size} {variant} ({info['width']}x"
                      f"{info['height']} files): {m['samples_per_s']:.1f} "
                      f"samples/s, sequential {m['seq_samples_per_s']:.1f}, "
                      f"ratio {m['ratio']:.2f} (CPU {m['cpu_ratio']:.2f}) "
                      f"[{time.perf_counter() - start:.0f} s]", flush=True)
                if args.steps:
                    steps = m['steps_cpu_ms_per_sample']
                    print('  CPU ms / sample: ' + ', '.join(
                        f'{name} {ms:.2f}' for name, ms in steps.items()) +
                        ' (open and read: inside the steps); sequential '
                        f"decode {m['seq_cpu_ms_per_sample']:.2f}",
                        flush=True)
    if results:
        print_table(results)
    out = dict(args=vars(args), cpus=os.cpu_count(), load_average=load,
               results=results)
    if not args.no_pixels and 128 in prepared:
        out['pixels'] = {}
        for size in args.sizes:
            out['pixels'][size] = pixel_differences(raw[size],
                                                    prepared[128][size])
        print('Pixels against decoding at full size + the official '
              '128 x 171 float bilinear resize (0-255, mean / max):')
        for size, per_file in out['pixels'].items():
            for name, ways in per_file.items():
                for way, d in ways.items():
                    print(f"  {name}: {way}: {d['mean']:.4f} / "
                          f"{d['max']:.4f}")
    if not args.no_backbone:
        torch.set_num_threads(os.cpu_count() or 1)
        bb = time_backbone(args.backbone_iters)
        out['backbone'] = bb
        print(f"Backbone {bb['type']} of {TSP_CONFIG}: forward + backward "
              f"{bb['clips_per_s']:.2f} clips/s (batch 2 x 3x16x112x112, "
              f"{bb['threads']} threads; iterations "
              f"{', '.join(f'{s:.1f}' for s in bb['seconds'])} s)")
        for r in results:
            if r['method'] == 'tsp':
                rate = r['measure']['samples_per_s']
                print(f"  TSP {r['size']} {r['variant']}: one worker "
                      f"{rate:.1f} clips/s = {rate / bb['clips_per_s']:.0f}x "
                      'this CPU\'s backbone rate')
    path = args.json or osp.join(args.work_dir, 'results.json')
    with open(path, 'w') as f:
        json.dump(out, f, indent=1)
    print(f'results: {path}')
    return out


if __name__ == '__main__':
    main()
