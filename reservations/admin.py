from __future__ import annotations

import datetime
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, Model, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from espace_famille.admin_security import (
    DefaultChoiceFilter,
    EstimatedCountPaginator,
    LabelledInlineMixin,
    StaffModelAdmin,
    admin_permissions,
    staff_user,
)
from espace_famille.jobs import JobAlreadyRunning, job_start
from famille.models import Member
from famille.selectors import in_household
from inscriptions.models import Activity
from reservations import services
from reservations.models import Booking, Closure, Opening, WaitingListEntry

if TYPE_CHECKING:
    from django.contrib.admin.options import _FieldGroups
    from django.contrib.admin.views.main import ChangeList
    from django_stubs_ext import StrOrPromise


@admin.register(Closure)
class ClosureAdmin(StaffModelAdmin):
    list_display = ["name", "start_date", "end_date", "scope"]
    list_filter = ["start_date"]
    search_fields = ["name"]
    filter_horizontal = ["activities"]
    date_hierarchy = "start_date"

    @admin.display(description=_("activités"))
    def scope(self, closure: Closure) -> str:
        names = [a.name for a in closure.activities.all()]
        return ", ".join(names) or _t("Toutes")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Closure]:
        return super().get_queryset(request).prefetch_related("activities")

    def save_related(
        self, request: HttpRequest, form: forms.ModelForm[Closure], formsets: Any, change: bool
    ) -> None:
        super().save_related(request, form, formsets, change)
        closed = services.closure_apply(
            closure=form.instance, by=staff_user(request), request=request
        )
        if closed:
            messages.info(
                request,
                ngettext(
                    "%(n)d ouverture fermée (réservations annulées sans facturation).",
                    "%(n)d ouvertures fermées (réservations annulées sans facturation).",
                    closed,
                )
                % {"n": closed},
            )


class BookingInline(LabelledInlineMixin, admin.TabularInline):
    model = Booking
    extra = 0
    can_delete = False
    verbose_name_plural = _("enfants inscrits ce jour-là")
    readonly_fields = [
        "member",
        "family",
        "status",
        "created_by",
        "created_at",
        "cancelled_at",
        "late_cancellation",
    ]
    fields = tuple(readonly_fields)
    show_change_link = True

    def get_queryset(self, request: HttpRequest) -> QuerySet[Booking]:
        return super().get_queryset(request).select_related("member", "created_by")

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


class WaitingListInline(LabelledInlineMixin, admin.TabularInline):
    model = WaitingListEntry
    extra = 0
    can_delete = False
    verbose_name_plural = _("liste d'attente")
    readonly_fields = ["member", "status", "created_at", "offered_at"]
    fields = tuple(readonly_fields)

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


