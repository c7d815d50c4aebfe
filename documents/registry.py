"""documents' extension points (`espace_famille.registry.Registry`): which members other apps
ask which activity documents of, and what a submission unlocked.

documents never imports inscriptions: inscriptions registers a source in its AppConfig.ready.
A requirement source is `fn(member_ids: list[int]) -> dict[int, set[int]]`, member id -> the ids
of the DocumentTypes required of that member by the activities it is enrolled in. It should run
a bounded number of queries, whatever the number of members.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from espace_famille.registry import Registry

RequirementSource = Callable[[list[int]], dict[int, set[int]]]

requirement_sources: Registry[RequirementSource] = Registry("document requirement sources")


def required_type_ids(member_ids: Iterable[int]) -> dict[int, set[int]]:
    """Merge every source's answer: member id -> DocumentType ids its activities require."""
    ids = list(member_ids)
    merged: dict[int, set[int]] = {}
    if not ids or not requirement_sources:
        return merged
    for source in requirement_sources:
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

unlocked_sources: Registry[UnlockedSource] = Registry("unlocked-records sources")


def unlocked_records(window: UnlockWindow) -> list[Unlocked]:
    """Every source's records for the window, in the order the sources were registered."""
    return [item for source in unlocked_sources for item in source(window)]
