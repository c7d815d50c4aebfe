from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from espace_famille.models import Structure


def structure(request: HttpRequest) -> dict[str, object]:
    """The structure's identity for the header; read once per request, only if a page uses it."""
    return {"structure": SimpleLazyObject(Structure.current)}
