"""Shared custody (garde alternée) in the bookings: each household books and cancels its own
days, sees the other's as « Réservé par l'autre foyer » without any detail, and the child takes
one place whoever books."""

import datetime
import threading

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse

from espace_famille.models import AuditEvent
from inscriptions.models import Activity
from reservations.audit_kinds import BookingEvent
from reservations.models import Booking, Opening, WaitingListEntry
from reservations.selectors import State
from reservations.services import (
    BookingRefused,
    booking_cancel,
    booking_create,
    bookings_apply,
    opening_update,
    typical_week_apply,
    waitlist_join,
)
from tests.factories import enrol, insert_booking, make_family, share_child
from tests.reservations.test_views import (
    _count,
    _household_with_bookings,
    monday_in,
    planning_url,
    week_openings,
)

pytestmark = pytest.mark.django_db


def test_a_booking_records_the_household_that_made_it(
    lea, other_family, other_parent, opening, enrolled, shared, before
):
    booking = booking_create(
        member=lea, opening=opening, user=other_parent, now=before, family=other_family
    )
    assert booking.family == other_family
    event = AuditEvent.objects.get(kind=BookingEvent.BOOKING_CREATED)
    assert event.family == other_family  # in the journal of the household that booked


def test_the_other_household_cannot_cancel_a_day_it_did_not_book(
    lea, family, other_family, parent, other_parent, opening, enrolled, shared, before
):
    theirs = booking_create(
        member=lea, opening=opening, user=other_parent, now=before, family=other_family
    )
    with pytest.raises(BookingRefused) as refused:
        booking_cancel(booking=theirs, user=parent, now=before, family=family)
    assert refused.value.code == BookingRefused.OTHER_HOUSEHOLD
    theirs.refresh_from_db()
    assert theirs.status == Booking.Status.BOOKED
    booking_cancel(booking=theirs, user=other_parent, now=before, family=other_family)
    theirs.refresh_from_db()
    assert theirs.status == Booking.Status.CANCELLED


def test_an_old_booking_without_household_belongs_to_the_main_one(
    lea, family, other_family, parent, other_parent, opening, enrolled, shared, before
):
    old = insert_booking(lea, opening)  # made before shared custody: family empty
    with pytest.raises(BookingRefused):
        booking_cancel(booking=old, user=other_parent, now=before, family=other_family)
    booking_cancel(booking=old, user=parent, now=before, family=family)
    old.refresh_from_db()
    assert old.status == Booking.Status.CANCELLED


def test_the_child_takes_one_place_whoever_books(
    lea, family, other_family, parent, other_parent, opening, enrolled, shared, before
):
    booking_create(member=lea, opening=opening, user=parent, now=before, family=family)
    with pytest.raises(BookingRefused) as refused:
        booking_create(
            member=lea, opening=opening, user=other_parent, now=before, family=other_family
        )
    assert refused.value.code == BookingRefused.TWICE
    assert Booking.objects.filter(member=lea, opening=opening).count() == 1
    opening.refresh_from_db()
    assert opening.booked_count == 1


def test_the_database_refuses_a_second_live_booking_of_the_child(
    lea, family, other_family, opening, shared
):
    from django.db import IntegrityError, transaction

    Booking.objects.create(member=lea, opening=opening, family=family)
    with pytest.raises(IntegrityError), transaction.atomic():
        Booking.objects.create(member=lea, opening=opening, family=other_family)


@pytest.fixture
def live(structure):
    from django.utils import timezone

    from inscriptions.models import Unit

    today = timezone.localdate()
    activity = Activity.objects.create(
        name="Périscolaire du soir",
        service="periscolaire",
        start_date=today - datetime.timedelta(days=60),
        end_date=today + datetime.timedelta(days=300),
    )
    return Unit.objects.create(activity=activity, name="Soir", weekdays="12345", capacity=10)


@pytest.fixture
def week(live, lea, shared):
    enrol(lea, live.activity)
    return week_openings(live, monday_in(2))


def _cells(page):
    return page.context["planning"].weeks[0].rows[0].cells


