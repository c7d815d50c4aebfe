"""Contacter la structure: conversations of the family with the structure's staff."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from contact.forms import ReplyForm, ThreadForm
from contact.models import Message, Thread
from contact.selectors import family_threads
from contact.services import answers_mark_read, family_reply, thread_create
from espace_famille import ratelimit
from espace_famille.access import FamilyRequest, family_required, get_for_family
from espace_famille.files import StorageUnavailable, serve_private_file
from espace_famille.models import Structure
from espace_famille.uploads import download_name


def _rate_limited(request: FamilyRequest) -> bool:
    """True when the family sent too many messages this hour (each one emails the staff).

    Checked before the form: the attachment is then neither read nor stored, and the page shows
    the typed text again with the message.
    """
    if request.method != "POST":
        return False
    family = request.family
    if ratelimit.hit("contact-message", family.pk, limit=settings.CONTACT_MESSAGES_PER_HOUR):
        return False
    messages.error(
        request,
        _(
            "Vous avez envoyé beaucoup de messages en peu de temps : celui-ci n'a pas été "
            "envoyé. Réessayez dans une heure, ou appelez la structure si c'est urgent."
        ),
    )
    return True


def _send_form(
    request: FamilyRequest,
    form_class: type[ThreadForm | ReplyForm],
    send: Callable[[dict[str, Any]], Thread],
) -> tuple[ThreadForm | ReplyForm, HttpResponse | None, bool]:
    """The form of a new conversation or of a reply: (form, redirect once sent, rate-limited).

    When limited, the typed text is shown again and the attachment is dropped unread; a file
    store that refuses the attachment keeps the typed message in the form.
    """
    limited = _rate_limited(request)
    posted = request.method == "POST"  # an empty POST is a refused form, not a blank page
    form = form_class(
        request.POST if posted else None, request.FILES if posted and not limited else None
    )
    if posted and not limited and form.is_valid():
        try:
            thread = send(form.cleaned_data)
        except StorageUnavailable as error:
            form.add_error("attachment", error)
        else:
            messages.success(request, _("Votre message a été envoyé à la structure."))
            return form, redirect("contact:thread", pk=thread.pk), limited
    return form, None, limited


@require_http_methods(["GET", "POST"])
@family_required
def index(request: FamilyRequest) -> HttpResponse:
    family = request.family
    form, sent, limited = _send_form(
        request,
        ThreadForm,
        lambda data: thread_create(
            family=family,
            user=request.user,
            subject=data["subject"],
            body=data["body"],
            attachment=data["attachment"],
            request=request,
        ),
    )
    if sent is not None:
        return sent
    context = {
        "contact": Structure.current(),
        "threads": list(family_threads(family)[:50]),
        "form": form,
    }
    return render(request, "contact/index.html", context, status=429 if limited else 200)


@require_http_methods(["GET", "POST"])
@family_required
def thread(request: FamilyRequest, pk: int) -> HttpResponse:
    family = request.family
    conversation = get_for_family(Thread, family, pk=pk)

    def reply(data: dict[str, Any]) -> Thread:
        family_reply(
            thread=conversation,
            user=request.user,
            body=data["body"],
            attachment=data["attachment"],
            request=request,
        )
        return conversation

    form, sent, limited = _send_form(request, ReplyForm, reply)
    if sent is not None:
        return sent
    thread_messages = list(conversation.messages.select_related("author"))
    if any(m.from_staff and m.read_at is None for m in thread_messages):
        answers_mark_read(thread=conversation)
    context = {"thread": conversation, "thread_messages": thread_messages, "form": form}
    return render(request, "contact/thread.html", context, status=429 if limited else 200)


@require_GET
def attachment(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The file of a message: for the family of its conversation and for staff only.

    Not `family_required`: staff (who have no family) open attachments from the admin.
    """
    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if user.is_staff and user.has_perm("contact.view_message"):
        message = get_object_or_404(Message, pk=pk)
    elif user.family_id is not None:
        message = get_for_family(Message, user.family_id, path="thread__family_id", pk=pk)
    else:
        raise Http404
    if not message.attachment:
        raise Http404
    return serve_private_file(
        message.attachment,
        content_type=message.attachment_type or "application/octet-stream",
        # Older rows kept the client's name ("rapport.html"): the extension follows the type.
        filename=download_name(message.attachment_name, message.attachment_type, _("piece-jointe")),
    )
