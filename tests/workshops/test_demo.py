"""The demo data: idempotent loading, faithful seed facts, working demo logins."""

import builtins
import datetime as dt
import importlib.machinery
import io
import os
import pathlib
import sys
import types

import pytest
from allauth.account.models import EmailAddress
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import models
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from submissions.enums import SubmissionState
from submissions.models import Submission
from workshops.demo import loader, seeds
from workshops.enums import AOE, DATE_ORDER, Anonymity, DateKind, MemberRole
from workshops.management.commands import load_demo
from workshops.models import (
    ImportantDate,
    Membership,
    Person,
    ReviewCriterion,
    SubmissionType,
    Topic,
    Workshop,
)

UTC = dt.UTC
DEMO_MODELS = [
    Workshop,
    ImportantDate,
    Topic,
    SubmissionType,
    ReviewCriterion,
    Person,
    Membership,
    User,
    EmailAddress,
]
DEMO_EMAILS = [u["email"] for u in seeds.USERS]
# Traces of UTF-8 text decoded as cp1252 or Mac Roman, and the replacement character.
MOJIBAKE = ["â€", "‚Ä", "√", "Ã", "Â", "‚≠", "üè", "\ufffd"]


def run_command(*args, **kwargs) -> str:
    out = io.StringIO()
    call_command("load_demo", *args, stdout=out, **kwargs)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in DEMO_MODELS}


@pytest.fixture
def demo(db):
    run_command()


@pytest.fixture
def no_app_loaders(monkeypatch):
    """Keep the submissions and reviews demo loaders out of tests about the workshops part."""
    monkeypatch.setattr(load_demo, "APP_LOADERS", [])


def fake_loader_module(monkeypatch, name: str, load) -> None:
    module = types.ModuleType(name)
    module.__spec__ = importlib.machinery.ModuleSpec(name, None)
    module.load = load
    monkeypatch.setitem(sys.modules, name, module)


# --- Idempotency -------------------------------------------------------------------------------


def test_load_demo_twice_creates_no_duplicates(db):
    run_command()
    first = counts()

    run_command()

    assert counts() == first
    assert first["Workshop"] == 7
    assert first["User"] == 18
    assert first["EmailAddress"] == 18


OPEN_EDITION = seeds.DEMO_EDITION["slug"]


def demo_deadline() -> dt.datetime:
    demo = Workshop.objects.get(slug=OPEN_EDITION)
    return demo.dates.get(kind=DateKind.PAPER_SUBMISSION).original_at


def test_demo_edition_dates_count_from_the_day_of_the_first_run(db):
    loader.load(now=dt.datetime(2026, 3, 2, 15, 0, tzinfo=UTC))  # 03:00 on March 2 AoE

    # March 2 + 21 days, at 23:59:59 AoE.
    assert demo_deadline() == dt.datetime(2026, 3, 24, 11, 59, 59, tzinfo=UTC)


def test_demo_edition_dates_stay_while_its_call_is_open(db):
    run_at = dt.datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
    loader.load(now=run_at)
    first = counts()

    loader.load(now=run_at + dt.timedelta(days=10))

    assert counts() == first
    assert demo_deadline() == dt.datetime(2026, 3, 24, 11, 59, 59, tzinfo=UTC)


def test_demo_edition_dates_move_once_its_call_has_closed(db):
    run_at = dt.datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
    loader.load(now=run_at)
    first = counts()

    loader.load(now=run_at + dt.timedelta(days=40))

    assert counts() == first
    # April 11 + 21 days = May 2, at 23:59:59 AoE: open again.
    assert demo_deadline() == dt.datetime(2026, 5, 3, 11, 59, 59, tzinfo=UTC)
    demo = Workshop.objects.prefetch_related("dates").get(slug=OPEN_EDITION)
    assert demo.accepts_new_submissions(now=run_at + dt.timedelta(days=40))


def test_demo_edition_extension_keeps_its_call_open_across_runs(db):
    run_at = dt.datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
    loader.load(now=run_at)
    date = Workshop.objects.get(slug=OPEN_EDITION).dates.get(kind=DateKind.PAPER_SUBMISSION)
    date.extended_at = date.original_at + dt.timedelta(days=30)
    date.save()

    loader.load(now=run_at + dt.timedelta(days=40))  # after the original, before the extension

    date.refresh_from_db()
    assert date.original_at == dt.datetime(2026, 3, 24, 11, 59, 59, tzinfo=UTC)
    assert date.extended_at == date.original_at + dt.timedelta(days=30)


