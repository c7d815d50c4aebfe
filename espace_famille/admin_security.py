"""What every admin page of the project shares: actions and custom views check permissions.

- `StaffModelAdmin` (or `GuardedActionsMixin` on another base): Django hides an action the user
  may not run, but a forged POST naming it only fell back to the list; here it answers 403.
  Every `@admin.action` of the project declares `permissions=[...]`, which Django checks through
  the `has_<permission>_permission` methods (a test enumerates the admin site to keep it so).
- `permission_required(model_admin, request, "view", obj)`: the check a custom admin view
  (`get_urls`) makes first, before reading or writing anything.
- `refusal_reason_page(...)`: a bulk refusal asks for its reason on an intermediate page, then
  hands it to the service; nothing is refused without a reason.
- `PageOpenedMixin`: what opening an object's admin page does besides showing it (messages
  read, a health record's consultation audited), for staff allowed to see or change it.
- `LabelledInlineMixin`: the base of every inline; a tabular inline's inputs have no <label>, so
  each gets an `aria-label` from its field's name (screen readers, RGAA).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from functools import cached_property, wraps
from typing import TYPE_CHECKING, Any, Concatenate, ParamSpec, TypeVar

from django import forms
from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import connections
from django.db.models import Field, Model, QuerySet
from django.forms import BaseInlineFormSet
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.http.response import HttpResponseBase
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.contrib.admin.filters import _ListFilterChoices
    from django.contrib.admin.options import InlineModelAdmin
    from django.contrib.admin.views.main import ChangeList
    from django_stubs_ext import StrOrPromise

    from espace_famille.models import User

    # The mixins below are mixed into a ModelAdmin (an InlineModelAdmin): their super() is one.
    ModelAdminBase = admin.ModelAdmin[Any]
    InlineBase = InlineModelAdmin[Any, Any]
else:
    ModelAdminBase = object
    InlineBase = object


def staff_user(request: HttpRequest) -> User:
    """The login behind an admin request (the admin site lets no anonymous visitor in)."""
    user = request.user
    if not user.is_authenticated:
        raise PermissionDenied
    return user


class GuardedActionsMixin(ModelAdminBase):
    """A POST naming an action the user may not run answers 403 instead of being ignored."""

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        if request.method == "POST":
            posted = {name for name in request.POST.getlist("action") if name}
            base_actions = self._get_base_actions()  # type: ignore[attr-defined]  # Django private
            known = {name for _func, name, _description in base_actions}
            allowed = set(self.get_actions(request))
            if (posted & known) - allowed:
                raise PermissionDenied
        return super().changelist_view(request, extra_context)


class StaffModelAdmin(GuardedActionsMixin, admin.ModelAdmin):
    """The base of every model admin of the project."""

    # 50 rows a page rather than Django's 100: rendering the rows is most of a list's time
    # once its queries use the indexes (the booking list: ~110 of 170 ms CPU at 100 rows).
    list_per_page = 50


class PageOpenedMixin(ModelAdminBase):
    """`page_opened(request, obj)` runs when a GET shows an object's change page to staff who
    may see it (or change it: `opened_needs_change`); `watches_pages(request)` False skips the
    lookup."""

    opened_needs_change = False

    def watches_pages(self, request: HttpRequest) -> bool:
        return True

    def page_opened(self, request: HttpRequest, obj: Any) -> None:
        raise NotImplementedError

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        if request.method == "GET" and self.watches_pages(request):
            # get_object answers None for an unknown or non-numeric id ("abc"): Django's
            # change view then redirects with its "does not exist" message.
            obj = self.get_object(request, unquote(object_id))
            may = (
                self.has_change_permission
                if self.opened_needs_change
                else self.has_view_or_change_permission
            )
            if obj is not None and may(request, obj):
                self.page_opened(request, obj)
        return super().change_view(request, object_id, form_url, extra_context)


class LabelledInlineMixin(InlineBase):
    """Every input of an inline is named after its field (a tabular row has no <label>)."""

    def formfield_for_dbfield(
        self, db_field: Field[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> forms.Field | None:
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None:
            # The related-object wrapper shares its widget's attrs: the <select> gets it too.
            formfield.widget.attrs.setdefault("aria-label", str(formfield.label))
        return formfield

    def get_formset(
        self, request: HttpRequest, obj: Model | None = None, **kwargs: Any
    ) -> type[BaseInlineFormSet[Any, Any, Any]]:
        formset: type[BaseInlineFormSet[Any, Any, Any]] = super().get_formset(
            request, obj, **kwargs
        )

        class LabelledFormSet(formset):  # type: ignore[valid-type,misc]  # a class built at run time
            def add_fields(self, form: forms.Form, index: int | None) -> None:
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
            if not request.user.has_perm(permission):
                raise PermissionDenied
            continue
        check: Callable[..., bool] = getattr(model_admin, f"has_{permission}_permission")
        allowed = check(request) if permission == "add" else check(request, obj)
        if not allowed:
            raise PermissionDenied


_Admin = TypeVar("_Admin", bound="admin.ModelAdmin[Any]")
_Params = ParamSpec("_Params")
_Response = TypeVar("_Response", bound=HttpResponseBase)
# A custom admin view: a method of the model admin taking the request.
AdminView = Callable[Concatenate[_Admin, HttpRequest, _Params], _Response]


def admin_permissions(
    *permissions: str,
) -> Callable[[AdminView[_Admin, _Params, _Response]], AdminView[_Admin, _Params, _Response]]:
    """Declare and check the model permissions a custom admin view (`get_urls`) needs.

    The view answers 403 before doing anything unless the user has them all; views that load
    one object check it as well (`permission_required(..., obj=obj)`). The declaration stays on
    the view (`admin_permissions`), where the permission-matrix test reads it.
    """

    def decorator(
        view: AdminView[_Admin, _Params, _Response],
    ) -> AdminView[_Admin, _Params, _Response]:
        @wraps(view)
        def wrapper(
            model_admin: _Admin, request: HttpRequest, *args: _Params.args, **kwargs: _Params.kwargs
        ) -> _Response:
            permission_required(model_admin, request, *permissions)
            return view(model_admin, request, *args, **kwargs)

        wrapper.admin_permissions = permissions  # type: ignore[attr-defined]  # read by tests
        return wrapper

    return decorator


def post_only(
    view: AdminView[_Admin, _Params, _Response],
) -> AdminView[_Admin, _Params, _Response | HttpResponseNotAllowed]:
    """A custom admin view that acts then redirects (a button on another page): POST only, 405
    otherwise. It is not a page: the admin's page list (benchmarks/admin.py) leaves it out."""

    @wraps(view)
    def wrapper(
        model_admin: _Admin, request: HttpRequest, *args: _Params.args, **kwargs: _Params.kwargs
    ) -> _Response | HttpResponseNotAllowed:
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        return view(model_admin, request, *args, **kwargs)

    wrapper.post_only = True  # type: ignore[attr-defined]  # read by benchmarks/admin.py
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
    refuse: Callable[[Iterable[Any], str], object],
    title: StrOrPromise,
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
    def count(self) -> int:
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


class DefaultChoiceFilter(admin.SimpleListFilter):
    """A list filter that opens on `DEFAULT` (where a staff member's day starts) rather than on
    everything; "Toutes" is one of its choices, so no "Tout" link is added."""

    DEFAULT = ""

    def value(self) -> str:
        return super().value() or self.DEFAULT

    def choices(self, changelist: ChangeList) -> Iterator[_ListFilterChoices]:
        name = self.parameter_name or ""  # every subclass names its parameter
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == lookup,
                "query_string": changelist.get_query_string({name: lookup}),
                "display": title,
            }
