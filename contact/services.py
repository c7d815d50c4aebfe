"""Writes of contact: conversations, messages and their notifications, audited."""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from contact.audit_kinds import ContactEvent
from contact.models import Message, Thread
from espace_famille import audit
from espace_famille.emails import send_templated, send_to_family
from espace_famille.files import atomic_with_files, file_save
from espace_famille.models import Structure
from espace_famille.uploads import clean_upload

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile
    from django.http import HttpRequest

    from espace_famille.models import User
    from famille.models import Family


def _message_add(
    *,
    thread: Thread,
    user: User,
    body: str,
    from_staff: bool,
    attachment: UploadedFile | None,
) -> Message:
    message = Message(thread=thread, author=user, from_staff=from_staff, body=body.strip())
    if attachment:
        # Checked again (services trust no caller); what is stored is the checker's output,
        # under a random name whose extension is the detected type's.
        clean = clean_upload(
            [attachment], max_bytes=settings.CONTACT_ATTACHMENT_MAX_BYTES, join_photos=False
        )
        file_save(
            message.attachment, f"{uuid.uuid4().hex}.{clean.extension}", ContentFile(clean.content)
        )
        message.attachment_name = clean.download_name
        message.attachment_type = clean.content_type
    message.full_clean()
    message.save()
    thread.last_message_at = message.created_at
    return message


@atomic_with_files()  # an attachment is deleted again if the message is not saved
def thread_create(
    *,
    family: Family,
    user: User,
    subject: str,
    body: str,
    attachment: UploadedFile | None = None,
    request: HttpRequest | None = None,
) -> Thread:
    """A family writes to the structure; staff are told by email."""
    thread = Thread(
        family=family, subject=subject.strip(), created_by=user, last_message_at=timezone.now()
    )
    thread.full_clean()
    thread.save()
    message = _message_add(
        thread=thread, user=user, body=body, from_staff=False, attachment=attachment
    )
    thread.save(update_fields=["last_message_at"])
    _family_message_sent(thread, message, user=user, request=request)
    return thread


@atomic_with_files()  # an attachment is deleted again if the message is not saved
def family_reply(
    *,
    thread: Thread,
    user: User,
    body: str,
    attachment: UploadedFile | None = None,
    request: HttpRequest | None = None,
) -> Message:
    """The family adds a message to one of its conversations (a closed one opens again)."""
    thread = Thread.objects.select_for_update().get(pk=thread.pk)
    if user.family_id != thread.family_id:
        raise ValidationError(_("Cette conversation n'est pas la vôtre."))
    message = _message_add(
        thread=thread, user=user, body=body, from_staff=False, attachment=attachment
    )
    thread.status = Thread.Status.OPEN
    thread.save(update_fields=["status", "last_message_at"])
    _family_message_sent(thread, message, user=user, request=request)
    return message


def _family_message_sent(
    thread: Thread, message: Message, *, user: User, request: HttpRequest | None
) -> None:
    """Audit a family's message and tell the structure (after commit)."""
    audit.record(
        thread.family,
        user,
        ContactEvent.MESSAGE_SENT,
        _("Message à la structure : %(subject)s") % {"subject": thread.subject},
        obj=thread,
        request=request,
    )
    _notify_staff(thread, message)


@atomic_with_files()  # an attachment is deleted again if the message is not saved
def staff_answer(
    *,
    thread: Thread,
    user: User,
    body: str,
    attachment: UploadedFile | None = None,
    request: HttpRequest | None = None,
) -> Message:
    """Staff answer in the admin; the family is told by email."""
    if not body.strip():
        raise ValidationError({"body": _("La réponse est vide.")})
    thread = (
        Thread.objects.select_for_update().select_related("family", "created_by").get(pk=thread.pk)
    )
    message = _message_add(
        thread=thread, user=user, body=body, from_staff=True, attachment=attachment
    )
    # The family's messages count as read once staff answer.
    thread.messages.filter(from_staff=False, read_at__isnull=True).update(read_at=timezone.now())
    thread.status = Thread.Status.ANSWERED
    thread.save(update_fields=["status", "last_message_at"])
    audit.record(
        thread.family,
        user,
        ContactEvent.MESSAGE_SENT,
        _("Réponse de la structure : %(subject)s") % {"subject": thread.subject},
        obj=thread,
        request=request,
    )
    context = {
        "thread": thread,
        "message": message,
        "path": reverse("contact:thread", args=[thread.pk]),
    }
    family = thread.family
    transaction.on_commit(lambda: send_to_family("contact_answer", family=family, context=context))
    return message


def _notify_staff(thread: Thread, message: Message) -> None:
    structure = Structure.current()
    if not structure.email:
        return
    context = {
        "thread": thread,
        "message": message,
        "family": thread.family,
        "path": reverse("admin:contact_thread_change", args=[thread.pk]),
    }
    reply_to = [message.author.email] if message.author.email else None
    transaction.on_commit(
        lambda: send_templated(
            "contact_to_staff", to=[structure.email], context=context, reply_to=reply_to
        )
    )


@transaction.atomic
def answers_mark_read(*, thread: Thread) -> int:
    """The family opened the conversation: staff answers no longer count as unread."""
    return thread.messages.filter(from_staff=True, read_at__isnull=True).update(
        read_at=timezone.now()
    )


@transaction.atomic
def thread_close(*, thread: Thread, user: User, request: HttpRequest | None = None) -> None:
    if thread.status == Thread.Status.CLOSED:
        return
    thread.status = Thread.Status.CLOSED
    thread.save(update_fields=["status"])
    audit.record(
        thread.family,
        user,
        ContactEvent.THREAD_CLOSED,
        _("Conversation close : %(subject)s") % {"subject": thread.subject},
        obj=thread,
        request=request,
    )


def old_threads_purge(*, now: datetime.datetime, apply: bool) -> int:
    """Conversations whose last message is older than RETENTION_MESSAGES_YEARS: erased, with
    their messages and attachments (files removed once the deletion is committed)."""
    limit = now - datetime.timedelta(days=365 * settings.RETENTION_MESSAGES_YEARS)
    old = Thread.objects.filter(last_message_at__lt=limit)
    if not apply:
        return old.count()
    with transaction.atomic():
        files = list(
            Message.objects.filter(thread__in=old)
            .exclude(attachment="")
            .values_list("attachment", flat=True)
        )
        count = old.count()
        old.delete()
        transaction.on_commit(lambda: _delete_files(files))
    return count


def _delete_files(names: Iterable[str]) -> None:
    for name in names:
        default_storage.delete(name)
