"""SIGTERM and SIGINT as a stop request for the workers' main loops.

Railway sends SIGTERM on redeploy: a worker finishes what is in flight, then exits. The handlers
are restored on the way out, so a process that runs a worker's `main()` and carries on (the test
suite) keeps its own: a handler left behind made forked children ignore SIGTERM.
"""

from __future__ import annotations

import signal
import threading
from contextlib import contextmanager
from typing import Iterator

SIGNALS = (signal.SIGTERM, signal.SIGINT)


@contextmanager
def stop_on_signals(stop: threading.Event) -> Iterator[None]:
    """While inside, the signals set `stop` (only the main thread may install handlers)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in SIGNALS}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
