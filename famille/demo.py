"""Demo households TEST, MARTIN and BERNARD (Chloé MARTIN's second household: shared custody),
and generated households for scale."""

import datetime
from typing import Any

from django.contrib.auth.hashers import make_password
from django.utils import timezone

from espace_famille.demo import STAFF_EMAIL, demo_user
from espace_famille.models import User
from espace_famille.registry import DemoStep, ScaleStep, demo_steps, scale_steps
from famille.models import ChangeRequest, ChangeRequestItem, Family, Member, SharedCustody

GENERATED_PREFIX = "GEN-"


def _family(name: str, **fields: Any) -> Family:
    family = Family.objects.filter(name=name).first()
    return family or Family.objects.create(name=name, **fields)


def _member(
    family: Family, first_name: str, role: str, birth: datetime.date | None, **fields: object
) -> Member:
    member, _created = Member.objects.get_or_create(
        family=family,
        first_name=first_name,
        defaults={"last_name": family.name, "role": role, "birth_date": birth, **fields},
    )
    return member


def _demo_families() -> None:
    test = _family(
        "TEST",
        address="3 allée des Tilleuls",
        postal_code="69003",
        city="Lyon",
        phone="06 12 34 56 78",
        email="test@example.org",
        payer_name="Julien TEST",
        quotient_familial=742,
        quotient_familial_date=datetime.date(2026, 1, 15),
    )
    _member(test, "Julien", Member.Role.PARENT, datetime.date(1986, 3, 14), phone="06 12 34 56 78")
    _member(test, "Sophie", Member.Role.PARENT, datetime.date(1988, 9, 2), phone="06 23 45 67 89")
    _member(
        test,
        "Léa",
        Member.Role.CHILD,
        datetime.date(2017, 5, 21),
        school="École Jean Jaurès",
        school_class="CE2",
        doctor_name="Dr Bernard",
        doctor_phone="04 78 00 11 22",
        dietary_needs="Sans porc",
        photo_allowed=True,
        transport_allowed=True,
    )
    _member(
        test,
        "Hugo",
        Member.Role.CHILD,
        datetime.date(2020, 1, 8),
        school="École maternelle des Lilas",
        school_class="MS",
        doctor_name="Dr Bernard",
        doctor_phone="04 78 00 11 22",
        allergies="Arachides",
        has_pai=True,
        photo_allowed=True,
    )
    _member(
        test,
        "Monique",
        Member.Role.OTHER,
        None,
        last_name="DURAND",
        phone="06 55 44 33 22",
        relationship="Grand-mère",
        can_pick_up=True,
        is_emergency_contact=True,
    )
    demo_user("test@example.org", first_name="Julien", last_name="TEST", family=test)

    martin = _family(
        "MARTIN",
        address="8 rue Victor Hugo",
        postal_code="69007",
        city="Lyon",
        phone="06 98 76 54 32",
        email="martin@example.org",
    )
    _member(martin, "Claire", Member.Role.PARENT, datetime.date(1990, 11, 30))
    chloe = _member(martin, "Chloé", Member.Role.CHILD, datetime.date(2018, 7, 4))
    demo_user("martin@example.org", first_name="Claire", last_name="MARTIN", family=martin)

    # Shared custody (garde alternée): Chloé also lives with her father, household BERNARD,
    # with its own login, address and quotient familial; each household books and pays its days.
    bernard = _family(
        "BERNARD",
        address="21 quai Perrache",
        postal_code="69002",
        city="Lyon",
        phone="06 44 55 66 77",
        email="bernard@example.org",
        payer_name="Thomas BERNARD",
        quotient_familial=1320,
        quotient_familial_date=datetime.date(2026, 1, 15),
    )
    _member(bernard, "Thomas", Member.Role.PARENT, datetime.date(1987, 4, 12), works=True)
    demo_user("bernard@example.org", first_name="Thomas", last_name="BERNARD", family=bernard)
    SharedCustody.objects.get_or_create(member=chloe, defaults={"family": bernard})


def _generated_families(count: int) -> None:
    start = Family.objects.filter(name__startswith=GENERATED_PREFIX).count()
    families = Family.objects.bulk_create(
        Family(name=f"{GENERATED_PREFIX}{start + i:05d}", city="Lyon") for i in range(count)
    )
    members = []
    for i, family in enumerate(families):
        members.append(
            Member(
                family=family, first_name="Parent", last_name=family.name, role=Member.Role.PARENT
            )
        )
        for child in range(1 + i % 2):
            members.append(
                Member(
                    family=family,
                    first_name=f"Enfant{child + 1}",
                    last_name=family.name,
                    role=Member.Role.CHILD,
                    birth_date=datetime.date(2015 + (i + child) % 8, 3, 1),
                )
            )
    Member.objects.bulk_create(members)
    User.objects.bulk_create(
        User(
            email=f"{family.name.lower()}@example.invalid",
            family=family,
            password=make_password(None),
            last_name=family.name,
        )
        for family in families
    )


def _demo_request(
    family: Family,
    member: Member | None,
    field: str,
    old: str,
    new: str,
    status: str,
    reason: str = "",
) -> None:
    """One change request of the demo, created once (looked up by its record and field)."""
    kind = ChangeRequest.Kind.MEMBER if member else ChangeRequest.Kind.FAMILY
    if ChangeRequest.objects.filter(
        family=family, member=member, kind=kind, items__field_name=field
    ).exists():
        return
    parent = demo_user("test@example.org")
    decided = status != ChangeRequest.Status.PENDING
    change_request = ChangeRequest.objects.create(
        family=family,
        member=member,
        kind=kind,
        status=status,
        created_by=parent,
        reason=reason,
        decided_by=demo_user(STAFF_EMAIL) if decided else None,
        decided_at=timezone.now() if decided else None,
    )
    ChangeRequestItem.objects.create(
        change_request=change_request, field_name=field, old_value=old, new_value=new
    )


def _demo_change_requests() -> None:
    test = Family.objects.get(name="TEST")
    lea = test.members.get(first_name="Léa")
    hugo = test.members.get(first_name="Hugo")
    _demo_request(test, lea, "school_class", lea.school_class, "CM1", ChangeRequest.Status.PENDING)
    # Hugo's allergy was asked for by the parents and accepted: the record holds it.
    _demo_request(test, hugo, "allergies", "", "Arachides", ChangeRequest.Status.ACCEPTED)
    _demo_request(
        test,
        None,
        "payer_name",
        test.payer_name,
        "Sophie TEST",
        ChangeRequest.Status.REFUSED,
        reason="Le payeur doit être l'allocataire CAF : merci de nous appeler pour en parler.",
    )


demo_steps.register(DemoStep("famille", 20, _demo_families))
demo_steps.register(DemoStep("famille_requests", 21, _demo_change_requests))
scale_steps.register(ScaleStep("famille", 20, _generated_families))
