"""Giving image buffers back to the operating system when they are freed.

Every capture allocates several multi-megabyte arrays on worker threads. glibc raises its mmap
threshold after the first such buffer is freed, so later ones come from per-thread arenas that
keep the memory after it is freed: resident memory then grows by tens of megabytes per thread.
A fixed threshold keeps large buffers mmapped, and freeing them returns the memory, as the
Windows heap does by itself for blocks above 512 KB.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import sys

log = logging.getLogger(__name__)

M_MMAP_THRESHOLD = -3
LARGE_BUFFER = 1 << 20


def return_large_buffers() -> bool:
    """Fix glibc's mmap threshold at 1 MiB (Linux); True when applied."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return bool(libc.mallopt(M_MMAP_THRESHOLD, LARGE_BUFFER))
    except (OSError, AttributeError):          # not glibc (e.g. musl): nothing to tune
        log.info("malloc tuning not available")
        return False