def test_each_household_sees_the_others_days_without_detail(
    parent_client, client, other_parent, lea, family, other_family, week
):
    insert_booking(lea, week[0], family=other_family)
    insert_booking(lea, week[1], family=family)
    page = parent_client.get(planning_url(lea, date=week[0].date.isoformat()))
    cells = _cells(page)
    assert [c.state for c in cells[:3]] == [State.OTHER_HOUSEHOLD, State.BOOKED, State.AVAILABLE]
    assert (cells[0].action, cells[0].remaining, cells[0].deadline) == ("", None, None)
    assert "Réservé par l&#x27;autre foyer" in page.text
    legend = [state for state, _label, _icon in page.context["planning"].legend]
    assert State.OTHER_HOUSEHOLD in legend
    client.force_login(other_parent)
    theirs = client.get(planning_url(lea, date=week[0].date.isoformat()))
    assert [c.state for c in _cells(theirs)[:3]] == [
        State.BOOKED,
        State.OTHER_HOUSEHOLD,
        State.AVAILABLE,
    ]
    assert "TEST" not in theirs.text.replace("Léa TEST", "")  # nothing of the main household


def test_a_waiting_list_place_is_the_household_s_that_asked_for_it(
    parent_client, client, other_parent, lea, family, other_family, week
):
    """The household that joined the waiting list decides on the place offered; the other
    one sees the day as on its waiting list, with nothing to tick."""
    WaitingListEntry.objects.create(
        member=lea,
        opening=week[0],
        family=other_family,
        status=WaitingListEntry.Status.OFFERED,
        created_by=other_parent,
    )
    WaitingListEntry.objects.create(member=lea, opening=week[1], created_by=None)  # main's
    url = planning_url(lea, date=week[0].date.isoformat())
    cells = _cells(parent_client.get(url))
    assert [c.state for c in cells[:2]] == [State.OTHER_WAITING, State.WAITING]
    assert (cells[0].action, cells[1].action) == ("", "leave")
    client.force_login(other_parent)
    page = client.get(url)
    theirs = _cells(page)
    assert [c.state for c in theirs[:2]] == [State.OFFERED, State.OTHER_WAITING]
    assert (theirs[0].action, theirs[1].action) == ("book", "")
    assert "Liste d&#x27;attente de l&#x27;autre foyer" in page.text
    legend = [state for state, _label, _icon in page.context["planning"].legend]
    assert State.OTHER_WAITING in legend


def test_a_child_not_shared_has_no_other_household_legend(parent_client, hugo, live):
    enrol(hugo, live.activity)
    week_openings(live, monday_in(2))
    page = parent_client.get(planning_url(hugo, date=monday_in(2).isoformat()))
    legend = [state for state, _label, _icon in page.context["planning"].legend]
    assert State.OTHER_HOUSEHOLD not in legend


def test_planning_posts_book_for_the_household_and_leave_the_others_days(
    client, other_parent, lea, family, other_family, week
):
    mine = insert_booking(lea, week[0], family=family)
    client.force_login(other_parent)
    response = client.post(
        planning_url(lea, date=week[0].date.isoformat()),
        {"cancel": [week[0].pk], "book": [week[1].pk]},
        follow=True,
    )
    mine.refresh_from_db()
    assert mine.status == Booking.Status.BOOKED
    assert "réservé par l&#x27;autre foyer" in response.text
    booked = Booking.objects.get(member=lea, opening=week[1])
    assert booked.family == other_family


def test_typical_week_leaves_the_other_households_days(
    lea, family, other_family, other_parent, live, week
):
    insert_booking(lea, week[0], family=family)
    summary = typical_week_apply(
        member=lea,
        user=other_parent,
        pattern=[(live.pk, 1), (live.pk, 2)],
        start=week[0].date,
        end=week[4].date,
        family=other_family,
    )
    assert summary.other_household == [week[0]]
    assert summary.booked == [week[1]]
    assert Booking.objects.get(opening=week[1]).family == other_family
    assert Booking.objects.get(opening=week[0]).family == family


def test_bookings_apply_records_the_household(lea, other_family, other_parent, week):
    result = bookings_apply(member=lea, user=other_parent, book=[week[2].pk], family=other_family)
    assert result.refused == []
    assert Booking.objects.get(opening=week[2]).family == other_family


