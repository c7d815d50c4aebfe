"""Reads about requested documents, shared by the views, the dashboard badge and other apps."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from documents.models import DocumentType, StructureDocument, Submission, SubmissionQuerySet
from documents.registry import (
    Unlocked,
    UnlockWindow,
    required_type_ids,
    requirement_sources,
    unlocked_records,
)
from espace_famille.queries import count_of
from famille.models import Family, Member, SharedCustody
from famille.selectors import household_members, households_of

Scope = DocumentType.Scope


def required_types_for(
    member: Member, *, activity_types: QuerySet[DocumentType] | None = None
) -> QuerySet[DocumentType]:
    """The document types asked of `member` before it may enrol in or book an activity.

    The active mandatory types its scope covers (the household's own types, the types asked of
    every member, and of every child when it is a child), plus `activity_types`: the types the
    activity being requested or booked requires (a queryset, kept as a subquery). inscriptions
    and reservations ask through here and `missing_documents()`, never by hand.
    """
    scopes = [Scope.FAMILY, Scope.MEMBER]
    if member.role == Member.Role.CHILD:
        scopes.append(Scope.CHILD)
    wanted = Q(mandatory=True, scope__in=scopes)
    if activity_types is not None:
        wanted |= Q(pk__in=activity_types.order_by().values("pk"))
    return DocumentType.objects.filter(wanted, is_active=True)


def _submissions_of(member: Member) -> SubmissionQuerySet:
    """The submissions that answer for `member` a type compared to the outer row: the
    household's for a household-level type, the member's own otherwise."""
    household = Q(document_type__scope=Scope.FAMILY)
    # A member's own documents answer for it whichever household sent them (a child in shared
    # custody has two); household-level ones are its main household's.
    return Submission.objects.filter(
        (household & Q(member__isnull=True, family_id=member.family_id))
        | (~household & Q(member_id=member.pk)),
        _sent_by_its_households(member),
        document_type=OuterRef("pk"),
    )


def _sent_by_its_households(member: Member) -> Q:
    """Submissions of the member's households: its main one and, in shared custody, the second
    (read with the member when `member_for_household` selected its link, else a subquery)."""
    if Member.shared_custody.is_cached(member):
        return Q(family_id__in=households_of(member))
    second = SharedCustody.objects.filter(member_id=member.pk).values("family_id")
    return Q(family_id=member.family_id) | Q(family_id__in=second)


def visible_to(family: Family) -> Q:
    """The submissions a household sees: the ones it sent, and every document of its members
    (a shared child's documents are both households'); never the other household's own."""
    return Q(family_id=family.pk) | Q(member__in=household_members(family).values("pk"))


def missing_documents(
    *,
    member: Member,
    activity_types: QuerySet[DocumentType] | None = None,
    today: datetime.date | None = None,
) -> list[DocumentType]:
    """The documents still to provide for `member` (one query, whatever the data).

    The types of `required_types_for(member, activity_types=…)` without a submission that is
    provided (`documents.models.provided_rule`); household-level types are provided once per
    family. Each type comes with `awaiting_review`: True when a document was sent but its type
    counts it only once accepted.
    """
    today = today or timezone.localdate()
    mine = _submissions_of(member)
    return list(
        required_types_for(member, activity_types=activity_types)
        .annotate(awaiting_review=Exists(mine.filter(status=Submission.Status.PENDING)))
        .exclude(Exists(mine.provided(today)))
        .order_by("order", "name", "pk")
    )


def documents_to_provide_count(family: Family, *, today: datetime.date | None = None) -> int:
    """How many requested documents the family still has to send (the dashboard badge).

    A document waiting for review is not counted, whatever its type's `pending_counts`: the
    family has nothing more to do (`Submission.objects.sent()`).
    """
    return sum(person.to_provide for person in documents_by_person(family, today=today))


@dataclass
class PersonDocuments:
    """A person of the household (None: the household's own documents) with how many requested
    documents it still has to send and how many of its accepted ones expire within 30 days."""

    member: Member | None
    to_provide: int = 0
    expiring: int = 0


