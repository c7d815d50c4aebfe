"""Where other apps tell documents which members need which activity documents.

documents never imports inscriptions: inscriptions registers a source in its AppConfig.ready.
A source is `fn(member_ids: list[int]) -> dict[int, set[int]]`, member id -> the ids of the
DocumentTypes required of that member by the activities it is enrolled in. It should run a
bounded number of queries, whatever the number of members.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

RequirementSource = Callable[[list[int]], dict[int, set[int]]]

_sources: list[RequirementSource] = []


def register_requirement_source(fn: RequirementSource) -> RequirementSource:
    """Register `fn` once (again does nothing); usable as a decorator."""
    if fn not in _sources:
        _sources.append(fn)
    return fn


def unregister_requirement_source(fn: RequirementSource) -> None:
    if fn in _sources:
        _sources.remove(fn)


def requirement_sources() -> tuple[RequirementSource, ...]:
    return tuple(_sources)


def required_type_ids(member_ids: Iterable[int]) -> dict[int, set[int]]:
    """Merge every source's answer: member id -> DocumentType ids its activities require."""
    ids = list(member_ids)
    merged: dict[int, set[int]] = {}
    if not ids or not _sources:
        return merged
    for source in _sources:
        for member_id, type_ids in source(ids).items():
            merged.setdefault(member_id, set()).update(type_ids)
    return merged
