"""Demo conversation of family TEST, and a conversation per generated household for scale."""

import datetime

from django.utils import timezone

from contact.models import Message, Thread
from espace_famille.demo import STAFF_EMAIL, demo_user
from espace_famille.models import User
from espace_famille.registry import DemoStep, ScaleStep, demo_steps, scale_steps
from famille.models import Family

DEMO_SUBJECT = "Sortie au parc de la Tête d'Or"


def _demo_thread() -> None:
    test = Family.objects.get(name="TEST")
    if Thread.objects.filter(family=test, subject=DEMO_SUBJECT).exists():
        return
    parent = demo_user("test@example.org")
    staff = demo_user(STAFF_EMAIL)
    now = timezone.now()
    thread = Thread.objects.create(
        family=test,
        subject=DEMO_SUBJECT,
        status=Thread.Status.ANSWERED,
        created_by=parent,
        last_message_at=now,
    )
    Message.objects.create(
        thread=thread,
        author=parent,
        body="Bonjour, faut-il prévoir un pique-nique pour la sortie de mercredi ? Merci.",
        read_at=now,
    )
    Message.objects.create(
        thread=thread,
        author=staff,
        from_staff=True,
        body="Bonjour, oui : un pique-nique et une gourde, le goûter est fourni. Bonne journée !",
    )


def _generated_threads(count: int) -> None:
    """One answered conversation for each generated household that has none (bulk)."""
    staff = User.objects.filter(is_staff=True).order_by("pk").first()
    families = list(
        Family.objects.filter(name__startswith="GEN-", threads__isnull=True).prefetch_related(
            "logins"
        )
    )
    if staff is None or not families:
        return
    now = timezone.now()
    threads = Thread.objects.bulk_create(
        Thread(
            family=family,
            subject="Question",
            status=Thread.Status.ANSWERED,
            created_by=family.logins.all()[0],
            last_message_at=now - datetime.timedelta(days=i % 300),
        )
        for i, family in enumerate(families)
        if family.logins.all()
    )
    messages = []
    for thread in threads:
        messages.append(Message(thread=thread, author=thread.created_by, body="Bonjour…"))
        messages.append(
            Message(thread=thread, author=staff, from_staff=True, body="Bonjour, …", read_at=now)
        )
    Message.objects.bulk_create(messages)


demo_steps.register(DemoStep("contact", 70, _demo_thread))
scale_steps.register(ScaleStep("contact", 70, _generated_threads))
