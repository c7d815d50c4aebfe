"""Fixtures of the history tests: backdated login events and online payments."""

from __future__ import annotations