def documents_by_person(
    family: Family, *, today: datetime.date | None = None
) -> list[PersonDocuments]:
    """The household, then each member, with its counts (only those with something to do).

    One query for the household's and members' mandatory documents and the documents expiring;
    when other apps registered requirement sources (activities), their queries plus one more for
    the activity documents.
    """
    today = today or timezone.localdate()
    asked = DocumentType.objects.filter(is_active=True, mandatory=True)
    sent = Submission.objects.sent(today).filter(document_type=OuterRef("pk"))
    by_member = sent.filter(member_id=OuterRef(OuterRef("pk")))
    household_missing = asked.filter(scope=Scope.FAMILY).exclude(
        Exists(sent.filter(family_id=family.pk, member__isnull=True))
    )
    # Expiring: an accepted document whose validity ends within 30 days, for a type that has
    # nothing newer waiting for review nor accepted beyond those 30 days. Counted per document
    # type, as the counts above, so that every subquery reaches submissions through the
    # household's keys (tests/test_query_plans.py).
    end = today + datetime.timedelta(days=RENEW_SOON_DAYS)
    of_type = Submission.objects.filter(document_type=OuterRef("pk"))
    in_window = of_type.filter(
        status=Submission.Status.ACCEPTED, valid_until__gte=today, valid_until__lte=end
    )
    renewed = of_type.filter(
        Q(status=Submission.Status.PENDING)
        | Q(status=Submission.Status.ACCEPTED, valid_until__isnull=True)
        | Q(status=Submission.Status.ACCEPTED, valid_until__gt=end)
    )
    mine = {"member_id": OuterRef(OuterRef("pk"))}
    household_only = {"family_id": family.pk, "member__isnull": True}
    active = DocumentType.objects.filter(is_active=True)
    household_expiring = active.filter(Exists(in_window.filter(**household_only))).exclude(
        Exists(renewed.filter(**household_only))
    )
    members = list(
        household_members(family)
        .order_by("role", "birth_date", "first_name", "pk")
        .annotate(
            every_member=count_of(asked.filter(scope=Scope.MEMBER).exclude(Exists(by_member))),
            every_child=count_of(asked.filter(scope=Scope.CHILD).exclude(Exists(by_member))),
            household=count_of(household_missing),
            expiring=count_of(
                active.filter(Exists(in_window.filter(**mine))).exclude(
                    Exists(renewed.filter(**mine))
                )
            ),
            household_expiring=count_of(household_expiring),
        )
        .only("pk", "family_id", "role", "first_name", "last_name")
    )
    if not members:
        household = PersonDocuments(None, household_missing.count(), household_expiring.count())
        return [household] if household.to_provide or household.expiring else []
    people = [PersonDocuments(None, members[0].household, members[0].household_expiring)]
    for member in members:
        to_provide = member.every_member
        if member.role == Member.Role.CHILD:
            to_provide += member.every_child
        people.append(PersonDocuments(member, to_provide, member.expiring))
    if requirement_sources:
        by_pk = {member.pk: member for member in members}
        missing = _activity_documents_to_provide(family, by_pk, today)
        for person in people:
            person.to_provide += missing.get(person.member.pk if person.member else None, 0)
    return [person for person in people if person.to_provide or person.expiring]


def _activity_documents_to_provide(
    family: Family, members: Mapping[int, Member], today: datetime.date
) -> dict[int | None, int]:
    """Documents required by the members' activities that the scope rules did not count,
    per member id (None: the household's). One query after the requirement sources': the
    types, each with whether the household and each member sent it."""
    required = required_type_ids(list(members))
    type_ids = set().union(*required.values()) if required else set()
    if not type_ids:
        return {}
    # A member's own documents count whichever household sent them (a child in shared custody
    # has two); the household's documents are this household's only.
    sent = Submission.objects.sent(today).filter(document_type=OuterRef("pk"))
    flags = {f"sent_{member_id}": Exists(sent.filter(member_id=member_id)) for member_id in members}
    types = {
        row["pk"]: row
        for row in DocumentType.objects.filter(pk__in=type_ids, is_active=True)
        .annotate(sent_household=Exists(sent.filter(family=family, member__isnull=True)), **flags)
        .values("pk", "scope", "mandatory", "sent_household", *flags)
    }
    wanted: set[tuple[int | None, int]] = set()
    for member_id, member_type_ids in required.items():
        for type_id in member_type_ids:
            if type_id not in types or member_id not in members:
                continue
            row = types[type_id]
            if row["mandatory"] and scope_covers(row["scope"], members[member_id].role):
                continue  # already counted by the main query
            if row["scope"] == Scope.FAMILY:
                if not row["sent_household"]:
                    wanted.add((None, type_id))
            elif not row[f"sent_{member_id}"]:
                wanted.add((member_id, type_id))
    counts: dict[int | None, int] = {}
    for owner_id, _type_id in wanted:
        counts[owner_id] = counts.get(owner_id, 0) + 1
    return counts


def not_renewed() -> Q:
    """An accepted submission nobody has sent a newer document for (pending or accepted)."""
    later = Submission.objects.filter(
        family_id=OuterRef("family_id"),
        document_type_id=OuterRef("document_type_id"),
        uploaded_at__gt=OuterRef("uploaded_at"),
    ).exclude(  # pending or accepted; written as an exclusion, so that the planner reaches
        # the rows through the household's index, not the status index
        status__in=[Submission.Status.REFUSED, Submission.Status.REPLACED]
    )
    renewed = Exists(later.filter(member_id=OuterRef("member_id"))) | (
        Q(member__isnull=True) & Exists(later.filter(member__isnull=True))
    )
    return Q(status=Submission.Status.ACCEPTED) & ~renewed


