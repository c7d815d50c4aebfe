"""Where other apps tell documents which members need which activity documents, and what a
submission unlocked.

documents never imports inscriptions: inscriptions registers a source in its AppConfig.ready.
A source is `fn(member_ids: list[int]) -> dict[int, set[int]]`, member id -> the ids of the
DocumentTypes required of that member by the activities it is enrolled in. It should run a
bounded number of queries, whatever the number of members.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

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


# What a submission unlocked: documents never imports reservations (nor inscriptions); they
# register a source in their AppConfig.ready. documents decides which members and which time
# window a submission was what let them through (`documents.selectors.unlocked_by`); a source
# answers with the records made then, each as a label and an admin address.


@dataclass(frozen=True)
class UnlockWindow:
    """Records of `member_ids` made between `since` and `until` that needed the type.

    A record needed it when it is for an activity requiring `document_type_id`, or whatever the
    activity for the members in `always_required_of` (a mandatory document asked of every child,
    of every member, or of the household).
    """

    document_type_id: int
    member_ids: tuple[int, ...]
    always_required_of: frozenset[int]
    since: datetime.datetime
    until: datetime.datetime | None  # None: still waiting for review


@dataclass(frozen=True)
class Unlocked:
    label: str
    url: str | None = None


UnlockedSource = Callable[[UnlockWindow], list[Unlocked]]

_unlocked_sources: list[UnlockedSource] = []


def register_unlocked_source(fn: UnlockedSource) -> UnlockedSource:
    """Register `fn` once (again does nothing); usable as a decorator."""
    if fn not in _unlocked_sources:
        _unlocked_sources.append(fn)
    return fn


def unlocked_records(window: UnlockWindow) -> list[Unlocked]:
    """Every source's records for the window, in the order the sources were registered."""
    return [item for source in _unlocked_sources for item in source(window)]
