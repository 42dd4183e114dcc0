"""Event ids this worker has seen take effect, so a redelivery is answered without the database.

Exact, not a heuristic: once an event is processed (the database says which outcomes mean that:
private.stripe_outcome_processed) it never becomes unprocessed again, so `duplicate` is the
answer the database would give. Events that did not take effect are never remembered. Bounded (least recently seen dropped);
each worker process has its own, and the database stays the authority for everything else.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

CAPACITY = 50_000  # ids of ~30 bytes: a few MB per worker


class SeenEvents:
    def __init__(self, capacity: int = CAPACITY):
        self.capacity = capacity
        self._ids: OrderedDict[str, None] = OrderedDict()
        self._lock = threading.Lock()

    def __contains__(self, event_id: object) -> bool:
        with self._lock:
            if event_id in self._ids:
                self._ids.move_to_end(event_id)  # type: ignore[arg-type]
                return True
            return False

    def add(self, event_id: str) -> None:
        with self._lock:
            self._ids[event_id] = None
            self._ids.move_to_end(event_id)
            while len(self._ids) > self.capacity:
                self._ids.popitem(last=False)