class GenerateForm(forms.Form):
    activity = forms.ModelChoiceField(label=_("Activité"), queryset=Activity.objects.all())
    start = forms.DateField(
        label=_("Du"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    end = forms.DateField(
        label=_("Au (inclus)"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    capacity = forms.IntegerField(
        label=_("Places"),
        min_value=0,
        required=False,
        help_text=_("Vide : les places de chaque unité."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end"):
            if data["end"] < data["start"]:
                self.add_error("end", _("La fin doit suivre le début."))
            elif (data["end"] - data["start"]).days > 400:
                self.add_error("end", _("Une année scolaire au plus."))
        return data


class OpeningDateFilter(DefaultChoiceFilter):
    """The opening's date, "à venir" by default: where a staff member's day starts.

    Replaces a `date_hierarchy`, whose DISTINCT over every row's day read the whole table (on
    the bookings, across the join: 3.8 s for the 525,000 bookings of the benchmark data set).
    Every choice bounds the opening's date, so the planner walks the openings' date index and
    stops at the page's last row.
    """

    title = _("date")
    parameter_name = "quand"
    # The bookings open on the coming week: counting all the upcoming ones (363,000 on the
    # benchmark data set) cost 33 ms for the pager alone.
    DEFAULT = "7_jours"
    field = "opening__date"

    def lookups(
        self, request: HttpRequest, model_admin: admin.ModelAdmin[Any]
    ) -> list[tuple[str, StrOrPromise]]:
        return [
            ("a_venir", _("À venir")),
            ("aujourdhui", _("Aujourd'hui")),
            ("7_jours", _("7 prochains jours")),
            ("passees", _("Passées")),
            ("toutes", _("Toutes")),
        ]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        today = timezone.localdate()
        value = self.value()
        if value == "aujourdhui":
            return queryset.filter(**{self.field: today})
        if value == "7_jours":
            return queryset.filter(
                **{f"{self.field}__gte": today, f"{self.field}__lt": today + timedelta(days=7)}
            )
        if value == "passees":
            return queryset.filter(**{f"{self.field}__lt": today})
        if value == "toutes":
            # Always true, but it makes the planner walk the date index (no sort of the town).
            return queryset.filter(**{f"{self.field}__gte": date.min})
        return queryset.filter(**{f"{self.field}__gte": today})


class DayFilter(OpeningDateFilter):
    DEFAULT = "a_venir"
    field = "date"


@admin.register(Opening)
class OpeningAdmin(StaffModelAdmin):
    list_display = ["date", "unit", "capacity", "booked_count", "waiting_count", "is_closed"]
    actions = ["action_recount"]
    list_filter = [DayFilter, "is_closed", "unit__activity"]
    list_select_related = ["unit__activity"]
    search_fields = ["unit__name", "unit__activity__name"]
    show_full_result_count = False
    autocomplete_fields = ["unit"]
    fields = ["unit", "date", "capacity", "booked_count", "is_closed", "closed_reason"]
    inlines = [BookingInline, WaitingListInline]
    change_list_template = "admin/reservations/opening/change_list.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Opening]:
        return (
            super()
            .get_queryset(request)
            .annotate(
                _waiting=Count(
                    "waiting_list", filter=Q(waiting_list__status__in=WaitingListEntry.LIVE)
                ),
            )
        )

    def get_readonly_fields(self, request: HttpRequest, obj: Opening | None = None) -> list[str]:
        return ["unit", "date", "booked_count"] if obj else ["booked_count"]

    def get_ordering(self, request: HttpRequest) -> list[str] | tuple[str, ...]:
        # The past starts from yesterday, read backwards along the date index.
        if request.GET.get(DayFilter.parameter_name) == "passees":
            return ["-date", "unit__order", "unit_id"]
        return super().get_ordering(request)

    @admin.display(description=_("en attente"), ordering="_waiting")
    def waiting_count(self, opening: Opening) -> int:
        return opening._waiting  # type: ignore[attr-defined]  # get_queryset annotates it

    @admin.action(description=_("Recompter les places prises"), permissions=["change"])
    def action_recount(self, request: HttpRequest, queryset: QuerySet[Opening]) -> None:
        # For bookings imported outside the services: the counter is set from the bookings.
        count = services.openings_recount(opening_ids=queryset.values("pk"))
        messages.success(
            request,
            ngettext("%(n)d ouverture recomptée.", "%(n)d ouvertures recomptées.", count)
            % {"n": count},
        )

    def save_model(
        self, request: HttpRequest, obj: Opening, form: forms.ModelForm[Opening], change: bool
    ) -> None:
        if not change:
            super().save_model(request, obj, form, change)
            return
        # Through the service: a raised capacity offers places to the waiting list, a closure
        # cancels the day's bookings; both are audited.
        services.opening_update(
            opening=obj,
            capacity=obj.capacity,
            is_closed=obj.is_closed,
            closed_reason=obj.closed_reason,
            by=staff_user(request),
            request=request,
        )

    def get_urls(self) -> list[URLPattern]:
        view = self.admin_site.admin_view(self.generate_view)
        return [path("generer/", view, name="reservations_opening_generate"), *super().get_urls()]

    @admin_permissions("add")
    def generate_view(self, request: HttpRequest) -> HttpResponse:
        """Generate a period's openings (a school year: thousands) as a background job."""
        form = GenerateForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                job = job_start(
                    kind="reservations.openings_generate",
                    user=staff_user(request),
                    params={
                        "activity_id": data["activity"].pk,
                        "start": data["start"].isoformat(),
                        "end": data["end"].isoformat(),
                        "capacity": data["capacity"],
                    },
                    label=f"{data['activity']}, {data['start']:%d/%m/%Y} - {data['end']:%d/%m/%Y}",
                )
            except JobAlreadyRunning as exc:
                messages.warning(request, exc.messages[0])
                job = exc.job
            return redirect("admin:espace_famille_staffjob_progress", job.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": _t("Générer les ouvertures d'une période"),
            "form": form,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/reservations/opening/generate.html", context)


class StaffBookingForm(forms.ModelForm):
    class Meta:
        model = Booking
        fields = ["member", "opening", "family"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        member, opening = data.get("member"), data.get("opening")
        household = data.get("family")
        if member and household and not in_household(member, household):
            # Shared custody: only one of the child's two households may be named.
            self.add_error("family", _("Ce foyer n'est pas un foyer de cet enfant."))
        if member and opening:
            problem = services.booking_problem(
                member=member, opening=opening, user=None, now=timezone.now(), by_staff=True
            )
            if problem:
                raise forms.ValidationError(problem.message)
        return data


@admin.register(Booking)
class BookingAdmin(StaffModelAdmin):
    list_display = [
        "opening_date",
        "opening_unit",
        "member",
        "family",
        "status",
        "places",
        "author",
        "created_at",
        "late_cancellation",
    ]
    list_filter = [OpeningDateFilter, "status", "late_cancellation", "opening__unit__activity"]
    # Only the opening's side is joined: with the member joined too, SQLite's planner scanned
    # every booking and sorted them (1.9 s on 525,000 bookings); the member, the household and
    # the author come in three small prefetch queries instead.
    list_select_related = ["opening__unit__activity"]
    search_fields = ["member__first_name", "member__last_name", "member__family__name"]
    autocomplete_fields = ["member", "opening", "family"]
    show_full_result_count = False
    # "À venir", "Passées", "Toutes": counting their 150,000-525,000 bookings took 150-210 ms
    # on PostgreSQL; the planner's estimate is enough for a pager.
    paginator = EstimatedCountPaginator

    def get_queryset(self, request: HttpRequest) -> QuerySet[Booking]:
        return (
            super().get_queryset(request).prefetch_related("member__family", "created_by", "family")
        )

    @admin.display(description=_("réservé par"), ordering="created_by__last_name")
    def author(self, booking: Booking) -> str:
        # The name only: with the address too, the column kept the list from fitting 768 px.
        user = booking.created_by
        return (user.get_full_name() or user.email) if user else "—"

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[Any], search_term: str
    ) -> tuple[QuerySet[Any], bool]:
        # The matching members first (a few rows), then their bookings through the member's
        # index, rather than a join that reads every booking of the town (540 ms).
        if not search_term.strip():
            return queryset, False
        members = Member.objects.all()
        for word in search_term.split():
            members = members.filter(
                Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
                | Q(family__name__icontains=word)
            )
        return queryset.filter(member__in=members.values("pk")), False

    actions = ["action_confirm", "action_cancel", "action_cancel_free", "action_cancel_billed"]

    def get_ordering(self, request: HttpRequest) -> list[str] | tuple[str, ...]:
        # The past starts from yesterday, read backwards along the same index.
        if request.GET.get(OpeningDateFilter.parameter_name) == "passees":
            return ["-opening__date", "member_id"]
        return super().get_ordering(request)

    def get_changelist_instance(self, request: HttpRequest) -> ChangeList:
        # The waiting list of the page's openings, counted once (one grouped query).
        changelist = super().get_changelist_instance(request)
        rows = list(changelist.result_list)
        waiting = dict(
            WaitingListEntry.objects.filter(
                opening__in={row.opening_id for row in rows}, status__in=WaitingListEntry.LIVE
            )
            .order_by()
            .values_list("opening")
            .annotate(n=Count("pk"))
        )
        for row in rows:
            row._waiting = waiting.get(row.opening_id, 0)
        changelist.result_list = rows
        return changelist

    @admin.display(description=_("places (prises / capacité)"))
    def places(self, booking: Booking) -> str:
        text = f"{booking.opening.booked_count} / {booking.opening.capacity}"
        waiting = getattr(booking, "_waiting", 0)
        if waiting:
            text += " " + ngettext("(%(n)d en attente)", "(%(n)d en attente)", waiting) % {
                "n": waiting
            }
        return text

    def get_form(
        self, request: HttpRequest, obj: Booking | None = None, change: bool = False, **kwargs: Any
    ) -> type[forms.ModelForm[Booking]]:
        if obj is None:
            kwargs["form"] = StaffBookingForm
        return super().get_form(request, obj, change, **kwargs)

    READONLY_FIELDS = (
        "member",
        "opening",
        "status",
        "created_by",
        "created_at",
        "cancelled_by",
        "cancelled_at",
        "late_cancellation",
    )

    def get_fields(self, request: HttpRequest, obj: Booking | None = None) -> _FieldGroups:
        if obj is None:
            return ["member", "opening", "family"]
        return list(self.READONLY_FIELDS)

    def get_readonly_fields(
        self, request: HttpRequest, obj: Booking | None = None
    ) -> list[str] | tuple[str, ...]:
        return list(self.READONLY_FIELDS) if obj else []

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def save_model(
        self, request: HttpRequest, obj: Booking, form: forms.ModelForm[Booking], change: bool
    ) -> None:
        booking = services.booking_create(
            member=obj.member,
            opening=obj.opening,
            user=staff_user(request),
            by_staff=True,
            request=request,
            family=obj.family,
        )
        obj.pk = booking.pk
        obj.status = booking.status

    @admin.display(description=_("date"), ordering="opening__date")
    def opening_date(self, booking: Booking) -> datetime.date:
        return booking.opening.date

    @admin.display(description=_("unité"))
    def opening_unit(self, booking: Booking) -> str:
        return str(booking.opening.unit)

    @admin.display(description=_("famille"))
    def family(self, booking: Booking) -> str:
        # Shared custody: the household that booked (and pays), else the child's main one.
        return (booking.family or booking.member.family).name

    def _cancel(
        self, request: HttpRequest, queryset: QuerySet[Booking], billable: bool | None
    ) -> None:
        count = 0
        for booking in queryset.filter(status__in=Booking.ACTIVE):
            services.booking_cancel(
                booking=booking,
                user=staff_user(request),
                by_staff=True,
                billable=billable,
                request=request,
            )
            count += 1
        messages.success(
            request,
            ngettext("%(n)d réservation annulée.", "%(n)d réservations annulées.", count)
            % {"n": count},
        )

    @admin.action(
        description=_("Annuler (facturée seulement si hors délai)"), permissions=["change"]
    )
    def action_cancel(self, request: HttpRequest, queryset: QuerySet[Booking]) -> None:
        self._cancel(request, queryset, None)

    @admin.action(description=_("Annuler sans facturation"), permissions=["change"])
    def action_cancel_free(self, request: HttpRequest, queryset: QuerySet[Booking]) -> None:
        self._cancel(request, queryset, False)

    @admin.action(description=_("Annuler et facturer"), permissions=["change"])
    def action_cancel_billed(self, request: HttpRequest, queryset: QuerySet[Booking]) -> None:
        self._cancel(request, queryset, True)

    @admin.action(description=_("Confirmer les réservations en attente"), permissions=["change"])
    def action_confirm(self, request: HttpRequest, queryset: QuerySet[Booking]) -> None:
        count = 0
        for booking in queryset.filter(status=Booking.Status.PENDING):
            services.booking_confirm(booking=booking, by=staff_user(request), request=request)
            count += 1
        messages.success(
            request,
            ngettext("%(n)d réservation confirmée.", "%(n)d réservations confirmées.", count)
            % {"n": count},
        )


@admin.register(WaitingListEntry)
class WaitingListEntryAdmin(StaffModelAdmin):
    list_display = ["opening", "member", "status", "created_at", "offered_at"]
    list_filter = ["status", "opening__unit__activity"]
    list_select_related = ["opening__unit__activity", "member"]
    search_fields = ["member__first_name", "member__last_name", "member__family__name"]
    show_full_result_count = False
    readonly_fields = [
        "opening",
        "member",
        "family",
        "status",
        "created_at",
        "created_by",
        "offered_at",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


# Registration campaigns (reservations/campaigns/admin.py).
# Justified absences (reservations/absences/admin.py).
from reservations.absences import admin as _absences_admin  # noqa: E402, F401
from reservations.campaigns import admin as _campaigns_admin  # noqa: E402, F401
