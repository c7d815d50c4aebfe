"""The per-family rate limit helper (counters in the default cache, like allauth's)."""

from __future__ import annotations

import time_machine

from espace_famille import ratelimit


def test_a_family_is_limited_per_action_and_per_hour():
    with time_machine.travel("2030-01-07 10:05:00+00:00", tick=False):
        assert [ratelimit.hit("upload", 1, limit=3) for _index in range(4)] == [
            True,
            True,
            True,
            False,
        ]
        assert ratelimit.hit("upload", 1, limit=3) is False  # refused attempts count too
        assert ratelimit.hit("upload", 2, limit=3) is True  # another family
        assert ratelimit.hit("message", 1, limit=3) is True  # another action
    with time_machine.travel("2030-01-07 11:00:01+00:00", tick=False):
        assert ratelimit.hit("upload", 1, limit=3) is True  # the next hour


def test_a_limit_of_zero_turns_it_off():
    assert all(ratelimit.hit("upload", 1, limit=0) for _index in range(50))
