"""Each kind of change reaches the workshop's log through the real services, inside their
transaction, with who, what and the before/after values."""

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from activity.models import Entry, Kind
from mail.services import deliver, queue_email
from reviews.enums import BidPreference, ConflictSource, Phase
from reviews.services.assignments import assign, decline, set_due, unassign
from reviews.services.bidding import set_bid
from reviews.services.committee import invite_reviewers
from reviews.services.conflicts import add_conflict, detect_conflicts, remove_conflict
from reviews.services.decisions import (
    clear_decision,
    correct_decision,
    stage_decision,
)
from reviews.services.members import set_roles
from reviews.services.phases import set_phase
from reviews.services.reviewing import ReviewInput, save_review
from submissions.enums import SubmissionState
from submissions.services.state import set_state
from submissions.services.tags import add_tag, remove_tag
from tests import factories as base
from tests.scenarios import release_now
from tests.scenarios import set_phase as force_phase

pytestmark = pytest.mark.django_db


def entries(workshop, kind, **filters):
    return list(Entry.objects.filter(workshop=workshop, kind=kind, **filters).order_by("pk"))


def test_a_state_change_is_a_submission_entry(scenario):
    set_state(scenario.paper, SubmissionState.WITHDRAWN, by=scenario.author)
    (entry,) = entries(scenario.workshop, Kind.SUBMISSION)
    assert (entry.action, entry.from_state, entry.to_state, entry.actor) == (
        "withdrawn",
        "submitted",
        "withdrawn",
        scenario.author,
    )
    assert entry.submission == scenario.paper and entry.label == "Withdrawn"


def test_phase_changes_with_before_and_after(scenario):
    set_phase(scenario.workshop, Phase.DISCUSSION, by=scenario.chair)
    set_phase(scenario.workshop, Phase.DISCUSSION, by=scenario.chair)  # no change: no entry
    (entry,) = entries(scenario.workshop, Kind.PHASE)
    assert entry.changes == {"phase": ["reviewing", "discussion"]}
    assert (entry.from_state, entry.to_state, entry.actor) == (
        "reviewing",
        "discussion",
        scenario.chair,
    )
    assert entry.submission is None


def test_conflicts_added_removed_and_detected_carry_the_paper(scenario):
    add_conflict(
        submission=scenario.other_paper,
        user=scenario.unassigned,
        source=ConflictSource.CHAIR,
        by=scenario.chair,
        reason="Same lab",
    )
    remove_conflict(submission=scenario.other_paper, user=scenario.unassigned, by=scenario.chair)
    added, removed = entries(scenario.workshop, Kind.CONFLICT)
    assert (added.action, added.submission, added.actor) == (
        "added",
        scenario.other_paper,
        scenario.chair,
    )
    assert added.changes == {"conflict": [None, "Uma Unassigned"]}
    assert "Same lab" in added.message
    assert (removed.action, removed.changes) == ("removed", {"conflict": ["Uma Unassigned", None]})

    # The automatic detection: one summary without a paper, one entry per paper found.
    scenario.unassigned.affiliation = "Other University"
    scenario.unassigned.save()
    assert detect_conflicts(scenario.workshop) >= 1
    found = entries(scenario.workshop, Kind.CONFLICT, action="detected")
    assert found and all(e.submission_id for e in found)
    assert {e.submission for e in found} >= {scenario.other_paper}
    (summary,) = entries(scenario.workshop, Kind.CONFLICT, action="detection_run")
    assert summary.submission is None
    assert "Poisoning" not in summary.message and "new" in summary.message


def test_each_bid_change_is_one_entry(scenario):
    force_phase(scenario.workshop, Phase.BIDDING)
    reviewer, paper = scenario.unassigned, scenario.other_paper
    set_bid(reviewer=reviewer, submission=paper, preference=BidPreference.EAGER)
    set_bid(reviewer=reviewer, submission=paper, preference=BidPreference.EAGER)
    set_bid(reviewer=reviewer, submission=paper, preference=BidPreference.NOT_WILLING)
    first, second = entries(scenario.workshop, Kind.BID)
    assert first.changes == {"preference": [None, "eager"]}
    assert second.changes == {"preference": ["eager", "not_willing"]}
    assert (second.actor, second.submission) == (reviewer, paper)


def test_assignments_made_due_declined_removed(scenario, django_capture_on_commit_callbacks):
    paper, chair = scenario.other_paper, scenario.chair
    with django_capture_on_commit_callbacks(execute=True):
        made = assign(submission=paper, reviewer=scenario.unassigned, by=chair)
    due = timezone.now() + dt.timedelta(days=3)
    set_due(made, due, by=chair)
    decline(made, by=scenario.unassigned, reason="Too busy")
    again = assign(submission=paper, reviewer=scenario.unassigned, by=chair, notify=False)
    unassign(again, by=chair)
    actions = [e.action for e in entries(scenario.workshop, Kind.ASSIGNMENT)]
    assert actions == ["assigned", "due_date", "declined", "assigned", "unassigned"]
    due_entry = entries(scenario.workshop, Kind.ASSIGNMENT, action="due_date")[0]
    assert due_entry.changes["due_at"] == [None, due.isoformat()]
    declined = entries(scenario.workshop, Kind.ASSIGNMENT, action="declined")[0]
    assert declined.actor == scenario.unassigned and "Too busy" in declined.message
    assert all(e.submission == paper for e in entries(scenario.workshop, Kind.ASSIGNMENT))