def test_a_place_from_the_waiting_list_is_booked_for_the_household_that_waited(
    lea,
    hugo,
    family,
    other_family,
    other_parent,
    parent,
    activity,
    opening,
    enrolled,
    shared,
    staff,
    before,
    django_capture_on_commit_callbacks,
):
    activity.waiting_list = activity.WaitingList.AUTO
    activity.save()
    enrol(hugo, activity)
    Opening.objects.filter(pk=opening.pk).update(capacity=1)
    booking_create(member=hugo, opening=opening, user=parent, now=before)
    entry = waitlist_join(
        member=lea, opening=opening, user=other_parent, now=before, family=other_family
    )
    assert entry.family == other_family
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        opening_update(opening=opening, capacity=2, is_closed=False, by=staff, now=before)
    booking = Booking.objects.get(member=lea, opening=opening)
    assert booking.family == other_family
    assert [message.to for message in mail.outbox] == [
        ["famille-autre@example.org", "autre@example.org"]
    ]
    assert WaitingListEntry.objects.get(pk=entry.pk).status == WaitingListEntry.Status.BOOKED


@pytest.mark.parametrize("view", ["semaine", "mois"])
def test_shared_planning_query_count_is_bounded_and_flat(
    client,
    other_parent,
    lea,
    family,
    other_family,
    live,
    week,
    view,
    django_assert_max_num_queries,
):
    client.force_login(other_parent)
    url = planning_url(lea, date=week[0].date.isoformat(), vue=view)
    insert_booking(lea, week[0], family=other_family)
    with django_assert_max_num_queries(12):
        few = _count(client, url)
    for w in range(-10, 10):
        for opening in week_openings(live, monday_in(w)):
            Booking.objects.get_or_create(
                member=lea, opening=opening, defaults={"family": family if w % 2 else None}
            )
    for i in range(10):
        _household_with_bookings(f"FOYER{i}", live, 8)
    with django_assert_max_num_queries(12):
        many = _count(client, url)
    assert many == few, (few, many)


@pytest.mark.django_db(transaction=True)
@pytest.mark.concurrency
def test_two_households_booking_the_same_day_at_once_make_one_booking(activity, opening, before):
    main = make_family("PRINCIPAL", "principal@example.org", ("Enfant",))
    second = make_family("SECOND", "second@example.org", ())
    child = main.members.get(first_name="Enfant")
    share_child(child, second)
    enrol(child, activity)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []
    lock = threading.Lock()

    def book(household):
        try:
            barrier.wait(timeout=30)
            booking_create(member=child, opening=opening, user=None, now=before, family=household)
            outcome = "booked"
        except BookingRefused as refused:
            outcome = refused.code
        except Exception as error:  # reported in the assertion below
            outcome = repr(error)
        finally:
            connection.close()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=book, args=(h,)) for h in (main, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == sorted(["booked", BookingRefused.TWICE]), outcomes
    assert Booking.objects.filter(member=child, opening=opening).count() == 1
    opening.refresh_from_db()
    assert opening.booked_count == 1


def test_the_index_lists_the_shared_child_for_the_second_household(
    other_client, lea, zoe, live, week
):
    page = other_client.get(reverse("reservations:index"))
    assert "Léa" in page.text


def test_mes_donnees_of_each_household_holds_its_own_bookings_and_the_shared_child(
    lea, hugo, family, other_family, week
):
    from espace_famille.export import sections_for

    insert_booking(lea, week[0], family=family)
    insert_booking(lea, week[1])  # an older row: the main household's
    insert_booking(lea, week[2], family=other_family)

    def by_key(household):
        return {section.key: section for section in sections_for(household)}

    def booked_days(household):
        section = by_key(household)["reservations"]
        day = section.columns.index("Date")
        return sorted(row[day] for row in section.rows)

    assert booked_days(family) == [week[0].date.isoformat(), week[1].date.isoformat()]
    assert booked_days(other_family) == [week[2].date.isoformat()]
    members = by_key(other_family)["membres"]
    names = {cell for row in members.rows for cell in row}
    assert "Léa" in names
    assert "Hugo" not in names


def test_staff_book_for_a_named_household_of_the_child_only(
    staff_client, lea, family, other_family, opening, enrolled, shared
):
    from tests.factories import make_family

    url = reverse("admin:reservations_booking_add")
    stranger = make_family("ÉTRANGER", "etranger@example.org", ())
    refused = staff_client.post(
        url, {"member": lea.pk, "opening": opening.pk, "family": stranger.pk}
    )
    assert refused.status_code == 200
    assert "Ce foyer n&#x27;est pas un foyer de cet enfant." in refused.text
    assert not Booking.objects.exists()
    response = staff_client.post(
        url, {"member": lea.pk, "opening": opening.pk, "family": other_family.pk}
    )
    assert response.status_code == 302
    assert Booking.objects.get().family == other_family
