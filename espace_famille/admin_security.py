"""What every admin page of the project shares: actions and custom views check permissions.

- `StaffModelAdmin` (or `GuardedActionsMixin` on another base): Django hides an action the user
  may not run, but a forged POST naming it only fell back to the list; here it answers 403.
  Every `@admin.action` of the project declares `permissions=[...]`, which Django checks through
  the `has_<permission>_permission` methods (a test enumerates the admin site to keep it so).
- `permission_required(model_admin, request, "view", obj)`: the check a custom admin view
  (`get_urls`) makes first, before reading or writing anything.
- `refusal_reason_page(...)`: a bulk refusal asks for its reason on an intermediate page, then
  hands it to the service; nothing is refused without a reason.
- `LabelledInlineMixin`: the base of every inline; a tabular inline's inputs have no <label>, so
  each gets an `aria-label` from its field's name (screen readers, RGAA).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from functools import cached_property, wraps
from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _


class GuardedActionsMixin:
    """A POST naming an action the user may not run answers 403 instead of being ignored."""

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None):  # type: ignore[no-untyped-def]
        if request.method == "POST":
            posted = {name for name in request.POST.getlist("action") if name}
            known = {name for _func, name, _description in self._get_base_actions()}  # type: ignore[attr-defined]
            allowed = set(self.get_actions(request))  # type: ignore[attr-defined]
            if (posted & known) - allowed:
                raise PermissionDenied
        return super().changelist_view(request, extra_context)  # type: ignore[misc]


class StaffModelAdmin(GuardedActionsMixin, admin.ModelAdmin):
    """The base of every model admin of the project."""

    # 50 rows a page rather than Django's 100: rendering the rows is most of a list's time
    # once its queries use the indexes (the booking list: ~110 of 170 ms CPU at 100 rows).
    list_per_page = 50


class LabelledInlineMixin:
    """Every input of an inline is named after its field (a tabular row has no <label>)."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):  # type: ignore[no-untyped-def]
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)  # type: ignore[misc]
        if formfield is not None:
            # The related-object wrapper shares its widget's attrs: the <select> gets it too.
            formfield.widget.attrs.setdefault("aria-label", str(formfield.label))
        return formfield

    def get_formset(self, request, obj=None, **kwargs):  # type: ignore[no-untyped-def]
        formset = super().get_formset(request, obj, **kwargs)  # type: ignore[misc]

        class LabelledFormSet(formset):  # type: ignore[misc,valid-type]
            def add_fields(self, form, index):  # type: ignore[no-untyped-def]
                super().add_fields(form, index)
                if "DELETE" in form.fields:
                    form.fields["DELETE"].widget.attrs.setdefault("aria-label", _("Supprimer"))

        LabelledFormSet.__name__ = formset.__name__
        return LabelledFormSet


def permission_required(
    model_admin: admin.ModelAdmin,
    request: HttpRequest,
    *permissions: str,
    obj: Model | None = None,
) -> None:
    """Raise 403 unless the user has every one of `permissions`: "view", "add", "change",
    "delete" on the model admin (and on `obj` when the admin checks objects), or a full
    permission name of another model ("factures.add_payment")."""
    for permission in permissions:
        if "." in permission:
            if not request.user.has_perm(permission):  # type: ignore[union-attr]
                raise PermissionDenied
            continue
        check: Callable[..., bool] = getattr(model_admin, f"has_{permission}_permission")
        allowed = check(request) if permission == "add" else check(request, obj)
        if not allowed:
            raise PermissionDenied


def admin_permissions(*permissions: str) -> Callable:
    """Declare and check the model permissions a custom admin view (`get_urls`) needs.

    The view answers 403 before doing anything unless the user has them all; views that load
    one object check it as well (`permission_required(..., obj=obj)`). The declaration stays on
    the view (`admin_permissions`), where the permission-matrix test reads it.
    """

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(model_admin: admin.ModelAdmin, request: HttpRequest, *args, **kwargs):  # type: ignore[no-untyped-def]
            permission_required(model_admin, request, *permissions)
            return view(model_admin, request, *args, **kwargs)

        wrapper.admin_permissions = permissions  # type: ignore[attr-defined]
        return wrapper

    return decorator


def post_only(view: Callable) -> Callable:
    """A custom admin view that acts then redirects (a button on another page): POST only, 405
    otherwise. It is not a page: the admin's page list (benchmarks/admin.py) leaves it out."""

    @wraps(view)
    def wrapper(model_admin: admin.ModelAdmin, request: HttpRequest, *args, **kwargs):  # type: ignore[no-untyped-def]
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        return view(model_admin, request, *args, **kwargs)

    wrapper.post_only = True  # type: ignore[attr-defined]
    return wrapper


class RefusalReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Motif du refus (envoyé à la famille)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


def refusal_reason_page(
    model_admin: admin.ModelAdmin,
    request: HttpRequest,
    queryset: QuerySet,
    *,
    refuse: Callable[[Iterable[Any], str], None],
    title: str,
    action: str,
) -> HttpResponse | None:
    """A bulk refusal: ask for the reason on an intermediate page, then call `refuse`.

    The page posts the selection and the action again, with `reason` and `_refusal_page`;
    a reason typed beside the actions of the list (documents) is taken as well.
    """
    reason = (request.POST.get("reason") or "").strip()
    submitted = "_refusal_page" in request.POST
    form = RefusalReasonForm(request.POST if submitted else None)
    if reason and (not submitted or form.is_valid()):
        refuse(queryset, reason)
        return None
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": title,
        "objects": queryset,
        "form": form,
        "action": action,
        "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
    }
    return TemplateResponse(request, "admin/refusal_reason.html", context)


def exists_once(request: HttpRequest, model: type[Model]) -> bool:
    """Whether `model` has a row, asked once per request.

    A single-row model's admin (structure, billing settings) offers "add" only while the table
    is empty; Django asks it for every page's app list, twice on the index.
    """
    cache = request.__dict__.setdefault("_exists_once", {})
    if model not in cache:
        cache[model] = model._default_manager.exists()
    return cache[model]


class EstimatedCountPaginator(Paginator):
    """A changelist's pager that, on PostgreSQL, takes the planner's estimate of a large
    result instead of counting it (an exact count of 150,000-525,000 bookings took 150-210 ms
    on the benchmark data set); below ESTIMATE_FROM rows, and on SQLite, it counts exactly.
    A model admin using it writes "environ N" in its pager (see
    reservations/templates/admin/reservations/booking/pagination.html)."""

    ESTIMATE_FROM = 20_000
    estimated = False

    @cached_property
    def count(self) -> int:  # type: ignore[override]
        queryset = self.object_list
        if isinstance(queryset, QuerySet) and connections[queryset.db].vendor == "postgresql":
            sql, params = queryset.order_by().values("pk").query.sql_with_params()
            with connections[queryset.db].cursor() as cursor:
                cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
                plan = cursor.fetchone()[0]
            if isinstance(plan, str):
                plan = json.loads(plan)
            rows = int(plan[0]["Plan"]["Plan Rows"])
            if rows >= self.ESTIMATE_FROM:
                self.estimated = True
                return rows
        return super().count
