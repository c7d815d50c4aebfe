"""Demo data of documents: TEST has a document in every state; idempotent; fast for scale."""

from __future__ import annotations

import datetime
from collections import Counter

import pytest
import time_machine
from django.core.management import call_command

from documents.models import StructureDocument, Submission
from documents.selectors import (
    State,
    documents_to_provide_count,
    family_documents,
    missing_documents,
)
from famille.models import Family

pytestmark = pytest.mark.django_db


def _demo():
    from espace_famille.registry import demo_steps

    for step in demo_steps:
        step.run()


def test_test_family_has_every_state_and_the_documentation():
    _demo()
    test = Family.objects.get(name="TEST")
    documents = [document for owner in family_documents(test) for document in owner.documents]
    states = Counter(document.state for document in documents)
    # Every state once, except that both household documents are accepted: Léa's bookings need
    # them provided, and a provided document is either accepted or pending.
    assert states == {State.ACCEPTED: 2, State.PENDING: 1, State.REFUSED: 1, State.TO_PROVIDE: 1}
    [refused] = [document for document in documents if document.state == State.REFUSED]
    assert refused.document_type.name == "Autorisation de droit à l'image"
    assert not refused.required and "pas signé" in refused.latest.refusal_reason
    [missing] = [document for document in documents if document.state == State.TO_PROVIDE]
    assert missing.required and missing.member.first_name == "Hugo"
    assert documents_to_provide_count(test) == 1
    published = StructureDocument.objects.published()
    assert published.count() == 3
    assert published.filter(return_type__isnull=False).count() == 1
    for document in published:
        with document.file.open("rb") as handle:
            head = handle.read(8)
        assert head.startswith((b"%PDF-", b"\x89PNG"))
    for submission in Submission.objects.all():
        with submission.file.open("rb") as handle:
            assert handle.read(8).startswith((b"%PDF-", b"\x89PNG"))


@pytest.mark.parametrize("today", ["2026-11-26", "2026-09-03", "2027-08-20", "2027-01-01"])
def test_lea_can_book_and_hugo_is_missing_his_vaccination_record(today):
    # Whatever the day the demo is loaded, the household's insurance is this school year's.
    with time_machine.travel(datetime.datetime.fromisoformat(today + "T12:00+02:00"), tick=False):
        _demo()
        test = Family.objects.get(name="TEST")
        lea = test.members.get(first_name="Léa")
        hugo = test.members.get(first_name="Hugo")
        assert missing_documents(member=lea) == []
        assert [t.name for t in missing_documents(member=hugo)] == ["Carnet de vaccination"]
        household = family_documents(test)[0]
        assert [document.state for document in household.documents if document.required] == [
            State.ACCEPTED,
            State.ACCEPTED,
        ]


def test_demo_twice_changes_nothing():
    _demo()
    before = (Submission.objects.count(), StructureDocument.objects.count())
    _demo()
    assert (Submission.objects.count(), StructureDocument.objects.count()) == before


def test_generated_families_get_their_documents_once():
    from espace_famille.registry import scale_steps

    _demo()
    for step in scale_steps:
        if step.name in ("famille", "documents"):
            step.run(20)
    generated = Family.objects.filter(name__startswith="GEN-")
    assert generated.count() == 20
    assert Submission.objects.filter(family__in=generated).values("family").distinct().count() == 20
    count = Submission.objects.count()
    next(step for step in scale_steps if step.name == "documents").run(20)
    assert Submission.objects.count() == count


def test_manage_demo_command_runs(capsys):
    call_command("demo", force=True)
    assert Submission.objects.filter(family__name="TEST").count() == 4
