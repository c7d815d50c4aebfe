"""The portal's one upload checker, with real files: the content decides, never the name."""

from __future__ import annotations

import io
import time
import warnings
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageFile
from pypdf import PdfReader, PdfWriter

from espace_famille.uploads import PDF, PNG, clean_pdf, clean_upload, download_name
from tests.files import (
    active_pdf,
    form_pdf,
    gps_exif,
    huge_png,
    jpeg_bytes,
    pdf_bytes,
    pdf_contents,
    png_bytes,
)

MB = 1024 * 1024
# The names of a PDF's active content: scripts, automatic and launch actions, embedded files.
ACTIVE_NAMES = {
    "/JavaScript",
    "/JS",
    "/OpenAction",
    "/Launch",
    "/EmbeddedFile",
    "/EmbeddedFiles",
    "/FileAttachment",
    "/AA",
}


def upload(name: str, content: bytes, content_type: str = "application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def clean(*files, max_bytes: int = 10 * MB):
    return clean_upload(list(files), max_bytes=max_bytes)


def rejected(*files, max_bytes: int = 10 * MB) -> str:
    with pytest.raises(ValidationError) as error:
        clean(*files, max_bytes=max_bytes)
    return " ".join(error.value.messages)


def test_a_renamed_executable_is_refused():
    executable = Path("/bin/ls").read_bytes()
    message = rejected(upload("vaccins.pdf", executable, "application/pdf"))
    assert "n'est ni un PDF, ni une photo JPEG ou PNG" in message
    assert "vaccins.pdf" in message


def test_a_truncated_png_is_refused():
    data = png_bytes((300, 300))
    message = rejected(upload("photo.png", data[: len(data) // 2], "image/png"))
    assert "illisible" in message


def test_an_empty_file_is_refused():
    assert "est vide" in rejected(upload("vide.pdf", b""))


def test_an_oversized_file_is_refused():
    big = pdf_bytes() + b"%" + b"0" * MB
    message = rejected(upload("gros.pdf", big), max_bytes=MB)
    assert "dépasse la taille maximale autorisée (1 Mo)" in message


def test_a_valid_pdf_with_a_wrong_extension_is_stored_as_a_pdf():
    result = clean(upload("scan.jpg", pdf_bytes(), "image/jpeg"))
    assert result.content_type == PDF
    assert result.storage_name == "document.pdf"
    assert result.download_name == "scan.pdf"
    assert result.original_name == "scan.jpg"
    assert len(PdfReader(io.BytesIO(result.content)).pages) == 1


def test_a_png_named_jpg_is_kept_as_png():
    result = clean(upload("photo.jpg", png_bytes(), "image/jpeg"))
    assert result.content_type == PNG
    assert result.download_name == "photo.png"
    assert Image.open(io.BytesIO(result.content)).format == "PNG"


@pytest.mark.parametrize(
    "content",
    [
        b"%PDF-1.4\nnot really a pdf",
        pdf_bytes()[:200],  # truncated: no page
        b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\nstartxref\n999999\n%%EOF",  # xref points nowhere
        b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n",
    ],
)
def test_a_pdf_that_is_not_a_pdf_is_refused(content):
    assert "n'est pas un PDF valide" in rejected(upload("faux.pdf", content))


def test_a_pdf_from_weasyprint_is_kept_page_for_page():
    weasyprint = pytest.importorskip("weasyprint")
    original = weasyprint.HTML(string="<p>Facture</p><p style='break-before: page'>2</p>")
    rewritten = clean_pdf("facture.pdf", original.write_pdf())
    reader = PdfReader(io.BytesIO(rewritten))
    assert len(reader.pages) == 2
    assert "Facture" in reader.pages[0].extract_text()


def test_exif_and_gps_are_removed_from_a_reencoded_jpeg():
    original = jpeg_bytes((40, 20), exif=gps_exif())
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)  # the GPS is there

    result = clean(upload("photo.jpg", original, "image/jpeg"))

    image = Image.open(io.BytesIO(result.content))
    assert image.format == "JPEG"
    assert dict(image.getexif()) == {}
    assert b"Exif" not in result.content and b"PhoneMaker" not in result.content
    assert image.size == (20, 40)  # the orientation was applied before EXIF was dropped


def test_several_photos_are_joined_into_one_pdf():
    result = clean(
        upload("recto.jpg", jpeg_bytes(exif=gps_exif()), "image/jpeg"),
        upload("verso.png", png_bytes(), "image/png"),
    )
    assert result.content_type == PDF
    assert result.original_name == "recto.jpg, verso.png"
    assert result.download_name == "document.pdf"
    assert len(PdfReader(io.BytesIO(result.content)).pages) == 2
    assert pdf_contents(result.content).page_objects == 2  # no page left behind unlinked
    assert b"PhoneMaker" not in result.content


def test_a_pdf_among_photos_is_refused():
    message = rejected(upload("a.pdf", pdf_bytes()), upload("b.png", png_bytes(), "image/png"))
    assert "un seul PDF" in message


def test_one_bad_photo_among_several_refuses_them_all():
    bad = png_bytes((200, 200))[:100]
    message = rejected(upload("a.png", png_bytes(), "image/png"), upload("b.png", bad, "image/png"))
    assert "b.png" in message


def test_a_decompression_bomb_is_refused(settings, monkeypatch):
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)
    assert "trop grande" in rejected(upload("big.png", png_bytes((100, 100)), "image/png"))


def test_a_small_file_with_huge_dimensions_is_refused_before_decoding(monkeypatch):
    # 9400 x 9400 = 88 Mpx, under Pillow's own bomb limit (89 Mpx): it used to be decoded in full
    # (730 MB at the peak for a 280 KB file). Now the header is enough to refuse it.
    data = huge_png(9400, 9400)
    assert len(data) < 400_000
    assert Image.open(io.BytesIO(data)).size == (9400, 9400)

    load = ImageFile.ImageFile.load

    def no_decoding_of_big_images(image):
        assert image.size[0] * image.size[1] < 1_000_000, "the big image was decoded"
        return load(image)

    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding_of_big_images)
    message = rejected(upload("scan.png", data, "image/png"))
    assert "« scan.png » a une trop grande définition (au plus 40 millions de pixels)" in message
    assert "envoyez un PDF" in message
    # Among several photos too: nothing is decoded, nothing is assembled.
    message = rejected(
        upload("recto.png", png_bytes(), "image/png"), upload("verso.png", data, "image/png")
    )
    assert "verso.png" in message and "trop grande définition" in message


def test_the_pixel_limit_is_a_setting(settings):
    settings.UPLOAD_MAX_IMAGE_PIXELS = 2_500_000
    message = rejected(upload("photo.png", huge_png(2000, 1300), "image/png"))
    assert "(au plus 2,5 millions de pixels)" in message
    assert clean(upload("photo.png", huge_png(2000, 1250), "image/png")).content_type == PNG
    settings.UPLOAD_MAX_IMAGE_PIXELS = 40_000_000
    assert clean(upload("photo.png", huge_png(2000, 1300), "image/png")).content_type == PNG


@pytest.mark.parametrize("side", [40, 100])  # Pillow's warning (> 1000 px), then its error (> 2000)
@pytest.mark.parametrize("count", [1, 2])
def test_pillow_decompression_bomb_checks_are_refusals(settings, monkeypatch, side, count):
    # Should the setting allow more than Pillow does, Pillow's own checks still answer cleanly.
    settings.UPLOAD_MAX_IMAGE_PIXELS = 10**9
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)
    photos = [upload(f"p{index}.png", png_bytes((side, 30)), "image/png") for index in range(count)]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing may leak out as a warning either
        message = rejected(*photos)
    assert "« p0.png » a une trop grande définition" in message


