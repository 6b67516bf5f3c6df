"""The chair's program builder: sessions and slots, every refusal, versions, the log."""

import datetime as dt

import pytest
from django.urls import reverse

from activity.models import Entry
from program.models import Program, Session, SessionKind, Slot
from tests import factories
from workshops.enums import PersonRole

from .conftest import at, local, paper

pytestmark = pytest.mark.django_db


def new_url(workshop):
    return reverse("program:session_new", args=[workshop.slug])


def edit_url(session):
    return reverse("program:session_edit", args=[session.workshop.slug, session.pk])


def form(start="09:00", end="10:30", *, title="Morning talks", room="Hall A", slots=(), **extra):
    """The session form as posted: ``slots`` are dicts of a slot row's fields."""
    data = {
        "kind": SessionKind.TALKS,
        "title": title,
        "starts_at": local(*map(int, start.split(":"))),
        "ends_at": local(*map(int, end.split(":"))),
        "room": room,
        "description": "",
        "slots-TOTAL_FORMS": str(len(slots)),
        "slots-INITIAL_FORMS": "0",
        "slots-MIN_NUM_FORMS": "0",
        "slots-MAX_NUM_FORMS": "200",
    }
    for index, slot in enumerate(slots):
        for name, value in slot.items():
            data[f"slots-{index}-{name}"] = "" if value is None else str(value)
    data.update(extra)
    return data


def talk(paper_, minutes=20, **extra):
    return {"submission": paper_.pk, "duration_minutes": minutes, **extra}


def errors_of(response) -> str:
    return " ".join(str(e) for e in response.context["form"].non_field_errors())


def snapshot(workshop):
    return (
        list(Session.objects.filter(workshop=workshop).order_by("pk").values()),
        list(Slot.objects.filter(session__workshop=workshop).order_by("pk").values()),
    )


def test_a_chair_creates_a_session_of_talks_in_local_time(chair_client, vienna, papers):
    response = chair_client.post(
        new_url(vienna), form(slots=[talk(papers[1], 25), talk(papers[0], 20)])
    )

    assert response.status_code == 302, errors_of(response)
    session = Session.objects.get(workshop=vienna)
    assert session.starts_at == dt.datetime(2030, 5, 22, 7, 0, tzinfo=dt.UTC)  # 09:00 Vienna
    assert session.ends_at == at(10, 30)
    assert session.sequence == 0
    assert [(s.submission, s.duration_minutes) for s in session.slots.all()] == [
        (papers[1], 25),
        (papers[0], 20),
    ]
    entries = Entry.objects.filter(workshop=vienna, kind="program")
    assert entries.filter(action="session_created", submission=None).count() == 1
    assert set(entries.filter(action="slot_added").values_list("submission", flat=True)) == {
        papers[0].pk,
        papers[1].pk,
    }


def test_builder_lists_sessions_and_the_papers_still_unplaced(chair_client, vienna, papers):
    chair_client.post(new_url(vienna), form(slots=[talk(papers[0])]))

    html = chair_client.get(reverse("program:manage", args=[vienna.slug])).content.decode()

    assert "Morning talks" in html and "Hall A" in html
    assert f"#{papers[0].number} Accepted paper 1 (20 min)" in html
    unplaced = html.split("not yet in the program")[1]
    assert "Accepted paper 1" not in unplaced and "Accepted paper 2" in unplaced


def test_a_session_overlapping_another_in_the_same_room_is_refused(chair_client, vienna):
    chair_client.post(new_url(vienna), form("09:00", "10:30", title="First"))
    before = snapshot(vienna)

    response = chair_client.post(new_url(vienna), form("10:00", "11:00", title="Second"))

    assert response.status_code == 400
    assert "overlaps “First” (09:00–10:30) in room “Hall A”" in errors_of(response)
    assert snapshot(vienna) == before
    # The same hours in another room, or right after in the same room, are fine.
    other_room = chair_client.post(new_url(vienna), form("10:00", "11:00", room="Hall B"))
    assert other_room.status_code == 302
    after = chair_client.post(new_url(vienna), form("10:30", "11:00", title="Third"))
    assert after.status_code == 302
    assert Session.objects.filter(workshop=vienna).count() == 3


