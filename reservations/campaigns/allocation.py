"""The allocation of a campaign, as a pure function: no database, no clock, no global random.

Input: the requests (child, household, opening), the places left on each opening, the
priority rules in the order staff chose with the rules each child meets, the seed, and —
when whole weeks are kept together — the week each opening belongs to.

1. Each household draws a number: the households, sorted by id, are shuffled by
   `random.Random(seed)`; its position (1, 2, …) is the draw number of every child of it
   (siblings are treated alike). When each request was made plays no part.
2. Children are ordered by the rules, the first rule first: a child meeting rule 1 comes before
   every child who does not; among those equal on rule 1, rule 2 decides, and so on; then the
   draw number; then the child's id (siblings of one household).
3. In that order, each child receives every day asked for that still has a place. With whole
   weeks kept together, the days a child asked for that make up all the campaign's days of a
   week (of one unit) are one block: all given if every one has a place, else none.
4. A day not given goes on that day's waiting list, in the same order (rules, then draw).
   In a whole week refused, only the days that were full go on their waiting lists; the days
   that still had a place are not given (NOT_GIVEN) and stay free for first-come booking.

The output tells, for each request, the result and its explanation in words, and for each
opening its waiting list in order. Capacity is never exceeded: a place is given only while
the opening has one left.
"""

from __future__ import annotations

import random
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field

GRANTED = "granted"
WAITING = "waiting"
NOT_GIVEN = "not_given"  # a day with a place, left so that a week stays whole


@dataclass(frozen=True, order=True)
class Request:
    member: int
    family: int
    opening: int


@dataclass(frozen=True)
class Decision:
    request: Request
    outcome: str  # GRANTED, WAITING or NOT_GIVEN
    met: tuple[str, ...]  # the rules the child meets, in the campaign's order
    draw: int  # the household's draw number (1 = drawn first)
    position: int  # the child's place in the final order (1 = served first)
    waiting_rank: int | None  # rank on the opening's waiting list
    block: tuple[int, ...]  # the openings given or refused together (a whole week), else one


@dataclass
class Allocation:
    decisions: dict[Request, Decision] = field(default_factory=dict)
    waiting_lists: dict[int, list[Request]] = field(default_factory=dict)
    draw: dict[int, int] = field(default_factory=dict)  # household -> draw number
    order: list[int] = field(default_factory=list)  # children in the order served

    def granted(self) -> list[Request]:
        return sorted(r for r, d in self.decisions.items() if d.outcome == GRANTED)

    def given(self, opening: int) -> int:
        return sum(
            1 for r, d in self.decisions.items() if d.outcome == GRANTED and r.opening == opening
        )


def draw_numbers(families: Sequence[int], seed: int) -> dict[int, int]:
    """Household -> draw number (1 first): the sorted households shuffled from the seed."""
    households = sorted(set(families))
    # A reproducible draw from a recorded seed, not a secret: the standard generator is right.
    random.Random(seed).shuffle(households)  # noqa: S311
    return {family: number for number, family in enumerate(households, start=1)}


def _blocks(
    asked: list[int], weeks: Mapping[int, Hashable] | None, week_days: dict[Hashable, set[int]]
) -> list[tuple[int, ...]]:
    """A child's asked openings grouped: a complete week as one block, other days alone."""
    if weeks is None:
        return [(opening,) for opening in sorted(asked)]
    by_week: dict[Hashable, list[int]] = {}
    alone: list[tuple[int, ...]] = []
    for opening in sorted(asked):
        week = weeks.get(opening)
        if week is None:
            alone.append((opening,))
        else:
            by_week.setdefault(week, []).append(opening)
    blocks = list(alone)
    for week, openings in by_week.items():
        if set(openings) == week_days[week] and len(openings) > 1:
            blocks.append(tuple(openings))
        else:
            blocks.extend((opening,) for opening in openings)
    return sorted(blocks)


def allocate(
    *,
    requests: Sequence[Request],
    capacities: Mapping[int, int],
    rules: Sequence[str],
    meets: Mapping[int, frozenset[str] | set[str]],
    seed: int,
    weeks: Mapping[int, Hashable] | None = None,
) -> Allocation:
    """Allocate the places (see the module's docstring).

    `capacities`: opening -> places left (a missing opening has none); `meets`: child -> the
    rule keys the child meets; `weeks`: opening -> its week (with its unit) when whole weeks
    are kept together, else None.
    """
    requests = sorted(set(requests))
    result = Allocation()
    result.draw = draw_numbers([r.family for r in requests], seed)
    family_of = {r.member: r.family for r in requests}
    asked: dict[int, list[int]] = {}
    for r in requests:
        asked.setdefault(r.member, []).append(r.opening)
    met = {
        member: tuple(rule for rule in rules if rule in meets.get(member, ())) for member in asked
    }

    def key(member: int) -> tuple:
        return (
            tuple(rule not in met[member] for rule in rules),
            result.draw[family_of[member]],
            member,
        )

    result.order = sorted(asked, key=key)
    left = {opening: max(int(places), 0) for opening, places in capacities.items()}
    week_days: dict[Hashable, set[int]] = {}
    if weeks is not None:
        for opening, week in weeks.items():
            week_days.setdefault(week, set()).add(opening)
    for position, member in enumerate(result.order, start=1):
        family = family_of[member]
        for block in _blocks(asked[member], weeks, week_days):
            fits = all(left.get(opening, 0) > 0 for opening in block)
            for opening in block:
                request = Request(member, family, opening)
                rank = None
                if fits:
                    left[opening] -= 1
                    outcome = GRANTED
                elif left.get(opening, 0) > 0:
                    outcome = NOT_GIVEN
                else:
                    queue = result.waiting_lists.setdefault(opening, [])
                    queue.append(request)
                    rank = len(queue)
                    outcome = WAITING
                result.decisions[request] = Decision(
                    request=request,
                    outcome=outcome,
                    met=met[member],
                    draw=result.draw[family],
                    position=position,
                    waiting_rank=rank,
                    block=block,
                )
    return result
