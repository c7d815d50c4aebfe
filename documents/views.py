"""Mes documents (requested documents, uploads) and Documentation de la structure."""

from __future__ import annotations

from itertools import groupby

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from documents import selectors
from documents.forms import UploadForm
from documents.models import DocumentType, StructureDocument, Submission
from documents.services import submission_create
from espace_famille import ratelimit
from espace_famille.access import FamilyRequest, family_required
from espace_famille.files import serve_private_file
from espace_famille.uploads import download_name
from famille.models import Member
from famille.selectors import household_members, member_for_household


@require_GET
@family_required
def index(request: FamilyRequest) -> HttpResponse:
    family = request.family
    owners = selectors.family_documents(family)
    return render(
        request,
        "documents/index.html",
        {"owners": owners, "to_provide": sum(owner.to_provide for owner in owners)},
    )


def _member_for(request: FamilyRequest, document_type: DocumentType) -> Member | None:
    """The person the document is for (?member=pk), checked against the type's scope."""
    family = request.family
    raw = request.GET.get("member", "")
    if document_type.is_family_level:
        if raw:
            raise Http404
        return None
    if not (raw.isascii() and raw.isdigit()):
        return None  # str.isdigit() also accepts "²" (int() fails) or other scripts' digits
    member = member_for_household(family, int(raw))
    if not selectors.is_asked_of(document_type, member):
        raise Http404
    return member


@require_http_methods(["GET", "POST"])
@family_required
def upload(request: FamilyRequest, type_pk: int) -> HttpResponse:
    family = request.family
    document_type = get_object_or_404(DocumentType, pk=type_pk, is_active=True)
    member = _member_for(request, document_type)
    if member is None and not document_type.is_family_level:
        return _choose_member(request, document_type)
    limited = request.method == "POST" and not ratelimit.hit(
        "documents-upload", family.pk, limit=settings.DOCUMENTS_UPLOADS_PER_HOUR
    )
    if limited:
        # Refused before the files are read: nothing is checked, decoded or stored.
        messages.error(
            request,
            _(
                "Vous avez envoyé beaucoup de documents en peu de temps : celui-ci n'a pas été "
                "enregistré. Réessayez dans une heure."
            ),
        )
    bound = request.method == "POST" and not limited
    form = UploadForm(request.POST, request.FILES) if bound else UploadForm()
    if bound and form.is_valid():
        try:
            submission = submission_create(
                family=family,
                member=member,
                document_type=document_type,
                files=form.cleaned_data["files"],
                user=request.user,
                request=request,
            )
        except ValidationError as error:
            form.add_error("files", error)
        else:
            return _uploaded(request, submission)
    current = selectors.requested_document(family, document_type, member)
    status = 429 if limited else 400 if request.method == "POST" else 200
    return render(
        request,
        "documents/upload.html",
        {"document_type": document_type, "member": member, "form": form, "current": current},
        status=status,
    )


def _uploaded(request: HttpRequest, submission: Submission) -> HttpResponse:
    message = _("Merci, « %(document)s » a bien été transmis. La structure va le vérifier.") % {
        "document": submission.document_type
    }
    messages.success(request, message)
    anchor = f"membre-{submission.member_id}" if submission.member_id else "foyer"
    return redirect(f"{reverse('documents:index')}#{anchor}")


def _choose_member(request: FamilyRequest, document_type: DocumentType) -> HttpResponse:
    family = request.family
    choices = selectors.members_asked_for(document_type, household_members(family))
    return render(
        request,
        "documents/choose_member.html",
        {"document_type": document_type, "members": choices},
    )


@require_GET
@family_required
def submission_file(request: FamilyRequest, pk: int) -> FileResponse:
    family = request.family
    # The household's own documents, and those of its members (a shared child's documents are
    # its two households', whichever sent them); never the other household's own documents.
    submission = get_object_or_404(
        Submission.objects.select_related("document_type").filter(selectors.visible_to(family)),
        pk=pk,
    )
    return serve_document(submission, download="telecharger" in request.GET)


def serve_document(document: Submission | StructureDocument, *, download: bool) -> FileResponse:
    """A family's document or the structure's, to the family (views above) and to staff (the
    admin's file views), named after what it is."""
    label = str(document.document_type) if isinstance(document, Submission) else document.title
    filename = download_name(document.original_name, document.content_type, label)
    return serve_private_file(
        document.file, content_type=document.content_type, filename=filename, download=download
    )


@require_GET
@family_required
def documentation(request: FamilyRequest) -> HttpResponse:
    documents = list(selectors.published_structure_documents())
    groups = [
        (category, list(items))
        for category, items in groupby(documents, key=lambda document: document.category)
    ]
    return render(request, "documents/documentation.html", {"groups": groups})


@require_GET
@family_required
def documentation_file(request: FamilyRequest, pk: int) -> FileResponse:
    document = get_object_or_404(StructureDocument.objects.published(), pk=pk)
    return serve_document(document, download="telecharger" in request.GET)