def test_second_load_demo_keeps_a_chairs_edits(db):
    run_command()
    first = counts()
    bands = Workshop.objects.get(slug="bands-2023")
    bands.name = "BANDS, renamed by its chair"
    bands.save()
    Topic.objects.create(workshop=bands, name="A topic the chair added", order=99)
    first["Topic"] += 1
    renamed = bands.topics.order_by("order").first()
    renamed.name = "A topic the chair renamed"
    renamed.save()
    bands.people.create(name="An organizer the chair added")
    first["Person"] += 1
    bugs_deadline = ImportantDate.objects.get(
        workshop__slug="bugs-2023", kind=DateKind.PAPER_SUBMISSION
    )
    bugs_deadline.extended_at = bugs_deadline.original_at + dt.timedelta(days=7)
    bugs_deadline.save()
    Membership.objects.filter(
        workshop=bands, user__email="reviewer1@demo.test", role=MemberRole.REVIEWER
    ).delete()
    first["Membership"] -= 1
    reviewer = User.objects.get(email="reviewer2@demo.test")
    reviewer.set_password("a-password-of-my-own")
    reviewer.full_name = "Lukas B."
    reviewer.save()

    output = run_command()

    assert counts() == first
    bands.refresh_from_db()
    assert bands.name == "BANDS, renamed by its chair"
    assert bands.topics.filter(name="A topic the chair added").exists()
    assert bands.topics.filter(name="A topic the chair renamed").exists()
    assert not bands.topics.filter(name=seeds.BANDS_2023["topics"][0]).exists()
    assert bands.people.filter(name="An organizer the chair added").exists()
    bugs_deadline.refresh_from_db()
    assert bugs_deadline.extended_at == dt.datetime(2023, 10, 7, 11, 59, 59, tzinfo=UTC)
    assert not bands.memberships.filter(user__email="reviewer1@demo.test").exists()
    reviewer.refresh_from_db()
    assert reviewer.check_password("a-password-of-my-own")
    assert reviewer.full_name == "Lukas B."
    assert "0 created" in output


def test_load_demo_recreates_a_deleted_demo_workshop(db, no_app_loaders):
    run_command()
    first = counts()
    Workshop.objects.get(slug="bugs-2023").delete()

    run_command()

    assert counts() == first
    bugs = Workshop.objects.get(slug="bugs-2023")
    assert bugs.topics.count() == 20 and bugs.people.count() == 10
    assert bugs.memberships.count() == 4  # the chair and three reviewers


def test_load_demo_reset_restores_the_seeds(db):
    run_command()
    first = counts()
    bands = Workshop.objects.get(slug="bands-2023")
    bands.name = "Renamed"
    bands.anonymity = "open"
    bands.save()
    Topic.objects.create(workshop=bands, name="A topic the chair added", order=99)
    bands.dates.filter(kind=DateKind.CAMERA_READY).delete()
    reviewer = User.objects.get(email="reviewer2@demo.test")
    reviewer.set_password("a-password-of-my-own")
    reviewer.save()

    output = run_command("--reset")

    assert counts() == first
    bands.refresh_from_db()
    assert bands.name == seeds.BANDS_2023["name"] and bands.is_double_blind
    assert not bands.topics.filter(name="A topic the chair added").exists()
    assert bands.dates.filter(kind=DateKind.CAMERA_READY).exists()
    reviewer.refresh_from_db()
    assert reviewer.check_password(seeds.PASSWORD)
    assert "Restored to the seeds" in output


# --- Seed facts --------------------------------------------------------------------------------


def test_bands_extension_is_stored_as_aoe_instants(demo):
    bands = Workshop.objects.get(slug="bands-2023")
    submission = bands.dates.get(kind=DateKind.PAPER_SUBMISSION)

    assert submission.original_at == dt.datetime(2023, 1, 26, 11, 59, 59, tzinfo=UTC)
    assert submission.extended_at == dt.datetime(2023, 2, 4, 11, 59, 59, tzinfo=UTC)
    assert bands.submission_deadline == submission.extended_at
    assert bands.dates.get(kind=DateKind.AUTHOR_NOTIFICATION).original_at == dt.datetime(
        2023, 3, 4, 11, 59, 59, tzinfo=UTC
    )
    assert bands.dates.get(kind=DateKind.CAMERA_READY).original_at == dt.datetime(
        2023, 4, 16, 11, 59, 59, tzinfo=UTC
    )


