"""Demo documents: requested types, TEST's submissions in every state, the documentation."""

from __future__ import annotations

import datetime
import io

from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image, ImageDraw, ImageFont

from documents.models import DocumentType, StructureCategory, StructureDocument, Submission
from espace_famille.registry import DemoStep, ScaleStep, demo_steps, scale_steps
from famille.models import Family, Member

GENERATED_PREFIX = "GEN-"
Scope = DocumentType.Scope

TYPES = [
    # name, scope, mandatory, validity months, fixed end (day, month), order, description
    (
        "Justificatif de domicile",
        Scope.FAMILY,
        True,
        12,
        None,
        10,
        "Facture d'électricité, de gaz ou de téléphone de moins de trois mois.",
    ),
    (
        "Attestation d'assurance responsabilité civile",
        Scope.FAMILY,
        True,
        None,
        (31, 8),
        20,
        "Attestation de l'année scolaire en cours, au nom des enfants.",
    ),
    (
        "Carnet de vaccination",
        Scope.CHILD,
        True,
        12,
        None,
        30,
        "Les pages des vaccinations, avec le nom de l'enfant.",
    ),
    (
        "Autorisation de droit à l'image",
        Scope.FAMILY,
        False,
        None,
        (31, 8),
        40,
        "Le formulaire publié dans la documentation, rempli et signé.",
    ),
]


def demo_page(title: str, lines: tuple[str, ...] = ()) -> Image.Image:
    """A small A4-shaped page with a title and a few lines of text."""
    page = Image.new("RGB", (595, 842), "white")
    draw = ImageDraw.Draw(page)
    draw.text((50, 60), title, fill="black", font=ImageFont.load_default(size=24))
    body = ImageFont.load_default(size=14)
    for index, line in enumerate(lines):
        draw.text((50, 120 + 24 * index), line, fill="black", font=body)
    return page


def demo_pdf(title: str, lines: tuple[str, ...] = ()) -> bytes:
    buffer = io.BytesIO()
    demo_page(title, lines).save(buffer, "PDF", resolution=72)
    return buffer.getvalue()


def demo_png(title: str, lines: tuple[str, ...] = ()) -> bytes:
    buffer = io.BytesIO()
    demo_page(title, lines).reduce(2).save(buffer, "PNG", optimize=True)
    return buffer.getvalue()


def _types() -> dict[str, DocumentType]:
    types = {}
    for name, scope, mandatory, months, end, order, description in TYPES:
        types[name], _created = DocumentType.objects.get_or_create(
            name=name,
            defaults={
                "scope": scope,
                "mandatory": mandatory,
                "validity_months": months,
                "valid_until_day": end[0] if end else None,
                "valid_until_month": end[1] if end else None,
                "order": order,
                "description": description,
            },
        )
    return types


def _submission(
    family: Family,
    member: Member | None,
    document_type: DocumentType,
    status: str,
    content: bytes,
    content_type: str,
    original_name: str,
    **fields: object,
) -> None:
    if Submission.objects.filter(
        family=family, member=member, document_type=document_type
    ).exists():
        return
    submission = Submission(
        family=family,
        member=member,
        document_type=document_type,
        status=status,
        original_name=original_name,
        content_type=content_type,
        size=len(content),
        **fields,
    )
    extension = "pdf" if content_type == "application/pdf" else "png"
    submission.file.save(f"demo.{extension}", ContentFile(content), save=False)
    submission.save()


def _school_year(day: datetime.date) -> tuple[int, int]:
    return (day.year, day.year + 1) if day.month >= 9 else (day.year - 1, day.year)


def _demo_documents() -> None:
    """TEST shows every state without being blocked: Léa can book, Hugo cannot.

    The household's mandatory documents are accepted and valid, Léa's vaccination record waits
    for review (which counts as provided), the optional image-rights form came back unsigned and
    was refused, and Hugo's vaccination record is the missing mandatory document.
    """
    types = _types()
    test = Family.objects.filter(name="TEST").first()
    if test is None:
        return
    lea = test.members.filter(first_name="Léa").first()
    now = timezone.now()
    today = timezone.localdate()
    accepted_on = today - datetime.timedelta(days=40)
    address = types["Justificatif de domicile"]
    _submission(
        test,
        None,
        address,
        Submission.Status.ACCEPTED,
        demo_pdf("Facture d'électricité", ("Famille TEST", "3 allée des Tilleuls, 69003 Lyon")),
        "application/pdf",
        "facture-electricite.pdf",
        uploaded_at=now - datetime.timedelta(days=42),
        reviewed_at=now - datetime.timedelta(days=40),
        valid_until=address.valid_until_from(accepted_on),
    )
    # This school year's certificate, accepted after the 1st of September so it is still valid.
    first, last = _school_year(today)
    insured_on = max(today - datetime.timedelta(days=20), datetime.date(first, 9, 1))
    insurance = types["Attestation d'assurance responsabilité civile"]
    _submission(
        test,
        None,
        insurance,
        Submission.Status.ACCEPTED,
        demo_png(f"Attestation d'assurance {first}-{last}", ("Famille TEST", "Léa et Hugo TEST")),
        "image/png",
        "assurance.png",
        uploaded_at=now - (today - insured_on) - datetime.timedelta(days=1),
        reviewed_at=now - (today - insured_on),
        valid_until=insurance.valid_until_from(insured_on),
    )
    _submission(
        test,
        None,
        types["Autorisation de droit à l'image"],
        Submission.Status.REFUSED,
        demo_pdf(
            "Autorisation de droit à l'image", ("Je soussigné(e) Julien TEST…", "Signature :")
        ),
        "application/pdf",
        "droit-image.pdf",
        uploaded_at=now - datetime.timedelta(days=10),
        reviewed_at=now - datetime.timedelta(days=9),
        refusal_reason="Le formulaire n'est pas signé : merci de le signer et de nous le renvoyer.",
    )
    if lea is not None:
        _submission(
            test,
            lea,
            types["Carnet de vaccination"],
            Submission.Status.PENDING,
            demo_pdf("Carnet de vaccination", ("Léa TEST", "DTP, ROR, hépatite B")),
            "application/pdf",
            "vaccins-lea.pdf",
            uploaded_at=now - datetime.timedelta(days=2),
        )
    # Hugo's vaccination record is the missing mandatory document: his planning says so.
    _documentation(types["Autorisation de droit à l'image"])