def test_a_room_is_the_same_whatever_its_case_and_spaces(chair_client, vienna):
    chair_client.post(new_url(vienna), form(room="Hall A"))

    response = chair_client.post(new_url(vienna), form(room="  hall a "))

    assert response.status_code == 400 and "overlaps" in errors_of(response)


def test_moving_a_session_onto_another_is_refused_and_changes_nothing(chair_client, vienna):
    chair_client.post(new_url(vienna), form("09:00", "10:00", title="First"))
    chair_client.post(new_url(vienna), form("11:00", "12:00", title="Second"))
    second = Session.objects.get(title="Second")
    before = snapshot(vienna)

    response = chair_client.post(
        edit_url(second), form("09:30", "10:30", title="Second", version=second.version)
    )

    assert response.status_code == 400 and "overlaps “First”" in errors_of(response)
    assert snapshot(vienna) == before


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (local(8, 0, dt.date(2030, 5, 21)), local(9, 0, dt.date(2030, 5, 21))),  # the day before
        (local(23, 0), local(1, 0, dt.date(2030, 5, 23))),  # runs past midnight
    ],
)
def test_a_session_outside_the_workshop_day_is_refused(chair_client, vienna, start, end):
    response = chair_client.post(new_url(vienna), form(starts_at=start, ends_at=end))

    assert response.status_code == 400
    assert "falls outside the workshop day (Wednesday 22 May 2030" in errors_of(response)
    assert not Session.objects.exists()


def test_a_session_until_midnight_is_on_the_day(chair_client, vienna):
    response = chair_client.post(
        new_url(vienna), form("23:00", "23:00", ends_at=local(0, 0, dt.date(2030, 5, 23)))
    )

    assert response.status_code == 302


def test_without_a_workshop_day_the_builder_says_so(client):
    workshop = factories.WorkshopFactory(timezone="Europe/Vienna")
    client.force_login(factories.member(workshop, "chair"))

    response = client.post(new_url(workshop), form())

    assert response.status_code == 400
    assert "The workshop has no workshop day yet" in errors_of(response)
    page = client.get(reverse("program:manage", args=[workshop.slug])).content.decode()
    assert "The workshop has no workshop day yet" in page


def test_a_session_must_end_after_it_starts(chair_client, vienna):
    response = chair_client.post(new_url(vienna), form("10:00", "09:00"))

    assert response.status_code == 400
    assert "The session must end after it starts." in response.content.decode()
    assert not Session.objects.exists()


def test_talks_lasting_longer_than_the_session_are_refused(chair_client, vienna, papers):
    response = chair_client.post(
        new_url(vienna),
        form("09:00", "10:00", slots=[talk(papers[0], 30), talk(papers[1], 31)]),
    )

    assert response.status_code == 400
    assert "The slots last 61 minutes in all, longer than the session (60 minutes)" in errors_of(
        response
    )
    assert not Session.objects.exists() and not Slot.objects.exists()


@pytest.mark.parametrize(
    "kind",
    ["undecided", "unreleased", "rejected", "withdrawn"],
)
def test_a_paper_that_is_not_a_released_accepted_paper_is_refused(chair_client, vienna, kind):
    from program.services import SessionInput, SlotInput, save_session

    if kind == "undecided":
        bad = factories.SubmissionFactory(workshop=vienna, submitted=True)
    elif kind == "unreleased":
        bad = paper(vienna, released=False)
    elif kind == "rejected":
        bad = paper(vienna, outcome="reject", state="rejected")
    else:
        bad = paper(vienna, state="withdrawn")

    # The form offers only accepted papers with a released decision...
    response = chair_client.post(new_url(vienna), form(slots=[talk(bad)]))
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    # ...and the service refuses any other, whoever calls it.
    data = SessionInput(SessionKind.TALKS, "Talks", at(9), at(10), "Hall A")
    with pytest.raises(Exception) as refused:
        save_session(vienna, data, [SlotInput(submission=bad, duration_minutes=10)], by=None)
    assert f"Paper #{bad.number} is not an accepted paper with a released decision" in str(
        refused.value
    )
    assert not Session.objects.exists()


