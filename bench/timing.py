"""Timing shared by the benchmarks that report a median."""

from __future__ import annotations

import statistics
import time


def timed(fn, repeats: int) -> float:
    """The median wall time of `repeats` calls of `fn`, in milliseconds."""
    samples = []
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t)
    return statistics.median(samples) * 1000