def test_bands_call_policies(demo):
    bands = Workshop.objects.get(slug="bands-2023")

    assert (bands.acronym, bands.year, bands.colocated_with) == ("BANDS", 2023, "ICLR 2023")
    assert bands.format == "virtual"
    assert bands.timezone == AOE
    assert bands.is_double_blind
    assert not bands.is_archival
    assert bands.dual_submission_allowed
    assert bands.presentation_outcomes == ["virtual_poster", "virtual_talk"]
    assert bands.code_of_conduct_url == "https://iclr.cc/public/CodeOfConduct"
    assert bands.code_of_ethics_url == "https://iclr.cc/public/CodeOfEthics"
    assert "iclr2023.zip" in bands.template_latex_url
    assert "haven’t been published" in bands.call_for_papers
    assert bands.overview.count("\n- ") == 7
    (paper,) = bands.submission_types.all()
    assert (paper.page_limit, paper.references_excluded, paper.appendices_excluded) == (
        4,
        True,
        True,
    )
    assert [c.name for c in bands.criteria.all()] == [
        "Soundness of the methodology",
        "Novelty",
        "Relevance to the workshop",
        "Societal impacts",
    ]
    assert bands.topics.filter(parent=None).count() == 12
    assert not bands.topics.exclude(parent=None).exists()


def test_bugs_topics_nest_under_three_themes(demo):
    bugs = Workshop.objects.get(slug="bugs-2023")
    themes = {t.name: [c.name for c in t.children.all()] for t in bugs.topics.filter(parent=None)}

    assert list(themes) == ["Backdoor attacks", "Backdoor defenses", "Backdoor for social good"]
    assert themes["Backdoor attacks"][:3] == [
        "Poisoning attacks",
        "Dirty-label backdoor attacks",
        "Clean-label backdoor attacks",
    ]
    assert len(themes["Backdoor attacks"]) == 10
    assert themes["Backdoor defenses"] == [
        "Backdoor detection (poisoned inputs, poisoned models)",
        "Backdoor mitigation (data sanitization, model repair)",
        "Understanding backdoor behaviors",
    ]
    assert len(themes["Backdoor for social good"]) == 4


def test_bugs_call_facts(demo):
    bugs = Workshop.objects.get(slug="bugs-2023")

    assert (bugs.venue, bugs.format, bugs.colocated_with) == (
        "New Orleans, USA",
        "in_person",
        "NeurIPS 2023",
    )
    assert bugs.submission_deadline == dt.datetime(2023, 9, 30, 11, 59, 59, tzinfo=UTC)
    assert bugs.dates.get(kind=DateKind.AUTHOR_NOTIFICATION).original_at == dt.datetime(
        2023, 10, 28, 11, 59, 59, tzinfo=UTC
    )
    day = bugs.dates.get(kind=DateKind.WORKSHOP_DAY)
    assert day.original_at is None
    assert day.note == "December 15 or 16, 2023"
    assert bugs.submission_types.get().page_limit == 6
    assert bugs.criteria.count() == 3
    assert not bugs.is_archival and bugs.dual_submission_allowed and bugs.is_double_blind
    organizers = list(bugs.people.all())
    assert len(organizers) == 10
    assert (organizers[0].name, organizers[0].affiliation, organizers[0].website) == (
        "Khoa D Doan",
        "VinUniversity, Vietnam",
        "https://khoadoan.me",
    )
    assert organizers[-1].name == "Tom Goldstein"


def test_safe_ml_has_three_paper_types_and_ieee_proceedings(demo):
    safe = Workshop.objects.get(slug="safe-ml-2026")

    types_ = [(t.name, t.page_limit, t.references_excluded) for t in safe.submission_types.all()]
    assert types_ == [
        ("Full Paper", 8, True),
        ("Short Paper", 4, True),
        ("Position Paper", 2, True),
    ]
    assert safe.is_archival
    assert safe.proceedings == "IEEE Digital Library"
    # Its call names the IEEE template without a link, and states no review or dual policy.
    assert "IEEE conference proceedings template" in safe.submission_instructions
    assert (safe.template_latex_url, safe.template_word_url) == ("", "")
    assert safe.anonymity == Anonymity.NOT_STATED and not safe.is_double_blind
    assert safe.dual_submission_allowed is None
    assert not safe.requires_dual_submission_statement
    assert (safe.edition, safe.venue, safe.format) == ("2nd", "Daejeon, South Korea", "in_person")
    assert safe.colocated_with.startswith("ICST 2026")
    assert "SAFE-ML 2025" not in safe.overview
    assert safe.submission_deadline == dt.datetime(2026, 3, 7, 11, 59, 59, tzinfo=UTC)
    assert safe.date(DateKind.WORKSHOP_DAY).original_at.date() == dt.date(2026, 5, 22)
    assert safe.topics.count() == 12
    assert not safe.people.exists()
    assert not safe.criteria.exists()