def test_a_paper_placed_twice_is_refused(chair_client, vienna, papers):
    twice = chair_client.post(new_url(vienna), form(slots=[talk(papers[0]), talk(papers[0])]))
    assert twice.status_code == 400
    assert f"Paper #{papers[0].number} is placed twice in this session." in errors_of(twice)

    chair_client.post(new_url(vienna), form(slots=[talk(papers[0])]))
    posters = form(
        "11:00",
        "12:00",
        title="Posters",
        room="Foyer",
        kind=SessionKind.POSTERS,
        slots=[{"submission": papers[0].pk}],
    )
    elsewhere = chair_client.post(new_url(vienna), posters)

    assert elsewhere.status_code == 400
    assert f"Paper #{papers[0].number} is already in the session “Morning talks”" in errors_of(
        elsewhere
    )
    assert Slot.objects.count() == 1


def test_a_stale_edit_is_refused_and_the_newer_save_kept(chair_client, client, vienna, papers):
    chair_client.post(new_url(vienna), form(title="Talks"))
    session = Session.objects.get()
    loaded = session.version
    other = factories.member(vienna, "chair", full_name="Other Chair")
    client.force_login(other)
    first = client.post(edit_url(session), form(title="Renamed by the other", version=loaded))
    assert first.status_code == 302

    stale = chair_client.post(edit_url(session), form(title="My title", version=loaded))

    assert stale.status_code == 409
    html = stale.content.decode()
    assert "Not saved: someone else saved first" in html and "Renamed by the other" in html
    session.refresh_from_db()
    assert session.title == "Renamed by the other"
    # The page carries the new version: saving again, deliberately, goes through.
    again = chair_client.post(edit_url(session), form(title="My title", version=session.version))
    assert again.status_code == 302
    session.refresh_from_db()
    assert session.title == "My title"


def test_sequence_grows_when_time_or_room_changes_only(chair_client, vienna):
    chair_client.post(new_url(vienna), form())
    session = Session.objects.get()

    def save(**changes):
        session.refresh_from_db()
        data = form(version=session.version, **changes)
        assert chair_client.post(edit_url(session), data).status_code == 302
        session.refresh_from_db()
        return session.sequence

    assert save(title="New title") == 0
    assert save(ends_at=local(11, 0)) == 1
    assert save(ends_at=local(11, 0), room="Hall B") == 2
    assert save(ends_at=local(11, 0), room="Hall B", description="Bring questions") == 2


def test_editing_slots_keeps_order_durations_and_logs_each_paper(chair_client, vienna, papers):
    chair_client.post(new_url(vienna), form(slots=[talk(papers[0]), talk(papers[1])]))
    session = Session.objects.get()
    first, second = session.slots.all()
    data = form(version=session.version)
    data.update(
        {
            "slots-TOTAL_FORMS": "3",
            "slots-INITIAL_FORMS": "2",
            "slots-0-id": first.pk,
            "slots-0-submission": papers[0].pk,
            "slots-0-duration_minutes": "20",
            "slots-0-order": "2",
            "slots-1-id": second.pk,
            "slots-1-submission": papers[1].pk,
            "slots-1-duration_minutes": "20",
            "slots-1-DELETE": "on",
            "slots-2-title": "Coffee break",
            "slots-2-duration_minutes": "15",
            "slots-2-order": "1",
        }
    )

    response = chair_client.post(edit_url(session), data)

    assert response.status_code == 302, errors_of(response)
    assert [(s.title or s.submission.title, s.order) for s in session.slots.all()] == [
        ("Coffee break", 1),
        ("Accepted paper 1", 2),
    ]
    removed = Entry.objects.get(action="slot_removed")
    assert removed.submission == papers[1]
    moved = Entry.objects.get(action="slot_changed")
    assert moved.submission == papers[0] and moved.changes == {"order": [1, 2]}


def test_a_slot_needs_a_paper_or_a_title(chair_client, vienna):
    response = chair_client.post(new_url(vienna), form(slots=[{"duration_minutes": 10}]))

    assert response.status_code == 400
    assert "Choose a paper or give the item a title." in response.content.decode()
    assert not Session.objects.exists()


