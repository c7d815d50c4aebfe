"""Private files: stored inside the transaction that records them, served without public URL."""

from __future__ import annotations

import datetime
import logging
import posixpath
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import Storage
from django.db import models, transaction
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404
from django.utils import timezone
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


def serve_private_file(
    field_file: FieldFile, *, content_type: str, filename: str, download: bool = True
) -> FileResponse:
    """Stream a stored file to a requester the calling view has already authorised.

    A row whose file is gone from storage answers 404, never 500. Responses are not cached and
    the browser must not guess another type than the one we checked at upload.
    """
    try:
        handle = field_file.open("rb")
    except OSError:  # FileNotFoundError included
        raise Http404 from None
    response = FileResponse(
        handle, content_type=content_type, as_attachment=download, filename=filename
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


class StorageUnavailable(ValidationError):
    """The file store refused a file (disk full, S3 answering errors): nothing was kept.

    A ValidationError, so upload forms show its French message next to the file field; left
    uncaught, the core middleware answers a 503 page with the same message.
    """


_pending = threading.local()


@contextmanager
def atomic_with_files(using: str | None = None) -> Iterator[None]:
    """`transaction.atomic()` that also deletes the files `file_save()` stored inside it when
    the block fails (its rows rolled back): no orphan file, no row pointing at a missing one.

    Nested blocks hand their files to the enclosing one. A crash between the store and the
    commit can still leave a file behind: `manage.py sweep_orphans` removes those.
    """
    stack = _pending.__dict__.setdefault("stack", [])
    saved: list[tuple[Storage, str]] = []
    stack.append(saved)
    try:
        with transaction.atomic(using=using):
            yield
    except BaseException:
        for storage, name in saved:
            _delete_quietly(storage, name)
        raise
    finally:
        stack.pop()
    if stack:
        stack[-1].extend(saved)


def file_save(field_file: FieldFile, name: str, content: File) -> str:
    """Store `content` in `field_file` (the row is not saved) inside `atomic_with_files()`.

    Returns the stored name. A storage failure raises StorageUnavailable (French message),
    after removing what a failed write may have left (a partial file when the disk is full).
    """
    stack = getattr(_pending, "stack", None)
    if not stack:
        raise RuntimeError("Store files inside files.atomic_with_files().")
    storage, field = field_file.storage, field_file.field
    target = ""
    try:
        # A name no file has yet: whatever a failed write leaves under it is ours to delete.
        target = storage.get_available_name(
            field.generate_filename(field_file.instance, name), max_length=field.max_length
        )
        stored = storage.save(target, content, max_length=field.max_length)
    except Exception as error:
        logger.exception("Storage refused %s", target or name)
        _delete_quietly(storage, target)
        raise StorageUnavailable(
            _(
                "Le fichier n'a pas pu être enregistré : le stockage est momentanément "
                "indisponible. Rien n'a été enregistré ; veuillez réessayer dans quelques minutes."
            ),
            code="storage",
        ) from error
    field_file.name = stored
    setattr(field_file.instance, field.attname, stored)
    field_file._committed = True  # type: ignore[attr-defined]  # Django's flag, not in stubs
    stack[-1].append((storage, stored))
    return stored


def _delete_quietly(storage: Storage, name: str) -> None:
    if not name:
        return
    try:
        if storage.exists(name):
            storage.delete(name)
    except Exception:
        logger.exception("File %s left by a failed write not deleted", name)


# Orphans: files no row points at (left by a crash between a store and its commit, or by
# versions of the portal before atomic_with_files).


def file_fields() -> list[models.FileField]:
    """Every FileField (and ImageField) of every installed model, from the app registry."""
    return [
        field
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, models.FileField)
    ]


def _walk(storage: Storage, path: str = "") -> Iterator[str]:
    try:
        directories, files = storage.listdir(path)
    except FileNotFoundError:  # a local storage whose folder does not exist yet
        return
    for name in files:
        yield posixpath.join(path, name) if path else name
    for directory in directories:
        yield from _walk(storage, posixpath.join(path, directory) if path else directory)


def orphan_files(
    *, min_age: datetime.timedelta = datetime.timedelta(hours=1)
) -> list[tuple[Storage, str]]:
    """Files of the storages FileFields use that no row points at, older than `min_age`.

    Younger files are left alone: an upload in flight is stored before its row commits. The
    storages are the portal's own (MEDIA_ROOT or its bucket): every file in them belongs to a
    FileField.
    """
    now = timezone.now()
    storages: dict[int, tuple[Storage, list[models.FileField]]] = {}
    for field in file_fields():
        storages.setdefault(id(field.storage), (field.storage, []))[1].append(field)
    orphans = []
    for storage, fields in storages.values():
        old = [name for name in _walk(storage) if now - storage.get_modified_time(name) >= min_age]
        if not old:
            continue
        # Read after listing: a row committed meanwhile still protects its file.
        referenced: set[str] = set()
        for field in fields:
            referenced.update(
                field.model._default_manager.exclude(**{field.attname: ""})
                .exclude(**{f"{field.attname}__isnull": True})
                .values_list(field.attname, flat=True)
            )
        orphans += [(storage, name) for name in old if name not in referenced]
    return orphans
