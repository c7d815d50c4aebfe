"""Per-family rate limits of the portal's costly writes (uploads, messages that email the staff).

Counters live in Django's default cache, the one allauth's login limits use (the database cache
in production, shared by every app server). A fixed window of one hour per family and action:
simple, and enough to stop a runaway script or a stuck double-submit without bothering a parent.
"""

from __future__ import annotations

import time

from django.core.cache import cache

WINDOW_SECONDS = 3600


def hit(action: str, family_id: int, *, limit: int, window: int = WINDOW_SECONDS) -> bool:
    """Count one `action` of the family; False once more than `limit` were counted this hour.

    Refused attempts count too: a script that keeps trying stays refused.
    """
    if limit <= 0:
        return True  # 0 turns the limit off
    slot = int(time.time()) // window
    key = f"ratelimit:{action}:{family_id}:{slot}"
    # add() only creates the key when it is missing; incr() is atomic on Redis and Memcached,
    # and a read-then-write on the database cache, where two simultaneous requests may count
    # once: a limit of this kind tolerates it.
    cache.add(key, 0, timeout=window + 60)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add() and incr()
        cache.add(key, 1, timeout=window + 60)
        count = 1
    return count <= limit