def test_a_submitted_review_and_its_edit(scenario):
    scores = {c.pk: 2 for c in scenario.criteria}
    data = ReviewInput(recommendation=4, confidence=3, summary="Fine.")
    save_review(
        assignment=scenario.assignment, user=scenario.assigned, data=data, scores={}, submit=False
    )
    assert not entries(scenario.workshop, Kind.REVIEW)  # a draft is not logged
    review = save_review(
        assignment=scenario.assignment,
        user=scenario.assigned,
        data=data,
        scores=scores,
        submit=True,
    )
    data.recommendation = 2
    save_review(
        assignment=scenario.assignment,
        user=scenario.assigned,
        data=data,
        scores=scores,
        submit=True,
        version=review.version,
    )
    submitted, edited = entries(scenario.workshop, Kind.REVIEW)
    assert submitted.action == "submitted" and submitted.submission == scenario.paper
    assert submitted.changes == {"recommendation": [None, 4], "confidence": [None, 3]}
    assert edited.action == "edited" and edited.changes == {"recommendation": [4, 2]}


def test_decisions_staged_changed_cleared_released_corrected(
    scenario, django_capture_on_commit_callbacks
):
    paper, chair, workshop = scenario.other_paper, scenario.chair, scenario.workshop
    force_phase(workshop, Phase.DECISIONS)
    decision = stage_decision(submission=paper, outcome="reject", by=chair)
    clear_decision(submission=paper, by=chair, version=decision.version)
    decision = stage_decision(submission=paper, outcome="reject", by=chair)
    stage_decision(submission=paper, outcome="accept_poster", by=chair, version=decision.version)
    with django_capture_on_commit_callbacks(execute=True):
        release_now(workshop=workshop, by=chair)
        correct_decision(submission=paper, outcome="reject", by=chair)
    mine = entries(workshop, Kind.DECISION, submission=paper)
    assert [e.action for e in mine] == [
        "staged",
        "cleared",
        "staged",
        "changed",
        "released",
        "corrected",
    ]
    assert mine[3].changes == {"outcome": ["reject", "accept_poster"]}
    assert mine[1].changes == {"outcome": ["reject", None]}
    assert mine[5].changes == {"outcome": ["accept_poster", "reject"]}
    (summary,) = entries(workshop, Kind.DECISION, action="release")
    assert summary.submission is None


def test_committee_invitations_and_role_changes(scenario):
    invite_reviewers(scenario.workshop, "New Person <new@people.example>", by=scenario.chair)
    set_roles(scenario.workshop, scenario.unassigned, "both", by=scenario.chair)
    invited, roles = entries(scenario.workshop, Kind.COMMITTEE)
    assert invited.action == "invited" and "new@people.example" in invited.message
    assert roles.action == "member_roles"
    assert roles.changes == {"roles": [["reviewer"], ["chair", "reviewer"]]}


def test_tags_are_logged_per_paper_and_never_as_submission_history(scenario):
    add_tag([scenario.paper, scenario.other_paper], "shortlist", by=scenario.chair)
    remove_tag([scenario.paper], "shortlist", by=scenario.chair)
    tags = entries(scenario.workshop, Kind.TAG)
    assert [(e.action, e.submission) for e in tags] == [
        ("tag_added", scenario.paper),
        ("tag_added", scenario.other_paper),
        ("tag_removed", scenario.paper),
    ]
    assert not entries(scenario.workshop, Kind.SUBMISSION)