def test_no_file_at_all():
    assert "Choisissez un fichier" in rejected()


def test_the_label_keeps_only_the_name():
    result = clean(upload("C:\\Users\\moi\\Documents\\scan\x07.pdf", pdf_bytes()))
    assert result.original_name == "scan.pdf"


# Item: PDFs are rewritten without active content (JavaScript, automatic and launch actions,
# embedded files), and bytes glued around them (an HTML "polyglot") do not survive.


def test_active_content_is_removed_from_a_pdf():
    original = active_pdf()
    assert ACTIVE_NAMES - {"/JS", "/FileAttachment"} <= pdf_contents(original).names

    result = clean(upload("formulaire.pdf", original))

    assert result.content_type == PDF
    reader = PdfReader(io.BytesIO(result.content))
    assert len(reader.pages) == 1
    contents = pdf_contents(result.content)
    assert contents.names.isdisjoint(ACTIVE_NAMES), contents.names & ACTIVE_NAMES
    for word in ("MZ fake program", "cmd.exe", "calc.exe", "alert"):
        assert not contents.mentions(word), word
    assert "/Names" not in reader.trailer["/Root"]


def test_a_pdf_html_polyglot_keeps_only_the_pdf_and_downloads_as_pdf():
    html = b"<html><body><script>alert(document.cookie)</script></body></html>"
    polyglot = pdf_bytes() + b"\n" + html + b"\n"

    result = clean(upload("rapport.html", polyglot, "text/html"))

    assert result.content_type == PDF
    assert result.download_name == "rapport.pdf"
    assert result.storage_name == "document.pdf"
    assert b"<script" not in result.content and b"<html" not in result.content
    assert len(PdfReader(io.BytesIO(result.content)).pages) == 1


