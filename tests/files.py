"""Real files for the upload tests, built in memory: PDFs, photos with EXIF, huge images."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image
from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    DictionaryObject,
    NameObject,
    TextStringObject,
)


def pdf_bytes(text: str = "Bonjour") -> bytes:
    """A real one-page PDF made by Pillow."""
    image = Image.new("RGB", (200, 100), "white")
    buffer = io.BytesIO()
    image.save(buffer, "PDF", title=text)
    return buffer.getvalue()


def png_bytes(size: tuple[int, int] = (40, 30), color: str = "red") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "PNG")
    return buffer.getvalue()


def jpeg_bytes(size: tuple[int, int] = (40, 30), exif: Image.Exif | None = None) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "blue").save(buffer, "JPEG", exif=exif or Image.Exif())
    return buffer.getvalue()


def gps_exif() -> Image.Exif:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0112] = 6  # Orientation: rotated 90°
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (45.0, 45.0, 30.0)
    gps[3], gps[4] = "E", (4.0, 50.0, 10.0)
    return exif


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


def active_pdf() -> bytes:
    """A one-page PDF carrying every kind of active content a reader may run."""
    writer = PdfWriter()
    page = writer.add_blank_page(200, 200)
    writer.add_attachment("programme.exe", b"MZ fake program")
    document_script = DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert('document script');"),
        }
    )
    names = writer._root_object["/Names"]
    names[NameObject("/JavaScript")] = DictionaryObject(
        {
            NameObject("/Names"): ArrayObject(
                [TextStringObject("start"), writer._add_object(document_script)]
            )
        }
    )
    launch = DictionaryObject(
        {
            NameObject("/S"): NameObject("/Launch"),
            NameObject("/F"): TextStringObject("cmd.exe"),
        }
    )
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(launch)
    script = DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert('page script');"),
        }
    )
    page[NameObject("/AA")] = DictionaryObject({NameObject("/O"): writer._add_object(script)})
    link = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/Rect"): ArrayObject([]),
            NameObject("/A"): DictionaryObject(
                {
                    NameObject("/S"): NameObject("/Launch"),
                    NameObject("/F"): TextStringObject("calc.exe"),
                }
            ),
        }
    )
    attached = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/FileAttachment"),
            NameObject("/Rect"): ArrayObject([]),
        }
    )
    page[NameObject("/Annots")] = ArrayObject(
        [writer._add_object(link), writer._add_object(attached)]
    )
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def pdf_pages(data: bytes) -> int:
    """The number of pages of a PDF that pypdf reads strictly (it raises on a broken one)."""
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(data), strict=True).pages)


def form_pdf() -> bytes:
    """A filled one-field PDF form whose field runs a script on each keystroke, with XFA."""
    writer = PdfWriter()
    page = writer.add_blank_page(200, 200)
    script = DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert('keystroke');"),
        }
    )
    field = writer._add_object(
        DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Annot"),
                NameObject("/Subtype"): NameObject("/Widget"),
                NameObject("/FT"): NameObject("/Tx"),
                NameObject("/T"): TextStringObject("nom"),
                NameObject("/V"): TextStringObject("Léa"),
                NameObject("/Rect"): ArrayObject([]),
                NameObject("/AA"): DictionaryObject({NameObject("/K"): script}),
            }
        )
    )
    page[NameObject("/Annots")] = ArrayObject([field])
    writer._root_object[NameObject("/AcroForm")] = DictionaryObject(
        {
            NameObject("/Fields"): ArrayObject([field]),
            NameObject("/NeedAppearances"): BooleanObject(True),
            NameObject("/XFA"): TextStringObject("<xdp><script>app.alert('xfa')</script></xdp>"),
        }
    )
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()
