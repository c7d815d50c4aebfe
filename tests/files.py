"""Real files for the upload tests, built in memory: PDFs, photos with EXIF, huge images."""

from __future__ import annotations

import io
import struct
import zlib
from dataclasses import dataclass, field

from PIL import Image
from pypdf import PdfReader, PdfWriter
from pypdf.errors import PdfReadError
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    ByteStringObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    PdfObject,
    StreamObject,
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
    return len(PdfReader(io.BytesIO(data), strict=True).pages)


@dataclass
class PdfContents:
    """What every object of a PDF holds, read by pypdf (not by searching its bytes, which
    misses what sits in compressed object streams)."""

    names: set[str] = field(default_factory=set)  # dictionary keys and name values: "/JS"
    texts: list[str] = field(default_factory=list)  # strings and decoded stream data
    page_objects: int = 0  # objects of /Type /Page, reachable or not

    def mentions(self, word: str) -> bool:
        return any(word in text for text in self.texts)


def pdf_contents(data: bytes) -> PdfContents:
    """Every object of the PDF's cross-reference table (and the trailer), walked by pypdf."""
    reader = PdfReader(io.BytesIO(data), strict=True)
    contents = PdfContents()
    numbers = [
        (number, generation) for generation, table in reader.xref.items() for number in table
    ]
    numbers += [(number, 0) for number in reader.xref_objStm]
    objects: list[PdfObject | None] = [reader.trailer]
    objects += [reader.get_object(IndirectObject(n, g, reader)) for n, g in numbers]
    for obj in objects:
        _walk(obj, contents)
    return contents


def _walk(obj: PdfObject | None, contents: PdfContents) -> None:
    if obj is None or isinstance(obj, IndirectObject):
        return  # every indirect object is walked on its own
    if isinstance(obj, DictionaryObject):
        if obj.get("/Type") == "/Page":
            contents.page_objects += 1
        for key, value in obj.items():
            contents.names.add(str(key))
            _walk(value, contents)
        if isinstance(obj, StreamObject):
            try:
                contents.texts.append(obj.get_data().decode("latin-1"))
            except (PdfReadError, NotImplementedError):
                contents.texts.append(obj._data.decode("latin-1"))
    elif isinstance(obj, ArrayObject):
        for item in obj:
            _walk(item, contents)
    elif isinstance(obj, NameObject):
        contents.names.add(str(obj))
    elif isinstance(obj, TextStringObject | ByteStringObject):
        contents.texts.append(
            str(obj) if isinstance(obj, TextStringObject) else bytes(obj).decode("latin-1")
        )


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