def test_secure_and_safe_ml_is_virtual_with_dates_tbd(demo):
    workshop = Workshop.objects.get(slug="secure-and-safe-ml")

    assert workshop.format == "virtual"
    assert workshop.is_published
    # Its page names no year and states no policy.
    assert workshop.year is None
    assert workshop.short_name == "Secure and Safe ML"
    assert workshop.anonymity == Anonymity.NOT_STATED
    assert workshop.is_archival is None and workshop.dual_submission_allowed is None
    assert not workshop.submission_types.exists() and not workshop.criteria.exists()
    assert workshop.topics.count() == 7
    assert workshop.submission_deadline is None
    assert not workshop.accepts_new_submissions()
    assert all(d.original_at is None for d in workshop.dates.all())


def test_review_criteria_are_those_the_calls_list(demo):
    criteria = {w.slug: [c.name for c in w.criteria.all()] for w in Workshop.objects.all()}

    assert criteria["bugs-2023"] == [
        "Soundness of the methodology",
        "Relevance to the workshop",
        "Societal impacts",
    ]
    assert criteria["safe-ml-2026"] == [] and criteria["secure-and-safe-ml"] == []
    # Every review form asks for an overall recommendation: no criterion duplicates it.
    assert not any(
        "recommendation" in name.lower() for names in criteria.values() for name in names
    )


def test_no_mojibake_in_any_text(demo):
    offenders = []
    for model in [Workshop, ImportantDate, Topic, SubmissionType, ReviewCriterion, Person, User]:
        fields = [
            f.name
            for f in model._meta.concrete_fields
            if isinstance(f, models.CharField | models.TextField | models.JSONField)
        ]
        for obj in model.objects.all():
            for name in fields:
                text = str(getattr(obj, name))
                offenders += [(model.__name__, obj.pk, name, m) for m in MOJIBAKE if m in text]

    assert offenders == []


def test_every_demo_row_passes_model_validation(demo):
    for model in [Workshop, ImportantDate, Topic, SubmissionType, ReviewCriterion, Person, User]:
        for obj in model.objects.all():
            obj.full_clean()


# --- Demo submissions ------------------------------------------------------------------------


def test_demo_submissions_are_dated_before_their_calls_deadline(demo):
    now = timezone.now()
    papers = Submission.objects.exclude(state=SubmissionState.DRAFT).select_related("workshop")
    late = []
    for paper in papers:
        workshop = Workshop.objects.prefetch_related("dates").get(pk=paper.workshop_id)
        deadline = workshop.submission_deadline
        # Shortly before the deadline of a closed call; before now in an open one.
        ok = paper.created_at < paper.submitted_at <= min(deadline, now) and (
            deadline > now or deadline - paper.submitted_at < dt.timedelta(days=7)
        )
        if not ok:
            late.append((paper.workshop.slug, paper.number, paper.submitted_at, deadline))

    assert papers.filter(workshop__slug="bands-2023").exists()
    assert late == []
    for paper in papers.filter(workshop__slug="bugs-2023"):
        assert paper.submitted_at.year == 2023 and paper.created_at.year == 2023
        assert {a.created_at.year for a in paper.log_entries.filter(kind="submission")} == {2023}


def test_demo_submissions_only_where_a_call_was_published(demo):
    assert not Submission.objects.filter(workshop__slug="secure-and-safe-ml").exists()
    drafts = Submission.objects.filter(state=SubmissionState.DRAFT)
    assert drafts.exists()
    assert set(drafts.values_list("workshop__slug", flat=True)) == {"demo-trustworthy-ml"}


# --- Demo edition and accounts -----------------------------------------------------------------


