"""The call pages' old schedule becomes the program: the data migration, run for real."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from program.schedule_import import end_of, kind_from_title

BEFORE = [("workshops", "0004_camera_ready_page_limit"), ("program", "0002_session_version")]
AFTER = [("workshops", "0005_remove_scheduleitem"), ("program", "0003_schedule_items_to_program")]


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("Coffee break", "break"),
        ("Lunch", "break"),
        ("Panel discussion: the future of backdoors", "panel"),
        ("Poster session 1", "posters"),
        ("Invited talk: Micah Goldblum", "invited"),
        ("Keynote", "invited"),
        ("Opening remarks", "other"),
        ("Team photo", "other"),
    ],
)
def test_kind_from_title(title, kind):
    assert kind_from_title(title) == kind


def test_a_missing_end_is_the_next_start_or_half_an_hour():
    nine = dt.datetime(2030, 5, 22, 9, tzinfo=dt.UTC)
    item = SimpleNamespace(starts_at=nine, ends_at=None)
    same_time = SimpleNamespace(starts_at=nine, ends_at=None)
    later = SimpleNamespace(starts_at=nine + dt.timedelta(minutes=45), ends_at=None)

    assert end_of(item, [same_time, later]) == later.starts_at
    assert end_of(item, [same_time]) == nine + dt.timedelta(minutes=30)


@pytest.mark.django_db(transaction=True)
def test_schedule_items_become_sessions_of_a_published_program():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    try:
        Workshop = old.get_model("workshops", "Workshop")
        ScheduleItem = old.get_model("workshops", "ScheduleItem")
        Person = old.get_model("workshops", "Person")
        workshop = Workshop.objects.create(name="Old", slug="old-schedule", timezone="UTC")
        Workshop.objects.create(name="Empty", slug="no-schedule", timezone="UTC")
        Person.objects.create(workshop=workshop, name="Micah Goldblum", role="speaker")
        nine = dt.datetime(2030, 5, 22, 9, tzinfo=dt.UTC)
        ScheduleItem.objects.create(
            workshop=workshop, starts_at=nine, title="Opening remarks", location="Room 1"
        )
        ScheduleItem.objects.create(
            workshop=workshop,
            starts_at=nine + dt.timedelta(minutes=10),
            ends_at=nine + dt.timedelta(minutes=55),
            title="Invited talk",
            speakers="Micah Goldblum (NYU)",
        )
        ScheduleItem.objects.create(
            workshop=workshop, starts_at=nine + dt.timedelta(hours=1), title="Coffee break"
        )

        executor = MigrationExecutor(connection)
        executor.migrate(AFTER)
        new = executor.loader.project_state(AFTER).apps

        Session = new.get_model("program", "Session")
        Program = new.get_model("program", "Program")
        sessions = list(Session.objects.filter(workshop_id=workshop.pk).order_by("starts_at"))
        assert [(s.title, s.kind) for s in sessions] == [
            ("Opening remarks", "other"),
            ("Invited talk", "invited"),
            ("Coffee break", "break"),
        ]
        opening, invited, coffee = sessions
        assert opening.ends_at == invited.starts_at  # no end: until the next item
        assert opening.room == "Room 1"
        assert invited.ends_at == nine + dt.timedelta(minutes=55)
        assert invited.description == "Speakers: Micah Goldblum (NYU)"
        assert [p.name for p in invited.people.all()] == ["Micah Goldblum"]
        assert coffee.ends_at == coffee.starts_at + dt.timedelta(minutes=30)  # the last one
        assert Program.objects.get(workshop_id=workshop.pk).published_at is not None
        assert not Program.objects.filter(workshop__slug="no-schedule").exists()
        assert "workshops_scheduleitem" not in connection.introspection.table_names()
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