def _documentation(image_rights: DocumentType) -> None:
    categories = {
        name: StructureCategory.objects.get_or_create(name=name, defaults={"order": order})[0]
        for name, order in (("Règlement", 10), ("Menus", 20), ("Formulaires", 30))
    }
    documents = [
        (
            "Règlement intérieur",
            "Règlement",
            "Horaires, inscriptions, réservations et annulations, facturation.",
            demo_pdf("Règlement intérieur", ("Accueil de loisirs", "Année 2026-2027")),
            "application/pdf",
            None,
        ),
        (
            "Menus du mois",
            "Menus",
            "Les menus de la cantine, préparés par notre cuisinier.",
            demo_png("Menus du mois", ("Lundi : carottes râpées, poisson, riz",)),
            "image/png",
            None,
        ),
        (
            "Autorisation de droit à l'image",
            "Formulaires",
            "À imprimer, remplir, signer et nous retourner depuis « Mes documents ».",
            demo_pdf("Autorisation de droit à l'image", ("Je soussigné(e)…", "Signature :")),
            "application/pdf",
            image_rights,
        ),
    ]
    for title, category, description, content, content_type, return_type in documents:
        if StructureDocument.objects.filter(title=title).exists():
            continue
        document = StructureDocument(
            title=title,
            category=categories[category],
            description=description,
            content_type=content_type,
            size=len(content),
            original_name=title + (".pdf" if content_type == "application/pdf" else ".png"),
            return_type=return_type,
        )
        extension = "pdf" if content_type == "application/pdf" else "png"
        document.file.save(f"demo.{extension}", ContentFile(content), save=False)
        document.save()


def _generated_documents(count: int) -> None:
    """Generated households without documents get a year of them (one shared demo file)."""
    types = _types()
    families = list(
        Family.objects.filter(name__startswith=GENERATED_PREFIX)
        .exclude(document_submissions__isnull=False)
        .values_list("pk", flat=True)
    )
    if not families:
        return
    content = demo_pdf("Document", ("Famille générée",))
    stored = Submission.file.field.storage.save(
        "documents/submissions/demo-generated.pdf", ContentFile(content)
    )
    children = Member.objects.filter(family_id__in=families, role=Member.Role.CHILD).values_list(
        "pk", "family_id"
    )
    now = timezone.now()
    today = timezone.localdate()
    rows = []

    def row(
        family_id: int,
        member_id: int | None,
        document_type: DocumentType,
        days_ago: int,
        status: str = Submission.Status.ACCEPTED,
    ) -> None:
        accepted_on = today - datetime.timedelta(days=days_ago)
        accepted = status == Submission.Status.ACCEPTED
        rows.append(
            Submission(
                family_id=family_id,
                member_id=member_id,
                document_type=document_type,
                status=status,
                file=stored,
                original_name="document.pdf",
                content_type="application/pdf",
                size=len(content),
                uploaded_at=now - datetime.timedelta(days=days_ago + 1),
                reviewed_at=now - datetime.timedelta(days=days_ago) if accepted else None,
                valid_until=document_type.valid_until_from(accepted_on) if accepted else None,
            )
        )

    for index, family_id in enumerate(families):
        row(family_id, None, types["Justificatif de domicile"], 30 + index % 300)
        row(family_id, None, types["Attestation d'assurance responsabilité civile"], index % 80)
    for index, (member_id, family_id) in enumerate(children):
        status = Submission.Status.PENDING if index % 10 == 0 else Submission.Status.ACCEPTED
        row(family_id, member_id, types["Carnet de vaccination"], index % 200, status)
    Submission.objects.bulk_create(rows, batch_size=1000)


demo_steps.register(DemoStep("documents", 30, _demo_documents))
scale_steps.register(ScaleStep("documents", 30, _generated_documents))
