"""Re-encode a folder of videos once for training: constant frame rate,
training resolution, short keyframe intervals.

    python tools/data/prepare_videos.py IN_DIR OUT_DIR [--fps 30]
        [--short-side 128] [--gop 16] [--crf 18] [--preset fast]
        [--tune fastdecode] [--workers N] [--ext .mp4]
        [--in-exts .mp4 .mkv ...] [--no-progress]

Every video under ``IN_DIR`` (recursively, by extension) becomes
``OUT_DIR/<same relative path, extension --ext>``: H.264 (libx264, yuv420p,
``--crf``), no audio, at a constant ``--fps``, with its short side scaled to
``--short-side`` (aspect ratio kept, both sides rounded to the nearest even
number; never upscaled; 0 keeps the size) and a keyframe at least every
``--gop`` frames.

* **Frame rate.** As ``ffmpeg -r FPS`` does (its ``fps`` filter, rounding to
  the nearest output frame): a source frame shown at ``t`` seconds (from the
  first frame) goes to output frame ``round(t * fps)``; output frames that
  get no source frame repeat the previous one, and of several source frames
  that land on one output frame the last is kept. The output lasts as long
  as the source (``round(duration * fps)`` frames). This is the step the
  official TSP code requires (its videos are re-encoded to 30 fps with
  ffmpeg).
* **Size.** Decoded frames are scaled by FFmpeg's bicubic scaler (what
  ``ffmpeg -vf scale`` uses). The training pipelines then resize these frames
  (the TSP configs' 128 x 171 float bilinear resize), so the pixels are not
  those of the official code, which resizes the full-size frames:
  ``benchmarks/train_input.py`` measures the difference.
* **Keyframes.** A random-access reader seeks to the keyframe before a clip
  and decodes from there: with the sources' 150-300 frames between
  keyframes, most of the decoding is thrown away. ``--gop 16`` bounds the
  waste to 15 frames a clip. ``--tune fastdecode`` (the default; ``none`` to
  drop it) makes libx264 skip the costliest decoding tools (CABAC, the
  deblocking filter, weighted prediction): about 1.6x faster decoding for
  files about 6 % larger.

Resumable: each output is written under a temporary name (``.NAME.part``)
and renamed when complete, and ``OUT_DIR/prepare_videos.jsonl`` records
each finished video (source size and modification time, settings, frame
count). A video whose record matches and whose output holds the recorded
number of frames (read from its header) is skipped; any other is made
again. ``OUT_DIR/metadata.csv`` lists every prepared video in the official
TSP metadata format (``filename,video-duration,fps,video-frames``).

Unreadable inputs (corrupt, empty, no video stream) print an error naming
the file; the other videos are still converted, the failures are listed at
the end and the exit status is 1. A file that decodes to fewer frames than
its header announces (cut short) is converted with a warning naming it.
"""
import argparse
import csv
import json
import math
import multiprocessing as mp
import os
import os.path as osp
import sys
import time
import traceback
from typing import Dict, Iterator, List, Optional, Tuple

REPO_ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
if REPO_ROOT not in sys.path:
    sys.path.insert(0, REPO_ROOT)

#: input extensions looked for by default
VIDEO_EXTS = ('.mp4', '.mkv', '.webm', '.avi', '.mov', '.m4v', '.flv',
              '.mpg', '.mpeg', '.wmv', '.3gp', '.ts')
MANIFEST = 'prepare_videos.jsonl'
METADATA = 'metadata.csv'
#: bumped when the same settings would give different files
VERSION = 1