def test_invited_talk_and_panel_come_from_the_workshops_people(chair_client, vienna):
    speaker = factories.PersonFactory(workshop=vienna, name="Ida Invited", role=PersonRole.SPEAKER)
    panelist = factories.PersonFactory(workshop=vienna, name="Pat Panel", role=PersonRole.PANELIST)
    stranger = factories.PersonFactory(name="Of Another Workshop")

    response = chair_client.post(
        new_url(vienna), form(kind=SessionKind.INVITED, title="Keynote", people=[speaker.pk])
    )
    assert response.status_code == 302
    assert list(Session.objects.get().people.all()) == [speaker]
    page = chair_client.get(new_url(vienna)).content.decode()
    assert "Pat Panel (Panelist)" in page and "Of Another Workshop" not in page
    refused = chair_client.post(
        new_url(vienna),
        form("11:00", "12:00", kind=SessionKind.PANEL, people=[panelist.pk, stranger.pk]),
    )
    assert refused.status_code == 400 and Session.objects.count() == 1


def test_deleting_a_session_frees_its_papers_and_is_logged(chair_client, vienna, papers):
    chair_client.post(new_url(vienna), form(slots=[talk(papers[0])]))
    session = Session.objects.get()

    response = chair_client.post(
        reverse("program:session_delete", args=[vienna.slug, session.pk]),
        {"version": session.version},
    )

    assert response.status_code == 302
    assert not Session.objects.exists() and not Slot.objects.exists()
    assert Entry.objects.filter(action="session_deleted", submission=None).count() == 1
    assert Entry.objects.filter(action="slot_removed", submission=papers[0]).count() == 1


def test_a_stale_delete_is_refused(chair_client, vienna):
    chair_client.post(new_url(vienna), form())
    session = Session.objects.get()
    stale = session.version
    chair_client.post(edit_url(session), form(title="Changed", version=stale))

    chair_client.post(
        reverse("program:session_delete", args=[vienna.slug, session.pk]), {"version": stale}
    )

    assert Session.objects.filter(title="Changed").exists()


