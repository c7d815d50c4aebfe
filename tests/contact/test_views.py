"""Contacter la structure: writing, reading the answers, attachments, access rules."""

import io
from html import unescape

import pytest
from django.core import mail
from django.urls import reverse
from PIL import Image

from contact.audit_kinds import ContactEvent
from contact.models import Message, Thread
from contact.services import staff_answer, thread_create
from espace_famille.models import AuditEvent
from tests.factories import PDF_BYTES, attachment_of, image_bytes, make_family, make_parent, upload
from tests.files import active_pdf, gps_exif, jpeg_bytes, pdf_contents, pdf_pages

pytestmark = pytest.mark.django_db
INDEX = reverse("contact:index")


def text(response):
    return unescape(response.content.decode())


def thread_url(thread):
    return reverse("contact:thread", args=[thread.pk])


def test_the_page_shows_the_structures_contact_details(parent_client, structure):
    structure.opening_hours = "Du lundi au vendredi, 8 h 30 - 17 h 30"
    structure.save()
    page = text(parent_client.get(INDEX))
    assert page.count("<h1") == 1
    for expected in (
        "Contacter la structure",
        "1 rue de la Paix",
        "01 02 03 04 05",
        "contact@example.org",
        "Du lundi au vendredi, 8 h 30 - 17 h 30",
        "Les champs marqués d'une étoile (*) sont obligatoires.",
    ):
        assert expected in page, expected