def parse_args(argv=None):
    parser = argparse.ArgumentParser(
        description='Re-encode videos to a constant frame rate, the '
        'training resolution and short keyframe intervals (resumable)')
    parser.add_argument('in_dir', help='folder of source videos (searched '
                        'recursively)')
    parser.add_argument('out_dir', help='output folder (same relative '
                        'paths); an interrupted run resumes')
    parser.add_argument('--fps', type=int, default=30,
                        help='constant output frame rate (default 30, as '
                        'the official TSP preparation)')
    parser.add_argument('--short-side', type=int, default=128,
                        help='short side of the output, aspect ratio kept, '
                        'even sizes, never upscaled; 0 keeps the size '
                        '(default 128: the 128 x 171 TSP resize)')
    parser.add_argument('--gop', type=int, default=16,
                        help='at most this many frames from one keyframe to '
                        'the next (default 16)')
    parser.add_argument('--crf', type=int, default=18,
                        help='libx264 constant rate factor (default 18, '
                        'visually lossless)')
    parser.add_argument('--preset', default='fast',
                        help='libx264 preset (default fast)')
    parser.add_argument('--tune', default='fastdecode',
                        help="libx264 tune (default fastdecode; 'none' for "
                        'none)')
    parser.add_argument('--workers', type=int, default=None,
                        help='processes (default: the number of CPUs); 1 '
                        'converts in this process')
    parser.add_argument('--ext', default='.mp4',
                        help='extension of the outputs (default .mp4; the '
                        'container is always mp4)')
    parser.add_argument('--in-exts', nargs='+', default=list(VIDEO_EXTS),
                        help='extensions of the inputs (default: '
                        f"{' '.join(VIDEO_EXTS)})")
    parser.add_argument('--no-progress', action='store_true',
                        help='no progress line')
    args = parser.parse_args(argv)
    if args.fps < 1 or args.gop < 1 or args.short_side < 0:
        parser.error('--fps and --gop must be >= 1, --short-side >= 0')
    if not args.ext.startswith('.'):
        args.ext = '.' + args.ext
    return args


# ----------------------------------------------------------------------
# One video
# ----------------------------------------------------------------------


def even(value: float) -> int:
    """The even integer nearest ``value`` (at least 2)."""
    return max(2, 2 * int(math.floor(value / 2 + 0.5)))


def output_size(width: int, height: int, short_side: int) -> Tuple[int, int]:
    """``(width, height)`` of the output: short side ``short_side`` (never
    more than the source's), aspect ratio kept, both even (libx264's
    yuv420p needs even sizes)."""
    short = min(width, height)
    if short_side <= 0 or short_side >= short:
        return max(2, width - width % 2), max(2, height - height % 2)
    scale = short_side / short
    if width <= height:
        return even(short_side), even(height * scale)
    return even(width * scale), even(short_side)


def resample(frames: Iterator, fps: int) -> Iterator[Tuple[object, int]]:
    """Constant-rate output frames from ``(frame, time, duration)`` in
    presentation order (``time``: the source frame's start in seconds,
    ``duration``: its display time or None), as ffmpeg's ``fps`` filter
    does it: a frame shown at ``t`` (from the first frame) lands on output
    frame ``round(t * fps)`` (halves up); an output frame shows the last
    source frame that landed on it or before; the output has
    ``round(duration * fps)`` frames. Yields ``(frame, repeats)``: write
    ``frame`` ``repeats`` times."""
    first = prev = None
    next_slot = 0  # next output frame to write
    end = 0.0
    for frame, t, duration in frames:
        if first is None:
            first = t
        slot = int(math.floor((t - first) * fps + 0.5 + 1e-9))
        if prev is not None and slot > next_slot:
            yield prev, slot - next_slot
            next_slot = slot
        prev = frame
        end = max(end, t - first + (duration or 1.0 / fps))
    if prev is None:
        return
    total = int(math.floor(end * fps + 0.5))
    if total > next_slot or next_slot == 0:
        yield prev, max(total - next_slot, 1)


def _decoded(container, stream) -> Iterator[Tuple[object, float, float]]:
    """``(frame, time, duration)`` of every frame, in presentation order."""
    rate = stream.average_rate or stream.guessed_rate
    step = 1.0 / float(rate) if rate else None
    index = 0
    for frame in container.decode(stream):
        t = frame.time
        if t is None:  # no timestamp: assume the nominal rate
            t = index * (step or 1 / 30)
        duration = None
        if getattr(frame, 'duration', None) and frame.time_base:
            duration = float(frame.duration * frame.time_base)
        yield frame, float(t), duration or step
        index += 1


