"""Upload checks with real files: the content decides, never the name or the browser."""

from __future__ import annotations

import io
import re
import struct
import warnings
import zlib
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageFile

from documents.uploads import PDF, PNG, check_pdf, clean_upload
from tests.documents.conftest import jpeg_bytes, pdf_bytes, png_bytes


def upload(name: str, content: bytes, content_type: str = "application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def rejected(*files) -> str:
    with pytest.raises(ValidationError) as error:
        clean_upload(list(files))
    return " ".join(error.value.messages)


def gps_exif() -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0112] = 6  # Orientation: rotated 90°
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (45.0, 45.0, 30.0)
    gps[3], gps[4] = "E", (4.0, 50.0, 10.0)
    return exif


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


def test_an_oversized_file_is_refused(settings):
    settings.DOCUMENTS_MAX_UPLOAD_MB = 1
    big = pdf_bytes() + b"%" + b"0" * (1024 * 1024)
    message = rejected(upload("gros.pdf", big))
    assert "dépasse la taille maximale autorisée (1 Mo)" in message


def test_the_limit_defaults_to_ten_megabytes(settings):
    del settings.DOCUMENTS_MAX_UPLOAD_MB
    data = pdf_bytes()
    padded = data.replace(b"%%EOF", b"%" + b"0" * (10 * 1024 * 1024) + b"\n%%EOF")
    assert "(10 Mo)" in rejected(upload("gros.pdf", padded))


def test_a_valid_pdf_with_a_wrong_extension_is_accepted_as_a_pdf():
    data = pdf_bytes()
    clean = clean_upload([upload("scan.jpg", data, "image/jpeg")])
    assert clean.content_type == PDF
    assert clean.content == data  # a PDF is stored as sent
    assert clean.original_name == "scan.jpg"


def test_a_png_named_jpg_is_kept_as_png():
    clean = clean_upload([upload("photo.jpg", png_bytes(), "image/jpeg")])
    assert clean.content_type == PNG
    assert Image.open(io.BytesIO(clean.content)).format == "PNG"


@pytest.mark.parametrize(
    "content",
    [
        b"%PDF-1.4\nnot really a pdf",
        pdf_bytes()[:-200],  # truncated: no trailer
        b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\nstartxref\n999999\n%%EOF",  # xref points nowhere
    ],
)
def test_a_pdf_that_is_not_a_pdf_is_refused(content):
    assert "n'est pas un PDF valide" in rejected(upload("faux.pdf", content))


def test_a_pdf_from_weasyprint_passes_the_minimal_parse():
    weasyprint = pytest.importorskip("weasyprint")
    check_pdf("facture.pdf", weasyprint.HTML(string="<p>Facture</p>").write_pdf())


def test_exif_and_gps_are_removed_from_a_reencoded_jpeg():
    original = jpeg_bytes((40, 20), exif=gps_exif())
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)  # the GPS is there

    clean = clean_upload([upload("photo.jpg", original, "image/jpeg")])

    image = Image.open(io.BytesIO(clean.content))
    assert image.format == "JPEG"
    assert dict(image.getexif()) == {}
    assert b"Exif" not in clean.content and b"PhoneMaker" not in clean.content
    assert image.size == (20, 40)  # the orientation was applied before EXIF was dropped


def test_several_photos_are_joined_into_one_pdf():
    clean = clean_upload(
        [
            upload("recto.jpg", jpeg_bytes(exif=gps_exif()), "image/jpeg"),
            upload("verso.png", png_bytes(), "image/png"),
        ]
    )
    assert clean.content_type == PDF
    assert clean.original_name == "recto.jpg, verso.png"
    check_pdf("x.pdf", clean.content)
    assert len(re.findall(rb"/Type\s*/Page(?!s)", clean.content)) == 2
    assert b"PhoneMaker" not in clean.content


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


def huge_png(width: int, height: int) -> bytes:
    """A valid grey PNG of width x height pixels, all black: a few hundred KB, made in slices."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    compressor = zlib.compressobj(9)
    rows = bytes(1 + width) * 256  # filter byte 0 and black pixels
    parts = [compressor.compress(rows) for _index in range(height // 256)]
    parts.append(compressor.compress(bytes(1 + width) * (height % 256)) + compressor.flush())
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)  # 8-bit greyscale
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", b"".join(parts))
        + chunk(b"IEND", b"")
    )


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
    settings.DOCUMENTS_MAX_IMAGE_PIXELS = 2_500_000
    message = rejected(upload("photo.png", huge_png(2000, 1300), "image/png"))
    assert "(au plus 2,5 millions de pixels)" in message
    assert (
        clean_upload([upload("photo.png", huge_png(2000, 1250), "image/png")]).content_type == PNG
    )
    del settings.DOCUMENTS_MAX_IMAGE_PIXELS
    assert (
        clean_upload([upload("photo.png", huge_png(2000, 1300), "image/png")]).content_type == PNG
    )


@pytest.mark.parametrize("side", [40, 100])  # Pillow's warning (> 1000 px), then its error (> 2000)
@pytest.mark.parametrize("count", [1, 2])
def test_pillow_decompression_bomb_checks_are_refusals(settings, monkeypatch, side, count):
    # Should the setting allow more than Pillow does, Pillow's own checks still answer cleanly.
    settings.DOCUMENTS_MAX_IMAGE_PIXELS = 10**9
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)
    photos = [upload(f"p{index}.png", png_bytes((side, 30)), "image/png") for index in range(count)]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing may leak out as a warning either
        message = rejected(*photos)
    assert "« p0.png » a une trop grande définition" in message


def test_no_file_at_all():
    assert "Choisissez un fichier" in rejected()


def test_the_label_keeps_only_the_name():
    clean = clean_upload([upload("C:\\Users\\moi\\Documents\\scan\x07.pdf", pdf_bytes())])
    assert clean.original_name == "scan.pdf"
