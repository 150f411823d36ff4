"""The progress line of the feature extraction tools.

Not :class:`mmengine.utils.ProgressBar`: that one counts a single kind of
task (``task/s``) and writes ``\\r`` lines on every update, where the
extraction counts videos done and clips/s together and prints a line at
most every 10 s when the output is not a terminal (log files, clusters).
"""
import sys
import time


class Progress:
    """A one-line progress report with ETA (``unit`` done: videos, or clips
    for one long video; clips/s).

    ``[done/total unit] N clips, R clips/s, elapsed M:SS, ETA M:SS``,
    rewritten in place at most every ``interval`` seconds on a terminal,
    else printed on its own line at most every 10 s; the last update always
    shows.
    """

    def __init__(self, total: int, enabled: bool = True, stream=None,
                 interval: float = 0.5, unit: str = 'videos') -> None:
        self.total = total
        self.unit = unit
        self.enabled = enabled and total > 0
        self.stream = stream or sys.stdout
        self.tty = getattr(self.stream, 'isatty', lambda: False)()
        self.interval = interval if self.tty else 10.0
        self.done = 0
        self.clips = 0
        self.start = time.time()
        self.last = 0.0

    def add_clips(self, n: int) -> None:
        self.clips += n
        self._show()

    def update(self, n: int = 1) -> None:
        self.done += n
        self._show(force=self.done >= self.total)

    def _show(self, force: bool = False) -> None:
        if not self.enabled:
            return
        now = time.time()
        if not force and now - self.last < self.interval:
            return
        self.last = now
        elapsed = now - self.start
        rate = self.clips / elapsed if elapsed > 0 else 0.0
        eta = elapsed * (self.total - self.done) / self.done \
            if self.done else float('nan')
        line = (f'[{self.done}/{self.total} {self.unit}] {self.clips} clips, '
                f'{rate:.1f} clips/s, elapsed {_hms(elapsed)}, '
                f'ETA {_hms(eta)}')
        if self.tty:
            self.stream.write('\r' + line + ('\n' if force else ''))
        else:
            self.stream.write(line + '\n')
        self.stream.flush()


def _hms(seconds: float) -> str:
    if seconds != seconds:  # NaN
        return '--:--'
    seconds = int(seconds + 0.5)
    h, rest = divmod(seconds, 3600)
    return (f'{h}:' if h else '') + '{:02d}:{:02d}'.format(*divmod(rest, 60))