def test_a_password_protected_pdf_is_refused():
    writer = PdfWriter()
    writer.add_blank_page(100, 100)
    writer.encrypt(user_password="secret", algorithm="RC4-128")
    output = io.BytesIO()
    writer.write(output)
    assert "protégé par un mot de passe" in rejected(upload("bulletin.pdf", output.getvalue()))


@pytest.mark.parametrize(
    "name,content_type,expected",
    [
        ("rapport.html", "application/pdf", "rapport.pdf"),
        ("photo.PNG", "image/jpeg", "photo.jpg"),
        ("sans extension", "image/png", "sans extension.png"),
        ("recto.jpg, verso.jpg", "application/pdf", "Carnet.pdf"),
        ("", "application/pdf", "Carnet.pdf"),
        ("../../etc/passwd", "application/pdf", "passwd.pdf"),
        (".htaccess", "image/png", ".htaccess.png"),
    ],
)
def test_the_download_name_takes_the_detected_types_extension(name, content_type, expected):
    assert download_name(name, content_type, "Carnet") == expected


# Item: a budget of pixels for the whole request, checked from the headers before decoding.


def test_ten_big_photos_in_one_request_are_refused_before_decoding(monkeypatch):
    # Ten 6000 x 6600 PNGs, each under the per-photo limit (39.6 Mpx), used to be decoded one
    # after the other: 9 s and about 380 MB for a 1.15 MB request.
    data = huge_png(6000, 6600)
    photos = [upload(f"page{index}.png", data, "image/png") for index in range(10)]

    load = ImageFile.ImageFile.load

    def no_decoding_of_big_images(image):
        assert image.size[0] * image.size[1] < 1_000_000, "a big image was decoded"
        return load(image)

    monkeypatch.setattr(ImageFile.ImageFile, "load", no_decoding_of_big_images)
    started = time.monotonic()
    message = rejected(*photos)
    assert time.monotonic() - started < 2
    assert "ont ensemble une trop grande définition" in message
    assert "(au plus 120 millions de pixels par envoi)" in message


def test_the_request_budget_is_a_setting(settings):
    settings.UPLOAD_MAX_REQUEST_PIXELS = 5_000
    photos = [upload(f"p{index}.png", png_bytes((50, 50)), "image/png") for index in range(3)]
    assert "par envoi" in rejected(*photos)  # 7 500 pixels
    assert clean(*photos[:2]).content_type == PDF  # 5 000 pixels


def test_a_filled_pdf_form_keeps_its_fields_and_values_but_not_its_scripts():
    original = form_pdf()
    assert PdfReader(io.BytesIO(original)).get_fields()["nom"]["/V"] == "Léa"

    result = clean(upload("fiche sanitaire.pdf", original))

    reader = PdfReader(io.BytesIO(result.content))
    assert reader.get_fields()["nom"]["/V"] == "Léa"
    assert reader.trailer["/Root"]["/AcroForm"]["/NeedAppearances"]
    contents = pdf_contents(result.content)
    assert contents.names.isdisjoint({"/JavaScript", "/JS", "/AA", "/XFA"})
    assert not contents.mentions("keystroke") and not contents.mentions("xfa")
    # The field is the widget of the page, not a detached copy.
    widget = reader.pages[0]["/Annots"][0]
    assert reader.trailer["/Root"]["/AcroForm"]["/Fields"][0] == widget