def prepare_video(src: str, dst: str, fps: int = 30, short_side: int = 128,
                  gop: int = 16, crf: int = 18, preset: str = 'fast',
                  tune: Optional[str] = 'fastdecode',
                  threads: int = 1) -> Dict:
    """Re-encode ``src`` into ``dst`` (written under a temporary name and
    renamed when complete). Returns ``dict(frames, width, height,
    source_frames, source_fps, warning)``: output frames and size, decoded
    source frames, the source's nominal rate, and a message when the source
    decoded to fewer frames than its header announces (else None).

    Raises:
        RuntimeError: ``src`` cannot be read (named in the message).
    """
    import av
    from av.video.reformatter import VideoReformatter

    from tsptools.datasets.synthactions.writer import VideoWriter, \
        partial_path
    if not osp.isfile(src) or osp.getsize(src) == 0:
        raise RuntimeError(f'{src}: missing or empty file')
    tmp = partial_path(dst)
    os.makedirs(osp.dirname(dst) or '.', exist_ok=True)
    options = dict(g=gop)
    if tune and tune != 'none':
        options['tune'] = tune
    source_frames = 0
    try:
        try:
            container = av.open(src)
        except Exception as err:
            raise RuntimeError(f'{src}: cannot be opened as a video '
                               f'({type(err).__name__}: {err})') from err
        with container:
            if not container.streams.video:
                raise RuntimeError(f'{src}: has no video stream')
            stream = container.streams.video[0]
            stream.thread_type = 'AUTO'
            stream.codec_context.thread_count = threads
            width, height = output_size(stream.codec_context.width,
                                        stream.codec_context.height,
                                        short_side)
            rate = stream.average_rate or stream.guessed_rate
            announced = int(stream.frames or 0)
            writer = VideoWriter(tmp, width, height, fps=fps, crf=crf,
                                 preset=preset, threads=threads,
                                 options=options)
            # one scaler for all frames (frame.to_ndarray() sets one up
            # for every frame)
            scaler = VideoReformatter()
            with writer:
                try:
                    for frame, repeats in resample(
                            _decoded(container, stream), fps):
                        rgb = scaler.reformat(
                            frame, width=width, height=height,
                            format='rgb24', interpolation='BICUBIC',
                            threads=threads).to_ndarray()
                        for _ in range(repeats):
                            writer.write(rgb)
                        source_frames += 1
                except (av.error.FFmpegError, ValueError) as err:
                    raise RuntimeError(
                        f'{src}: decoding failed after {source_frames} '
                        f'frames ({type(err).__name__}: {err})') from err
        if writer.num_frames == 0:
            raise RuntimeError(f'{src}: no decodable video frame')
        os.replace(tmp, dst)
    finally:
        if osp.exists(tmp):
            os.remove(tmp)
    warning = None
    if announced > 0 and announced - source_frames > max(2, announced // 50):
        warning = (f'{src}: decoded {source_frames} of the {announced} '
                   'frames its header announces (truncated?)')
    return dict(frames=writer.num_frames, width=width, height=height,
                source_frames=source_frames,
                source_fps=float(rate) if rate else None, warning=warning)


# ----------------------------------------------------------------------
# A folder
# ----------------------------------------------------------------------


def find_videos(in_dir: str, exts) -> List[str]:
    """Paths relative to ``in_dir`` of its videos, sorted."""
    exts = {e.lower() if e.startswith('.') else '.' + e.lower()
            for e in exts}
    found = []
    for root, dirs, files in os.walk(in_dir):
        dirs.sort()
        for name in sorted(files):
            if name.startswith('.'):
                continue
            if osp.splitext(name)[1].lower() in exts:
                found.append(osp.relpath(osp.join(root, name), in_dir))
    return found


def settings_of(args) -> Dict:
    return dict(version=VERSION, fps=args.fps, short_side=args.short_side,
                gop=args.gop, crf=args.crf, preset=args.preset,
                tune=args.tune)


def read_manifest(path: str) -> Dict[str, Dict]:
    """``{output relative path: record}``, the last record of each."""
    records = {}
    if not osp.exists(path):
        return records
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            try:
                record = json.loads(line)
            except ValueError:  # a line cut by an interruption
                continue
            records[record['output']] = record
    return records


def _size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:  # a broken link: fails (named) when converted
        return 0


def source_stat(path: str) -> Dict:
    st = os.stat(path)
    return dict(source_bytes=st.st_size, source_mtime=int(st.st_mtime))


def is_done(record: Optional[Dict], out_path: str, src_path: str,
            settings: Dict) -> bool:
    """Whether ``out_path`` is the finished conversion of ``src_path`` with
    ``settings``: recorded, and its header has the recorded frame count."""
    from tsptools.datasets.synthactions.writer import count_frames
    if not record or not osp.exists(out_path) or not osp.isfile(src_path):
        return False
    if record.get('settings') != settings:
        return False
    if {k: record.get(k) for k in ('source_bytes', 'source_mtime')} != \
            source_stat(src_path):
        return False
    return count_frames(out_path) == record.get('frames')


def _pool_context():
    """``fork`` on Linux (workers start at once), else ``spawn``."""
    if sys.platform.startswith('linux'):
        return mp.get_context('fork')
    return mp.get_context('spawn')


def _job(job: Dict) -> Dict:
    """Convert one video (in a worker); never raises."""
    start = time.time()
    try:
        info = prepare_video(job['src'], job['dst'], threads=job['threads'],
                             **job['encode'])
        return dict(job, status='done', seconds=time.time() - start, **info)
    except Exception as err:  # reported, the others go on
        message = str(err) if job['src'] in str(err) else \
            f"{job['src']}: {type(err).__name__}: {err}"
        if not isinstance(err, RuntimeError):
            message += '\n' + traceback.format_exc(limit=3)
        return dict(job, status='failed', error=message,
                    seconds=time.time() - start)


class Progress:
    """``[done/total] percent, videos/s, elapsed, ETA, failed``: rewritten
    in place on a terminal, else printed at most every 10 s."""

    def __init__(self, total: int, enabled: bool) -> None:
        self.total, self.done, self.failed = total, 0, 0
        self.enabled = enabled and total > 0
        self.tty = sys.stderr.isatty()
        self.start = self.last = time.time()

    def update(self, failed: bool) -> None:
        self.done += 1
        self.failed += int(failed)
        now = time.time()
        last = self.done == self.total
        if not self.enabled or (not last and now - self.last <
                                (0.5 if self.tty else 10.0)):
            return
        self.last = now
        elapsed = now - self.start
        rate = self.done / elapsed if elapsed > 0 else 0.0
        eta = (self.total - self.done) / rate if rate > 0 else 0.0
        percent = 100 * self.done / self.total
        line = (f'[{self.done}/{self.total}] {percent:.0f}% {rate:.2f} '
                f'videos/s, elapsed {_hms(elapsed)}, ETA {_hms(eta)}, '
                f'{self.failed} failed')
        sys.stderr.write(('\r' + line + ('\n' if last else ''))
                         if self.tty else line + '\n')
        sys.stderr.flush()


def _hms(seconds: float) -> str:
    seconds = int(round(seconds))
    return f'{seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}'


def write_metadata(out_dir: str, records: Dict[str, Dict]) -> str:
    """``OUT_DIR/metadata.csv`` of the prepared videos, in the official
    TSP metadata format."""
    path = osp.join(out_dir, METADATA)
    with open(path + '.part', 'w', newline='') as f:
        writer = csv.writer(f)
        writer.writerow(['filename', 'video-duration', 'fps',
                         'video-frames'])
        for name in sorted(records):
            r = records[name]
            writer.writerow([name, f"{r['frames'] / r['settings']['fps']:.6g}",
                             r['settings']['fps'], r['frames']])
    os.replace(path + '.part', path)
    return path


def prepare_folder(args) -> int:
    """Convert ``args.in_dir`` into ``args.out_dir``; the exit status."""
    if not osp.isdir(args.in_dir):
        print(f'error: {args.in_dir} is not a folder', file=sys.stderr)
        return 2
    os.makedirs(args.out_dir, exist_ok=True)
    settings = settings_of(args)
    manifest_path = osp.join(args.out_dir, MANIFEST)
    records = read_manifest(manifest_path)
    sources = find_videos(args.in_dir, args.in_exts)
    outputs = {}
    for rel in sources:
        out_rel = osp.splitext(rel)[0] + args.ext
        if out_rel in outputs:
            print(f'error: {rel} and {outputs[out_rel]} would both be '
                  f'written to {out_rel}', file=sys.stderr)
            return 2
        outputs[out_rel] = rel
    workers = args.workers or os.cpu_count() or 1
    threads = max(1, (os.cpu_count() or 1) // workers)
    jobs, skipped = [], 0
    for out_rel, rel in outputs.items():
        src = osp.join(args.in_dir, rel)
        dst = osp.join(args.out_dir, out_rel)
        if is_done(records.get(out_rel), dst, src, settings):
            skipped += 1
            continue
        jobs.append(dict(src=src, dst=dst, output=out_rel, threads=threads,
                         encode=dict(fps=args.fps,
                                     short_side=args.short_side,
                                     gop=args.gop, crf=args.crf,
                                     preset=args.preset, tune=args.tune)))
    print(f'{len(sources)} videos in {args.in_dir}: {skipped} already '
          f'prepared, {len(jobs)} to convert with {min(workers, len(jobs))} '
          f'process(es)', flush=True)
    # largest first, for an even load across workers
    jobs.sort(key=lambda j: -_size(j['src']))
    progress = Progress(len(jobs), not args.no_progress)
    failed = []
    with open(manifest_path, 'a') as manifest:
        if workers == 1 or len(jobs) <= 1:
            results = map(_job, jobs)
            pool = None
        else:
            pool = _pool_context().Pool(min(workers, len(jobs)))
            results = pool.imap_unordered(_job, jobs)
        try:
            for result in results:
                if result['status'] == 'done':
                    record = dict(
                        output=result['output'],
                        source=osp.relpath(result['src'], args.in_dir),
                        frames=result['frames'], width=result['width'],
                        height=result['height'],
                        source_frames=result['source_frames'],
                        source_fps=result['source_fps'], settings=settings,
                        **source_stat(result['src']))
                    manifest.write(json.dumps(record) + '\n')
                    manifest.flush()
                    records[result['output']] = record
                    if result.get('warning'):
                        print(f"warning: {result['warning']}",
                              file=sys.stderr, flush=True)
                else:
                    failed.append(result)
                    if progress.tty and progress.enabled:
                        sys.stderr.write('\n')
                    print(f"error: {result['error']}", file=sys.stderr,
                          flush=True)
                progress.update(result['status'] != 'done')
        finally:
            if pool is not None:
                pool.terminate()
                pool.join()
    done = {k: v for k, v in records.items() if k in outputs and osp.exists(
        osp.join(args.out_dir, k))}
    if done:
        write_metadata(args.out_dir, done)
    print(f'{len(jobs) - len(failed)} converted, {skipped} skipped, '
          f'{len(failed)} failed; outputs in {args.out_dir}', flush=True)
    if failed:
        print(f'{len(failed)} video(s) could not be converted:',
              file=sys.stderr)
        for result in failed:
            print(f"  {result['src']}", file=sys.stderr)
        return 1
    return 0


def main(argv=None) -> int:
    return prepare_folder(parse_args(argv))


if __name__ == '__main__':
    sys.exit(main())