def expiring_documents(
    *, start: datetime.date, end: datetime.date, family: Family | None = None
) -> QuerySet[Submission]:
    """Accepted documents of active types whose validity ends between `start` and `end`
    (inclusive) and that nobody renewed yet: the dashboard's "expire bientôt" (one query)."""
    found = Submission.objects.filter(
        not_renewed(),
        valid_until__gte=start,
        valid_until__lte=end,
        document_type__is_active=True,
    )
    if family is not None:
        found = found.filter(family=family)
    return found.select_related("member", "document_type").order_by("valid_until", "pk")


def scope_covers(scope: str, role: str) -> bool:
    return scope in (Scope.FAMILY, Scope.MEMBER) or (
        scope == Scope.CHILD and role == Member.Role.CHILD
    )


def members_asked_for(document_type: DocumentType, members: Iterable[Member]) -> list[Member]:
    """The members a document is asked of: by its scope, or by an activity they take part in."""
    members = list(members)
    by_activity = required_type_ids([member.pk for member in members])
    return [
        member
        for member in members
        if scope_covers(document_type.scope, member.role)
        or document_type.pk in by_activity.get(member.pk, set())
    ]


def is_asked_of(document_type: DocumentType, member: Member) -> bool:
    """Is this document asked of this member? (no query when its scope covers the member)"""
    if scope_covers(document_type.scope, member.role):
        return True
    return bool(members_asked_for(document_type, [member]))


# The "Mes documents" page.


class State:
    TO_PROVIDE = "to_provide"
    PENDING = "pending"
    ACCEPTED = "accepted"
    REFUSED = "refused"
    EXPIRED = "expired"

    LABELS = {
        TO_PROVIDE: _("À fournir"),
        PENDING: _("En attente de validation"),
        ACCEPTED: _("Accepté"),
        REFUSED: _("Refusé"),
        EXPIRED: _("Expiré, à renouveler"),
    }
    NEEDS_ACTION = frozenset({TO_PROVIDE, REFUSED, EXPIRED})


RENEW_SOON_DAYS = 30


@dataclass
class RequestedDocument:
    """One document asked of one person (or of the household), with its state."""

    document_type: DocumentType
    member: Member | None
    required: bool
    state: str
    latest: Submission | None = None
    accepted: Submission | None = None  # the valid accepted submission, if any
    expires_soon: bool = False
    provided: bool = False  # unlocks enrolment and booking (`documents.models.provided_rule`)

    @property
    def state_label(self) -> str:
        return str(State.LABELS[self.state])

    @property
    def awaiting_acceptance(self) -> bool:
        """Sent, but its type unlocks enrolment and booking only once staff accept it."""
        return self.state == State.PENDING and not self.provided

    @property
    def needs_action(self) -> bool:
        return self.required and self.state in State.NEEDS_ACTION

    @property
    def refused_after_accepted(self) -> bool:
        return (
            self.latest is not None
            and self.latest.status == Submission.Status.REFUSED
            and self.accepted is not None
        )


@dataclass
class DocumentOwner:
    """The household or one of its members, with the documents asked of it."""

    member: Member | None
    label: str
    documents: list[RequestedDocument] = field(default_factory=list)

    @property
    def key(self) -> str:
        return f"membre-{self.member.pk}" if self.member else "foyer"

    @property
    def to_provide(self) -> int:
        return sum(1 for document in self.documents if document.needs_action)


def document_state(
    submissions: list[Submission],
) -> tuple[str, Submission | None, Submission | None]:
    """(state, latest submission, valid accepted submission) from newest-first submissions
    read through `Submission.objects.with_rule_flags()`.

    The state is what the family reads; whether the document unlocks enrolment and booking is
    the `counts_as_provided` flag (a document waiting for review may not, depending on its type).
    """
    if not submissions:
        return State.TO_PROVIDE, None, None
    latest = submissions[0]
    accepted = next((s for s in submissions if s.still_valid), None)
    if latest.status == Submission.Status.PENDING:
        return State.PENDING, latest, accepted
    if accepted is not None:
        return State.ACCEPTED, latest, accepted
    if latest.status == Submission.Status.REFUSED:
        return State.REFUSED, latest, None
    return State.EXPIRED, latest, None


def _is_provided(submissions: list[Submission]) -> bool:
    return any(submission.counts_as_provided for submission in submissions)


