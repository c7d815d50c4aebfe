"""Demo households TEST and MARTIN, and generated households for scale."""

import datetime

from django.contrib.auth.hashers import make_password

from espace_famille.demo import demo_user
from espace_famille.models import User
from espace_famille.registry import register_demo_step, register_scale_step
from famille.models import Family, Member

GENERATED_PREFIX = "GEN-"


def _family(name: str, **fields: str) -> Family:
    family = Family.objects.filter(name=name).first()
    return family or Family.objects.create(name=name, **fields)


def _member(family: Family, first_name: str, role: str, birth: datetime.date | None) -> Member:
    member, _created = Member.objects.get_or_create(
        family=family,
        first_name=first_name,
        defaults={"last_name": family.name, "role": role, "birth_date": birth},
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
    )
    _member(test, "Julien", Member.Role.PARENT, datetime.date(1986, 3, 14))
    _member(test, "Sophie", Member.Role.PARENT, datetime.date(1988, 9, 2))
    _member(test, "Léa", Member.Role.CHILD, datetime.date(2017, 5, 21))
    _member(test, "Hugo", Member.Role.CHILD, datetime.date(2020, 1, 8))
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
    _member(martin, "Chloé", Member.Role.CHILD, datetime.date(2018, 7, 4))
    demo_user("martin@example.org", first_name="Claire", last_name="MARTIN", family=martin)


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


register_demo_step("famille", 20, _demo_families)
register_scale_step("famille", 20, _generated_families)