def test_a_parent_writes_with_an_attachment_and_staff_are_notified(
    parent_client, family, parent, django_capture_on_commit_callbacks
):
    data = {
        "subject": "Absence",
        "body": "Léa sera absente lundi.",
        "attachment": upload("mot.pdf", PDF_BYTES),
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = parent_client.post(INDEX, data, follow=True)
    thread = Thread.objects.get()
    assert response.redirect_chain == [(thread_url(thread), 302)]
    assert "Votre message a été envoyé à la structure." in text(response)
    assert thread.family == family and thread.status == Thread.Status.OPEN
    message = thread.messages.get()
    assert message.attachment_name == "mot.pdf"
    assert message.attachment_type == "application/pdf"
    # Stored under a random name, not the parent's.
    assert message.attachment.name.startswith("contact/")
    assert "mot" not in message.attachment.name and message.attachment.name.endswith(".pdf")
    [email] = mail.outbox
    assert email.to == ["contact@example.org"]
    assert email.reply_to == ["parent@example.org"]
    assert email.subject == "Message de la famille TEST : Absence"
    assert "Léa sera absente lundi." in email.body
    assert reverse("admin:contact_thread_change", args=[thread.pk]) in email.body
    assert "Léa sera absente lundi." in email.alternatives[0][0]
    assert AuditEvent.objects.filter(kind=ContactEvent.MESSAGE_SENT, family=family).exists()


def test_the_type_is_read_from_the_content_not_the_name(parent_client):
    png_named_pdf = upload("photo.pdf", image_bytes("PNG"), "application/pdf")
    parent_client.post(INDEX, {"subject": "S", "body": "B", "attachment": png_named_pdf})
    message = Message.objects.get()
    assert message.attachment_type == "image/png"
    assert message.attachment.name.endswith(".png")


@pytest.mark.parametrize(
    "name,content,error",
    [
        ("lettre.pdf", b"MZ\x90\x00 this is a program", "n'est ni un PDF, ni une photo"),
        ("texte.pdf", b"just some text", "n'est ni un PDF, ni une photo"),
        ("photo.png", b"\x89PNG\r\n\x1a\n" + b"garbage" * 10, "« photo.png » est illisible"),
        ("photo.jpg", b"\xff\xd8\xff" + b"garbage" * 10, "« photo.jpg » est illisible"),
        ("faux.pdf", b"%PDF-1.4\n1 0 obj << >> endobj\n%%EOF", "n'est pas un PDF valide"),
    ],
)
def test_other_files_are_refused_and_the_message_is_kept(parent_client, name, content, error):
    response = parent_client.post(
        INDEX, {"subject": "Mon objet", "body": "Mon texte", "attachment": upload(name, content)}
    )
    page = text(response)
    assert response.status_code == 200
    assert error in page
    assert 'value="Mon objet"' in page and "Mon texte</textarea>" in page
    assert not Thread.objects.exists()


def test_files_over_the_size_limit_are_refused(parent_client, settings):
    settings.CONTACT_ATTACHMENT_MAX_BYTES = 50
    response = parent_client.post(
        INDEX,
        {"subject": "S", "body": "B", "attachment": upload("gros.pdf", PDF_BYTES + b"x" * 60)},
    )
    assert "« gros.pdf » dépasse la taille maximale autorisée" in text(response)
    assert not Thread.objects.exists()


def test_missing_fields_are_reported_in_french(parent_client):
    response = parent_client.post(INDEX, {"subject": "", "body": ""})
    assert text(response).count("Ce champ est obligatoire.") == 2


def test_the_family_reads_the_answer_and_the_badge_goes(
    parent_client, answered_thread, django_assert_max_num_queries
):
    dashboard = parent_client.get("/").content.decode()
    assert '<span class="tile__badge">1 réponse non lue</span>' in dashboard
    index = text(parent_client.get(INDEX))
    assert "1 réponse non lue" in index and "Répondu" in index
    page = text(parent_client.get(thread_url(answered_thread)))
    assert "Oui, et une gourde." in page
    assert "La structure" in page
    assert not Message.objects.filter(from_staff=True, read_at__isnull=True).exists()
    assert "réponses non lues" not in parent_client.get("/").content.decode()


def test_the_family_replies_and_the_thread_opens_again(
    parent_client, answered_thread, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        parent_client.post(thread_url(answered_thread), {"body": "Merci !"})
    answered_thread.refresh_from_db()
    assert answered_thread.status == Thread.Status.OPEN
    assert answered_thread.messages.count() == 3
    assert mail.outbox[-1].to == ["contact@example.org"]


def test_attachments_are_served_to_their_family_and_staff_only(
    client, parent, other_parent, staff, thread, other_thread
):
    ours = attachment_of(thread)
    theirs = attachment_of(other_thread)
    url = reverse("contact:attachment", args=[ours.pk])
    anonymous = client.get(url)
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")
    client.force_login(parent)
    response = client.get(url)
    assert response.status_code == 200
    with ours.attachment.open("rb") as handle:
        assert b"".join(response.streaming_content) == handle.read()
    assert response["Content-Type"] == "application/pdf"
    assert 'attachment; filename="certificat.pdf"' in response["Content-Disposition"]
    assert client.get(reverse("contact:attachment", args=[theirs.pk])).status_code == 404
    assert client.post(url).status_code == 405
    client.force_login(staff)
    assert client.get(reverse("contact:attachment", args=[theirs.pk])).status_code == 200


def test_another_familys_thread_answers_404(parent_client, other_thread):
    assert parent_client.get(thread_url(other_thread)).status_code == 404
    assert parent_client.post(thread_url(other_thread), {"body": "Intrus"}).status_code == 404
    assert other_thread.messages.count() == 1


def test_anonymous_visitors_go_to_the_login_page(client, thread):
    for url in (INDEX, thread_url(thread)):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")


def test_wrong_methods_answer_405(parent_client, thread):
    for url in (INDEX, thread_url(thread)):
        assert parent_client.delete(url).status_code == 405
        assert parent_client.put(url).status_code == 405


def _queries(client, url, django_assert_max_num_queries) -> int:
    with django_assert_max_num_queries(12) as captured:
        assert client.get(url).status_code == 200
    return len(captured.captured_queries)


def test_page_queries_are_bounded_and_flat(
    parent_client, family, parent, staff, answered_thread, django_assert_max_num_queries
):
    urls = [INDEX, thread_url(answered_thread), "/"]
    before = [_queries(parent_client, url, django_assert_max_num_queries) for url in urls]
    for i in range(20):
        other = make_family(f"F{i}", f"f{i}@example.org")
        other_parent = make_parent(other, f"p{i}@example.org")
        theirs = thread_create(family=other, user=other_parent, subject="S", body="B")
        staff_answer(thread=theirs, user=staff, body="R")
    for i in range(10):
        ours = thread_create(family=family, user=parent, subject=f"S{i}", body="B")
        staff_answer(thread=ours, user=staff, body="R")
        staff_answer(thread=answered_thread, user=staff, body=f"R{i}")
    after = [_queries(parent_client, url, django_assert_max_num_queries) for url in urls]
    # Both times the thread page has unread answers to mark read (one UPDATE).
    assert before == after


def test_staff_without_permission_cannot_open_attachments(client, thread):
    from espace_famille.models import User

    clerk = User.objects.create_user("clerk@example.org", "x", is_staff=True)
    client.force_login(clerk)
    assert (
        client.get(reverse("contact:attachment", args=[attachment_of(thread).pk])).status_code
        == 404
    )


def test_an_attachment_missing_from_storage_answers_404(client, parent, staff, thread):
    message = attachment_of(thread)
    message.attachment.storage.delete(message.attachment.name)
    url = reverse("contact:attachment", args=[message.pk])
    client.force_login(parent)
    assert client.get(url).status_code == 404
    client.force_login(staff)
    assert client.get(url).status_code == 404


def test_line_breaks_and_control_characters_in_the_subject_are_collapsed(
    parent_client, django_capture_on_commit_callbacks
):
    data = {"subject": "Absence\r\nBcc: x@evil.example\t\x07 lundi", "body": "Léa sera absente."}
    with django_capture_on_commit_callbacks(execute=True):
        response = parent_client.post(INDEX, data)
    assert response.status_code == 302
    thread = Thread.objects.get()
    assert thread.subject == "Absence Bcc: x@evil.example lundi"
    [email] = mail.outbox
    assert email.subject == "Message de la famille TEST : Absence Bcc: x@evil.example lundi"
    assert email.bcc == []


def test_a_subject_of_only_control_characters_is_refused(parent_client):
    response = parent_client.post(INDEX, {"subject": "\r\n\x07\x1b", "body": "Bonjour"})
    assert response.status_code == 200
    assert not Thread.objects.exists()


def test_apostrophes_reach_both_emails_as_typed(
    structure, staff, django_capture_on_commit_callbacks
):
    family = make_family("D'ARTAGNAN", "dartagnan@example.org")
    parent = make_parent(family, "athos@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        thread = thread_create(
            family=family, user=parent, subject="L'inscription", body="C'est urgent."
        )
    with django_capture_on_commit_callbacks(execute=True):
        staff_answer(thread=thread, user=staff, body="C'est noté.")
    to_staff, answer = mail.outbox
    assert to_staff.subject == "Message de la famille D'ARTAGNAN : L'inscription"
    assert "La famille D'ARTAGNAN (athos@example.org) a écrit :" in to_staff.body
    assert "C'est urgent." in to_staff.body
    assert answer.subject == "Réponse de la structure : L'inscription"
    assert "Bonjour famille D'ARTAGNAN," in answer.body
    assert "« L'inscription »" in answer.body
    assert "C'est noté." in answer.body
    for email in (to_staff, answer):
        assert "&#x27;" not in email.subject + email.body


# One upload checker for the portal: what a parent attaches is stored as the checker made it.


def test_a_pdf_html_polyglot_is_stored_and_served_as_a_pdf(parent_client):
    # It used to keep the client's name: the attachment downloaded as "rapport.html" (HTML
    # glued after a real PDF opens in a browser as a page of the portal's origin).
    polyglot = PDF_BYTES + b"\n<html><script>alert(document.cookie)</script></html>\n"
    parent_client.post(
        INDEX,
        {"subject": "S", "body": "B", "attachment": upload("rapport.html", polyglot, "text/html")},
    )
    message = Message.objects.get()
    assert message.attachment_type == "application/pdf"
    assert message.attachment_name == "rapport.pdf"
    response = parent_client.get(reverse("contact:attachment", args=[message.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert 'filename="rapport.pdf"' in response["Content-Disposition"]
    served = b"".join(response.streaming_content)
    assert b"<script" not in served and pdf_pages(served) == 1


def test_an_old_attachment_with_the_clients_name_downloads_with_its_types_extension(
    parent_client, thread
):
    message = attachment_of(thread)
    Message.objects.filter(pk=message.pk).update(attachment_name="rapport.html")
    response = parent_client.get(reverse("contact:attachment", args=[message.pk]))
    assert 'filename="rapport.pdf"' in response["Content-Disposition"]


def test_photos_are_stored_without_their_exif_and_location(parent_client):
    photo = jpeg_bytes((30, 20), exif=gps_exif())
    assert b"PhoneMaker" in photo
    parent_client.post(
        INDEX,
        {"subject": "S", "body": "B", "attachment": upload("IMG_1.JPG", photo, "image/jpeg")},
    )
    message = Message.objects.get()
    with message.attachment.open("rb") as handle:
        stored = handle.read()
    assert message.attachment_type == "image/jpeg" and message.attachment_name == "IMG_1.jpg"
    assert b"PhoneMaker" not in stored and b"Exif" not in stored
    assert dict(Image.open(io.BytesIO(stored)).getexif()) == {}


def test_pdfs_are_stored_without_active_content(parent_client):
    parent_client.post(
        INDEX,
        {"subject": "S", "body": "B", "attachment": upload("formulaire.pdf", active_pdf())},
    )
    with Message.objects.get().attachment.open("rb") as handle:
        stored = handle.read()
    active = {"/JavaScript", "/JS", "/OpenAction", "/Launch", "/EmbeddedFiles", "/AA"}
    assert pdf_contents(stored).names.isdisjoint(active)


# Rate limit: each message emails the staff.


def test_messages_are_limited_per_family_and_hour(
    parent_client, family, settings, django_capture_on_commit_callbacks
):
    settings.CONTACT_MESSAGES_PER_HOUR = 2
    for index in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            response = parent_client.post(INDEX, {"subject": f"S{index}", "body": "B"})
        assert response.status_code == 302
    thread = Thread.objects.first()
    sent = len(mail.outbox)

    with django_capture_on_commit_callbacks(execute=True):
        refused = parent_client.post(
            INDEX,
            {"subject": "Encore", "body": "Mon texte", "attachment": upload("a.pdf", PDF_BYTES)},
        )
        reply = parent_client.post(thread_url(thread), {"body": "Et une réponse"})

    for response in (refused, reply):
        assert response.status_code == 429
        assert "beaucoup de messages en peu de temps" in text(response)
        assert "n'a pas été envoyé" in text(response)
    assert "Mon texte</textarea>" in text(refused)  # the typed text is kept
    assert Thread.objects.count() == 2 and Message.objects.count() == 2
    assert len(mail.outbox) == sent
    assert not any(m.attachment for m in Message.objects.all())


def test_the_message_limit_is_per_family(client, parent, other_parent, settings):
    settings.CONTACT_MESSAGES_PER_HOUR = 1
    client.force_login(parent)
    assert client.post(INDEX, {"subject": "S", "body": "B"}).status_code == 302
    assert client.post(INDEX, {"subject": "S", "body": "B"}).status_code == 429
    client.force_login(other_parent)
    assert client.post(INDEX, {"subject": "S", "body": "B"}).status_code == 302