def family_documents(family: Family, *, today: datetime.date | None = None) -> list[DocumentOwner]:
    """The household and each member with the documents asked of them (4 queries + sources)."""
    today = today or timezone.localdate()
    members = list(household_members(family))
    types = list(
        DocumentType.objects.filter(is_active=True).prefetch_related(
            Prefetch(
                "structure_documents",
                queryset=StructureDocument.objects.published().order_by("title", "pk"),
                to_attr="forms",
            )
        )
    )
    by_pk = {document_type.pk: document_type for document_type in types}
    activity = required_type_ids([member.pk for member in members])
    history: dict[tuple[int | None, int], list[Submission]] = {}
    for submission in (
        Submission.objects.filter(visible_to(family))
        .with_rule_flags(today)
        .order_by("-uploaded_at", "-pk")
    ):
        if submission.document_type_id in by_pk:
            submission.document_type = by_pk[submission.document_type_id]
        history.setdefault((submission.member_id, submission.document_type_id), []).append(
            submission
        )

    def requested(
        member: Member | None, document_type: DocumentType, required: bool
    ) -> RequestedDocument:
        submissions = history.get((member.pk if member else None, document_type.pk), [])
        state, latest, accepted = document_state(submissions)
        soon = bool(
            accepted
            and accepted.valid_until
            and (accepted.valid_until - today).days <= RENEW_SOON_DAYS
        )
        return RequestedDocument(
            document_type,
            member,
            required,
            state,
            latest,
            accepted,
            soon,
            _is_provided(submissions),
        )

    family_required_by_activity = {
        pk for ids in activity.values() for pk in ids if pk in by_pk and by_pk[pk].is_family_level
    }
    household = DocumentOwner(None, str(_("Le foyer")))
    for document_type in types:
        if document_type.is_family_level:
            required = document_type.mandatory or document_type.pk in family_required_by_activity
            household.documents.append(requested(None, document_type, required))
    owners = [household]
    for member in members:
        owner = DocumentOwner(member, str(member))
        member_activity = activity.get(member.pk, set())
        for document_type in types:
            if document_type.is_family_level:
                continue
            applies = scope_covers(document_type.scope, member.role)
            by_activity = document_type.pk in member_activity
            if applies or by_activity:
                required = (document_type.mandatory and applies) or by_activity
                owner.documents.append(requested(member, document_type, required))
        owners.append(owner)
    return owners


def requested_document(
    family: Family,
    document_type: DocumentType,
    member: Member | None,
    *,
    today: datetime.date | None = None,
) -> RequestedDocument:
    """The state of one requested document (one query)."""
    today = today or timezone.localdate()
    submissions = list(
        Submission.objects.filter(
            Q(member=member) if member is not None else Q(family=family, member__isnull=True),
            document_type=document_type,
        )
        .with_rule_flags(today)
        .order_by("-uploaded_at", "-pk")
    )
    for submission in submissions:
        submission.document_type = document_type
    state, latest, accepted = document_state(submissions)
    return RequestedDocument(
        document_type,
        member,
        True,
        state,
        latest,
        accepted,
        provided=_is_provided(submissions),
    )


def unlocked_by(submission: Submission) -> list[Unlocked]:
    """What the family did while `submission`, waiting for review, counted as provided.

    For the review page: the bookings (or other records, from the apps that registered an
    unlocked-records source) made by the members the document was asked of, for what needed
    it, between the upload and the review. Nothing when the submission never counted on its
    own: its type waits for acceptance, it was accepted or replaced, or another accepted
    document already covered that time.
    """
    if submission.status not in (Submission.Status.PENDING, Submission.Status.REFUSED):
        return []
    document_type = submission.document_type
    if not document_type.pending_counts:
        return []
    since = submission.uploaded_at
    covered = (
        Submission.objects.filter(
            family_id=submission.family_id,
            member_id=submission.member_id,  # type: ignore[misc]  # None: IS NULL
            document_type_id=document_type.pk,
            status=Submission.Status.ACCEPTED,
            reviewed_at__lte=since,
        )
        .exclude(pk=submission.pk)
        .exclude(valid_until__lt=timezone.localdate(since))
    )
    if covered.exists():
        return []
    if document_type.is_family_level:
        members = list(Member.objects.filter(family_id=submission.family_id))
    else:
        members = [submission.member] if submission.member else []
    always = frozenset(
        member.pk
        for member in members
        if document_type.mandatory and scope_covers(document_type.scope, member.role)
    )
    window = UnlockWindow(
        document_type_id=document_type.pk,
        member_ids=tuple(member.pk for member in members),
        always_required_of=always,
        since=since,
        until=submission.reviewed_at,
    )
    return unlocked_records(window) if window.member_ids else []


def published_structure_documents() -> QuerySet[StructureDocument]:
    """Published documentation, by category (uncategorised last), newest first (one query)."""
    return (
        StructureDocument.objects.published()
        .select_related("category", "return_type")
        .order_by(
            F("category__order").asc(nulls_last=True),
            F("category__name").asc(nulls_last=True),
            "category_id",
            "-published_on",
            "title",
            "pk",
        )
    )
