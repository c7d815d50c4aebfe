"""Demo data of documents: TEST has a document in every state; idempotent; fast for scale."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from documents.models import StructureDocument, Submission
from documents.selectors import State, documents_to_provide_count, family_documents
from famille.models import Family

pytestmark = pytest.mark.django_db


def _demo():
    from espace_famille.registry import demo_steps

    for step in demo_steps():
        step.run()


def test_test_family_has_every_state_and_the_documentation():
    _demo()
    test = Family.objects.get(name="TEST")
    states = [
        (document.document_type.name, document.state, document.required)
        for owner in family_documents(test)
        for document in owner.documents
    ]
    required_states = sorted(state for _name, state, required in states if required)
    assert required_states == sorted(
        [State.ACCEPTED, State.PENDING, State.REFUSED, State.TO_PROVIDE]
    )
    # The refused one and Hugo's missing vaccination record.
    assert documents_to_provide_count(test) == 2
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


def test_demo_twice_changes_nothing():
    _demo()
    before = (Submission.objects.count(), StructureDocument.objects.count())
    _demo()
    assert (Submission.objects.count(), StructureDocument.objects.count()) == before


def test_generated_families_get_their_documents_once():
    from espace_famille.registry import scale_steps

    _demo()
    for step in scale_steps():
        if step.name in ("famille", "documents"):
            step.run(20)
    generated = Family.objects.filter(name__startswith="GEN-")
    assert generated.count() == 20
    assert Submission.objects.filter(family__in=generated).values("family").distinct().count() == 20
    count = Submission.objects.count()
    next(step for step in scale_steps() if step.name == "documents").run(20)
    assert Submission.objects.count() == count


def test_manage_demo_command_runs(capsys):
    call_command("demo")
    assert Submission.objects.filter(family__name="TEST").count() == 3