def test_publishing_and_withdrawing_the_program(chair_client, client, vienna, papers):
    chair_client.post(new_url(vienna), form(slots=[talk(papers[0])]))
    public = reverse("program:public", args=[vienna.slug])
    assert client.get(public).status_code == 404
    assert 'id="program"' not in client.get(vienna.get_absolute_url()).content.decode()
    preview = chair_client.get(public).content.decode()
    assert "Preview" in preview and "Accepted paper 1" in preview
    program = Program.objects.get(workshop=vienna)
    publish = reverse("program:publish", args=[vienna.slug])

    chair_client.post(publish, {"publish": "True", "version": program.version})

    program.refresh_from_db()
    assert program.is_published
    assert client.get(public).status_code == 200
    assert "Accepted paper 1" in client.get(vienna.get_absolute_url()).content.decode()
    stale = chair_client.post(publish, {"publish": "", "version": program.version - 1})
    assert stale.status_code == 302
    program.refresh_from_db()
    assert program.is_published  # the stale withdrawal changed nothing

    chair_client.post(publish, {"publish": "", "version": program.version})

    program.refresh_from_db()
    assert not program.is_published
    assert client.get(public).status_code == 404
    actions = list(
        Entry.objects.filter(kind="program", action__in=["published", "unpublished"])
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == ["published", "unpublished"]


@pytest.mark.parametrize("role", [None, "reviewer", "author"])
def test_only_chairs_reach_the_builder(client, vienna, papers, role):
    chair_client_urls = [
        ("get", reverse("program:manage", args=[vienna.slug])),
        ("get", new_url(vienna)),
        ("post", new_url(vienna)),
        ("post", reverse("program:publish", args=[vienna.slug])),
    ]
    if role == "reviewer":
        client.force_login(factories.member(vienna, "reviewer"))
    elif role == "author":
        client.force_login(papers[0].created_by)

    for method, url in chair_client_urls:
        response = getattr(client, method)(url, form() if method == "post" else None)
        if role is None:
            assert response.status_code == 302 and "/accounts/login/" in response.url
        else:
            assert response.status_code == 403
    assert (
        not Session.objects.exists()
        and not Program.objects.filter(published_at__isnull=False).exists()
    )


def test_a_chair_of_another_workshop_gets_404_for_its_sessions(client, vienna):
    from program.services import SessionInput, save_session

    session = save_session(
        vienna, SessionInput(SessionKind.OTHER, "Opening", at(9), at(9, 15)), [], by=None
    )
    other = factories.WorkshopFactory()
    client.force_login(factories.member(other, "chair"))

    assert client.get(edit_url(session)).status_code == 403
    own = reverse("program:session_edit", args=[other.slug, session.pk])
    assert client.get(own).status_code == 404


def test_a_conflicted_chair_never_sees_the_paper_in_the_builder(client, vienna, papers):
    from program.services import SessionInput, SlotInput, save_session

    secret = papers[0]
    session = save_session(
        vienna,
        SessionInput(SessionKind.TALKS, "Morning talks", at(9), at(10), "Hall A"),
        [SlotInput(secret, duration_minutes=20), SlotInput(papers[1], duration_minutes=20)],
        by=None,
    )
    conflicted = factories.member(vienna, "chair", full_name="Conny Conflicted")
    factories.ConflictFactory(submission=secret, user=conflicted)
    client.force_login(conflicted)

    overview = client.get(reverse("program:manage", args=[vienna.slug])).content.decode()
    edit = client.get(edit_url(session)).content.decode()

    for html in (overview, edit):
        assert secret.title not in html and "Author 1-0" not in html
        assert "A paper you are conflicted with" in html
        assert papers[1].title in html
    # Saving the session (a new time) keeps the hidden slot as it is, and counts it.
    session.refresh_from_db()
    response = client.post(
        edit_url(session),
        {
            **form("09:00", "09:40", version=session.version),
            "slots-TOTAL_FORMS": "1",
            "slots-INITIAL_FORMS": "1",
            "slots-0-id": session.slots.get(submission=papers[1]).pk,
            "slots-0-submission": papers[1].pk,
            "slots-0-duration_minutes": "20",
        },
    )
    assert response.status_code == 302, errors_of(response)
    assert set(session.slots.values_list("submission", flat=True)) == {secret.pk, papers[1].pk}
    visible = session.slots.get(submission=papers[1])
    too_short = client.post(
        edit_url(session),
        {
            **form("09:00", "09:30", version=Session.objects.get().version),
            "slots-TOTAL_FORMS": "1",
            "slots-INITIAL_FORMS": "1",
            "slots-0-id": visible.pk,
            "slots-0-submission": papers[1].pk,
            "slots-0-duration_minutes": "20",
        },
    )
    assert too_short.status_code == 400  # the hidden 20 minutes still count
    assert "The slots last 40 minutes" in errors_of(too_short)


@pytest.mark.parametrize("total", [None, "abc", "100000", "-5"])
def test_a_malformed_slot_formset_is_refused_without_saving(chair_client, vienna, total):
    data = form()
    if total is None:
        del data["slots-TOTAL_FORMS"]
    else:
        data["slots-TOTAL_FORMS"] = total

    response = chair_client.post(new_url(vienna), data)

    assert response.status_code == 400
    assert not Session.objects.exists()


def test_a_hidden_paper_whose_decision_changed_neither_blocks_nor_is_named(client, vienna, papers):
    """A kept slot (a paper the chair is conflicted with) is not the editor's to check."""
    from program.services import SessionInput, SlotInput, save_session
    from reviews.models import Decision
    from submissions.enums import SubmissionState

    secret = papers[0]
    session = save_session(
        vienna,
        SessionInput(SessionKind.TALKS, "Morning talks", at(9), at(10), "Hall A"),
        [SlotInput(secret, duration_minutes=20), SlotInput(papers[1], duration_minutes=20)],
        by=None,
    )
    Decision.objects.filter(submission=secret).update(outcome="reject")
    type(secret).objects.filter(pk=secret.pk).update(state=SubmissionState.REJECTED)
    conflicted = factories.member(vienna, "chair", full_name="Conny Conflicted")
    factories.ConflictFactory(submission=secret, user=conflicted)
    client.force_login(conflicted)
    session.refresh_from_db()

    response = client.post(
        edit_url(session),
        {
            **form("09:00", "09:50", version=session.version),
            "slots-TOTAL_FORMS": "1",
            "slots-INITIAL_FORMS": "1",
            "slots-0-id": session.slots.get(submission=papers[1]).pk,
            "slots-0-submission": papers[1].pk,
            "slots-0-duration_minutes": "25",
        },
    )

    assert response.status_code == 302, errors_of(response)
    page = client.get(response["Location"]).content.decode()
    assert f"#{secret.number}" not in page and secret.title not in page
    assert session.slots.get(submission=papers[1]).duration_minutes == 25
    assert session.slots.filter(submission=secret).exists()  # kept as it was