def test_a_sent_email_is_logged_with_its_paper_or_without_its_subject(scenario, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    about_paper = queue_email(
        recipient="ada@anon-institute.edu",
        subject="Paper #1 Robust training under label noise",
        body="…",
        key=f"submission:{scenario.paper.pk}:updated:r9:ada@anon-institute.edu",
        workshop=scenario.workshop,
        template_role="submission.updated",
    )
    other = queue_email(
        recipient="someone@example.org",
        subject="Paper #1 Robust training under label noise",
        body="…",
        key="custom:1",
        workshop=scenario.workshop,
        template_role="custom.note",
    )
    deliver(about_paper.pk)
    deliver(other.pk)
    deliver(other.pk)  # already sent: no second entry
    assert len(mail.outbox) == 2
    tied, untied = entries(scenario.workshop, Kind.MAIL)
    assert tied.submission == scenario.paper and "Robust training" in tied.message
    assert untied.submission is None
    assert "someone@example.org" in untied.message and "custom.note" in untied.message
    assert "Robust" not in untied.message and "#1" not in untied.message


def test_review_settings_and_criteria_edits_are_logged_field_by_field(scenario, login):
    from django.urls import reverse

    from tests.workshops.payloads import form_data

    client = login(scenario.chair)
    url = reverse("reviews:manage_settings", args=[scenario.workshop.slug])
    page = client.get(url)
    data = form_data(page.context["form"])
    data["phase"] = Phase.DISCUSSION
    assert client.post(url, data).status_code == 302
    (entry,) = entries(scenario.workshop, Kind.SETTINGS)
    assert entry.actor == scenario.chair and entry.action == "review_settings"
    assert ["reviewing", "discussion"] in entry.changes.values()
    (phase,) = entries(scenario.workshop, Kind.PHASE)
    assert phase.changes == {"phase": ["reviewing", "discussion"]}


def test_call_edits_record_before_and_after_per_changed_field(scenario, login):
    from django.urls import reverse

    from tests.workshops.payloads import edit_payload, first_empty_row

    client = login(scenario.chair)
    url = reverse("workshops:edit", kwargs={"slug": scenario.workshop.slug})
    page = client.get(url)
    old_name = scenario.workshop.name
    response = client.post(url, {**edit_payload(page), "name": "Workshop on Robust ML"})
    assert response.status_code == 302
    (entry,) = entries(scenario.workshop, Kind.SETTINGS)
    assert entry.action == "call_edited" and entry.actor == scenario.chair
    assert list(entry.changes.values()) == [[old_name, "Workshop on Robust ML"]]

    topics_url = reverse(
        "workshops:edit_section", kwargs={"slug": scenario.workshop.slug, "section": "topics"}
    )
    page = client.get(topics_url)
    row = first_empty_row(page, "topics")
    assert (
        client.post(
            topics_url, {**edit_payload(page), f"topics-{row}-name": "Robustness"}
        ).status_code
        == 302
    )
    last = entries(scenario.workshop, Kind.SETTINGS)[-1]
    assert "Topics" in last.message
    ((name, (before, after)),) = last.changes.items()
    assert before is None and after["Name"] == "Robustness"


def test_a_refused_change_records_nothing(scenario):
    from reviews.services import ReviewFlowError

    with pytest.raises(ReviewFlowError):
        assign(submission=scenario.paper, reviewer=scenario.conflicted_reviewer, by=scenario.chair)
    outsider = base.UserFactory()
    with pytest.raises(ReviewFlowError):
        stage_decision(submission=scenario.paper, outcome="reject", by=outsider)
    assert not Entry.objects.filter(kind__in=[Kind.ASSIGNMENT, Kind.DECISION]).exists()


def test_members_added_and_removed(scenario, django_capture_on_commit_callbacks):
    from reviews.services.members import add_chair, remove_member

    newcomer = base.UserFactory(full_name="Nora New", email="nora@chairs3.example")
    with django_capture_on_commit_callbacks(execute=True):
        add_chair(scenario.workshop, "nora@chairs3.example", by=scenario.chair)
    remove_member(scenario.workshop, scenario.assigned, by=scenario.chair)
    added, removed = entries(scenario.workshop, Kind.COMMITTEE)
    assert (added.action, added.changes) == ("member_added", {"roles": [None, ["chair"]]})
    assert "Nora New" in added.message
    assert removed.action == "member_removed"
    assert removed.changes == {"roles": [["reviewer"], []]}
    assert "1 open assignment(s) released" in removed.message
    assert newcomer.pk


def test_invitations_accepted_and_declined(scenario, django_capture_on_commit_callbacks):
    from reviews.services.committee import accept_invitation, decline_invitation

    result = invite_reviewers(
        scenario.workshop, "pia@people.example\nquinn@people.example", by=scenario.chair
    )
    pia_inv, quinn_inv = result.invited
    pia = base.UserFactory(email="pia@people.example", full_name="Pia")
    with django_capture_on_commit_callbacks(execute=True):
        accept_invitation(pia_inv, pia)
    decline_invitation(quinn_inv)
    actions = [e.action for e in entries(scenario.workshop, Kind.COMMITTEE)]
    assert actions == ["invited", "invited", "invitation_accepted", "invitation_declined"]
    accepted = entries(scenario.workshop, Kind.COMMITTEE, action="invitation_accepted")[0]
    assert accepted.actor == pia and accepted.changes == {"roles": [None, ["reviewer"]]}


def test_criteria_edits_name_the_row_and_the_field(scenario, login):
    from django.urls import reverse

    from tests.workshops.payloads import form_data

    client = login(scenario.chair)
    url = reverse("reviews:criteria", args=[scenario.workshop.slug])
    formset = client.get(url).context["formset"]
    data = form_data(formset.management_form)
    for form in formset.forms:
        data.update(form_data(form))
    first = formset.forms[0]
    data[first.add_prefix("name")] = "Originality"
    assert client.post(url, data).status_code == 302
    (entry,) = entries(scenario.workshop, Kind.SETTINGS)
    assert entry.action == "review_criteria" and entry.actor == scenario.chair
    assert entry.changes == {"Criterion: Novelty: Name": ["Novelty", "Originality"]}
