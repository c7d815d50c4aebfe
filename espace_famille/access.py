"""The access layer: the one place that turns a login into `request.family`.

Every portal view is decorated with `family_required`. Anonymous visitors go to the login page;
a login without a family (staff) gets a 403 page that points to the admin, and so does the
login of a family that left (its family is no longer active). Views then fetch
objects through `request.family` (see `get_for_family`), so another family's object is a 404.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, render

if TYPE_CHECKING:
    from espace_famille.models import User

    # For types only: the core stores the family and never imports famille at run time.
    from famille.models import Family

M = TypeVar("M", bound=Model)
View = Callable[..., HttpResponseBase]


class FamilyRequest(HttpRequest):
    """Type of the request a portal view receives."""

    user: User
    family: Family


def family_required(view: View) -> View:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponseBase:
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if user.family_id is None:
            return render(request, "403_no_family.html", status=403)
        family = user.family
        if family is None or not family.is_active:
            return render(request, "403_family_inactive.html", status=403)
        request.family = family  # type: ignore[attr-defined]  # what makes it a FamilyRequest
        return view(request, *args, **kwargs)

    return wrapper


def get_for_family(
    queryset: type[M] | QuerySet[M], family: Family | int, path: str = "family", **lookup: object
) -> M:
    """Fetch one object through the family that owns it; 404 for anybody else's.

    Fetched through its own `family` key, the object keeps the request's family as its
    `.family`: the audit rows and emails that follow read no second copy of it.
    """
    obj = get_object_or_404(queryset, **{path: family}, **lookup)
    if path == "family" and isinstance(family, Model):
        obj.family = family  # type: ignore[attr-defined]  # the key is `family`: checked above
    return obj
