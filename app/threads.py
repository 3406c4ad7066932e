"""Background threads yield the processor to the GUI thread.

Image work (page processing, preview analysis, JPEG encoding) runs on worker threads; on a
workstation with few cores they would otherwise share the processor equally with the GUI thread,
and the window would stutter while a page is processed.
"""

from __future__ import annotations

import logging
import os
import sys
import threading

log = logging.getLogger(__name__)

BACKGROUND_NICE = 5                 # Linux: niceness added to a background thread
THREAD_PRIORITY_BELOW_NORMAL = -1   # Windows


def lower_priority() -> None:
    """Lower the calling thread's scheduling priority (use as a thread pool's initializer)."""
    try:
        if sys.platform == "win32":
            import ctypes

            kernel32 = ctypes.windll.kernel32
            kernel32.SetThreadPriority(kernel32.GetCurrentThread(), THREAD_PRIORITY_BELOW_NORMAL)
        elif hasattr(os, "setpriority"):
            tid = threading.get_native_id()       # on Linux a thread's id sets that thread's niceness
            os.setpriority(os.PRIO_PROCESS, tid, os.getpriority(os.PRIO_PROCESS, tid) + BACKGROUND_NICE)
    except OSError as e:
        log.info("thread priority unchanged: %s", e)