def test_demo_edition_is_open_and_labelled(demo):
    workshop = Workshop.objects.get(slug=OPEN_EDITION)

    assert "Demo" in workshop.name
    assert workshop.is_published
    assert workshop.accepts_new_submissions()
    assert workshop.is_double_blind
    dates = sorted(workshop.dates.all(), key=lambda d: DATE_ORDER.index(d.kind))
    # Every date of a call but the author response, which this edition's call does not have.
    assert [d.kind for d in dates] == [k for k in DATE_ORDER if k != "author_response"]
    instants = [d.original_at for d in dates]
    assert instants == sorted(instants) and len(set(instants)) == len(instants)
    assert workshop.submission_types.count() >= 2
    assert workshop.topics.exclude(parent=None).exists()
    assert workshop.criteria.exists()
    assert workshop.people.exists()
    # The open edition, the complete one and the one in its author response, all labelled.
    assert Workshop.objects.filter(is_demo=True).count() == 3


def test_every_demo_user_can_sign_in_with_a_verified_address(demo, client):
    refused = []
    for email in DEMO_EMAILS:
        assert EmailAddress.objects.filter(
            user__email=email, email=email, verified=True, primary=True
        ).exists()

        response = client.post(
            reverse("account_login"), {"login": email, "password": seeds.PASSWORD}
        )

        if response.status_code != 302 or response.url != reverse("workshops:index"):
            refused.append(email)
        client.logout()

    assert refused == []


def test_demo_roles(demo):
    chair = User.objects.get(email="chair@demo.test")

    assert User.objects.get(email="admin@demo.test").is_superuser
    assert not chair.is_superuser
    assert Membership.objects.filter(user=chair, role=MemberRole.CHAIR).count() == 7
    demo_edition = Workshop.objects.get(slug=OPEN_EDITION)
    assert demo_edition.memberships.filter(role=MemberRole.REVIEWER).count() == 6
    assert Membership.objects.filter(role=MemberRole.REVIEWER, workshop__is_demo=False).exists()


# --- The command -------------------------------------------------------------------------------


def test_load_demo_reads_no_seed_files(db, monkeypatch, no_app_loaders):
    opened = []

    def guard(real):
        def wrapper(file, *args, **kwargs):
            path = os.fsdecode(file) if isinstance(file, str | bytes | os.PathLike) else ""
            opened.append(path)
            if "shared/seeds" in path or path.endswith(".md"):
                raise AssertionError(f"the demo loader read {path}")
            return real(file, *args, **kwargs)

        return wrapper

    monkeypatch.setattr(builtins, "open", guard(builtins.open))
    monkeypatch.setattr(io, "open", guard(io.open))
    monkeypatch.setattr(os, "open", guard(os.open))
    monkeypatch.setattr(pathlib.Path, "read_text", guard(pathlib.Path.read_text))

    run_command()

    assert Workshop.objects.count() == 7
    assert not [p for p in opened if "seeds" in p]


def test_load_demo_prints_the_demo_logins(db, no_app_loaders):
    output = run_command()

    assert "7 workshops" in output
    assert "admin@demo.test" in output and seeds.PASSWORD in output


def test_load_demo_runs_app_loaders_that_exist(db, monkeypatch):
    calls = []
    fake_loader_module(monkeypatch, "fake_app_demo", lambda stdout=None: calls.append(stdout))
    monkeypatch.setattr(load_demo, "APP_LOADERS", ["fake_app_demo", "tests.workshops.no_such_demo"])

    run_command()

    assert len(calls) == 1 and calls[0] is not None


def test_load_demo_rolls_back_when_an_app_loader_fails(db, monkeypatch):
    def broken(stdout=None):
        raise RuntimeError("broken demo loader")

    fake_loader_module(monkeypatch, "broken_app_demo", broken)
    monkeypatch.setattr(load_demo, "APP_LOADERS", ["broken_app_demo"])

    with pytest.raises(RuntimeError, match="broken demo loader"):
        run_command()

    assert Workshop.objects.count() == 0
    assert not User.objects.filter(email__in=DEMO_EMAILS).exists()


def test_load_demo_refuses_production_settings_unless_allowed(db, settings, no_app_loaders):
    settings.SETTINGS_MODULE = "config.settings.production"

    with pytest.raises(CommandError, match="production"):
        run_command()
    run_command("--allow-production")

    assert Workshop.objects.count() == 7
