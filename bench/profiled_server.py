"""A benchmark server under a profiler: `python -m bench.profiled_server OUT UVICORN-ARGS`.

OUT ending in `.prof`: cProfile statistics; `.mem`: the memory allocated between two SIGUSR1
(tracemalloc, by line; bench.fanout sends them around connecting its idle subscribers); else
pyinstrument's flat text (where the CPU was, sampled: the better view of asyncio code).

Uvicorn re-raises the SIGTERM it stopped on once it has shut down; the handler installed here
is the one it restores and raises, and it writes the profile before the process ends.
"""

from __future__ import annotations

import cProfile
import signal
import sys
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from types import FrameType

from pyinstrument import Profiler
from pyinstrument.renderers import ConsoleRenderer
from uvicorn.main import main as uvicorn_main


def profiler_for(out: Path) -> tuple[Callable[[], None], Callable[[], None]]:
    """Start and stop-and-write functions for the profiler OUT asks for."""
    if out.suffix == ".mem":
        return _memory(out)
    if out.suffix == ".prof":
        profile = cProfile.Profile()

        def write_profile() -> None:
            profile.disable()
            profile.dump_stats(out)

        return profile.enable, write_profile
    sampler = Profiler(interval=0.0005)

    def write_samples() -> None:
        sampler.stop()
        renderer = ConsoleRenderer(show_all=True, flat=True)
        out.write_text(sampler.output(renderer))

    return sampler.start, write_samples


def _memory(out: Path) -> tuple[Callable[[], None], Callable[[], None]]:
    snapshots: list[tracemalloc.Snapshot] = []

    def snapshot(signum: int, frame: FrameType | None) -> None:
        snapshots.append(tracemalloc.take_snapshot())
        if len(snapshots) == 2:
            first, second = snapshots
            top = second.compare_to(first, "lineno")[:60]
            out.write_text("\n".join(str(line) for line in top) + "\n")

    def start() -> None:
        tracemalloc.start()
        signal.signal(signal.SIGUSR1, snapshot)

    return start, lambda: None


def run(out: Path, arguments: list[str]) -> None:
    start, write = profiler_for(out)

    def stop(signum: int, frame: FrameType | None) -> None:
        write()
        sys.exit(0)

    signal.signal(signal.SIGTERM, stop)
    start()
    uvicorn_main.main(args=arguments, standalone_mode=False)
    stop(signal.SIGTERM, None)


if __name__ == "__main__":
    run(Path(sys.argv[1]), sys.argv[2:])
