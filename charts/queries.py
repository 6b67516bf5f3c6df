"""The data of each chart, read with a constant number of queries whatever the number of papers.

Every function takes the chair and the workshop and leaves out the papers the chair must not
see (``papers_for_manager`` / ``excluded_submission_ids``): a conflicted chair's charts count
neither the paper nor its reviews, scores or decision. Each returns plain data and the chart
geometry built from it by ``charts.geometry``.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import Counter, defaultdict

from django.db.models import Exists, OuterRef
from django.utils import timezone

from reviews.enums import CONFIDENCE_SCALE, RECOMMENDATION_SCALE, DecisionOutcome, ReviewState
from reviews.models import Assignment, Decision, Review, ReviewScore
from reviews.permissions import excluded_submission_ids, papers_for_manager
from submissions.enums import FileKind, SubmissionState
from submissions.models import Submission, SubmissionFile
from workshops.enums import DateKind
from workshops.models import ImportantDate, ReviewCriterion

from . import geometry

HOURLY_BEFORE = dt.timedelta(hours=48)  # hours are drawn one by one this long before a deadline
HOURLY_AFTER = dt.timedelta(hours=6)
MAX_HOURS = 240


def _date(workshop, kind):
    """The ImportantDate of ``kind`` (one query) or None."""
    return ImportantDate.objects.filter(workshop=workshop, kind=kind).first()


def _bins(first, last, deadline, tz):
    """Bin boundaries from ``first`` to ``last``: days, then hours around ``deadline``."""
    hour_from = hour_to = None
    if deadline:
        on_the_hour = deadline.replace(minute=0, second=0, microsecond=0)
        hour_from = on_the_hour - HOURLY_BEFORE
        hour_to = on_the_hour + HOURLY_AFTER
    if hour_from and hour_to - hour_from > dt.timedelta(hours=MAX_HOURS):
        hour_from = hour_to - dt.timedelta(hours=MAX_HOURS)
    starts, labels = [], []
    day = first.astimezone(tz).replace(hour=0, minute=0, second=0, microsecond=0)
    cursor = day
    while cursor <= last:
        if hour_from and hour_from <= cursor < hour_to:
            starts.append(cursor)
            labels.append(cursor.astimezone(tz).strftime("%b %-d %H:00"))
            cursor += dt.timedelta(hours=1)
            continue
        nxt = cursor.astimezone(tz).replace(hour=0, minute=0, second=0, microsecond=0)
        nxt += dt.timedelta(days=1)
        if hour_from and cursor < hour_from < nxt:
            nxt = hour_from
        starts.append(cursor)
        labels.append(cursor.astimezone(tz).strftime("%b %-d"))
        cursor = nxt
    return starts, labels


def _position(starts, moment):
    """Where ``moment`` falls among bins starting at ``starts``, as a fractional bin index."""
    i = bisect.bisect_right(starts, moment) - 1
    if i < 0:
        return 0.0
    end = starts[i + 1] if i + 1 < len(starts) else starts[i] + (starts[i] - starts[i - 1])
    span = (end - starts[i]).total_seconds() or 1
    return i + min(1.0, (moment - starts[i]).total_seconds() / span)


def deadline_data(user, workshop, *, now=None):
    """Registered and submitted papers over time, the deadline and its extension, and the
    drafts still without a PDF. Two queries."""
    now = now or timezone.now()
    date = _date(workshop, DateKind.PAPER_SUBMISSION)
    rows = list(
        Submission.objects.filter(workshop=workshop)
        .exclude(pk__in=excluded_submission_ids(user, workshop))
        .annotate(
            has_pdf=Exists(
                SubmissionFile.objects.filter(submission=OuterRef("pk"), kind=FileKind.PAPER)
            )
        )
        .values_list("state", "created_at", "submitted_at", "has_pdf")
        .order_by()
    )
    deadline = date.effective_at if date else None
    moments = [c for _, c, _, _ in rows] + [s for _, _, s, _ in rows if s]
    first = min(moments, default=now)
    last = max([*moments, deadline or now])
    if deadline:
        first = min(first, deadline - dt.timedelta(days=1))
    starts, labels = _bins(first, last, deadline, workshop.tzinfo)
    counts = [Counter() for _ in starts]
    for _state, created, submitted, _ in rows:
        counts[max(0, bisect.bisect_right(starts, created) - 1)]["registered"] += 1
        if submitted:
            counts[max(0, bisect.bisect_right(starts, submitted) - 1)]["submitted"] += 1
    marks = []
    if date and date.original_at:
        marks.append(("deadline", "Deadline", _position(starts, date.original_at)))
    if date and date.extended_at:
        marks.append(("extension", "Extended deadline", _position(starts, date.extended_at)))
    drafts = [r for r in rows if r[0] == SubmissionState.DRAFT]
    summary = {
        "registered": len(rows),
        "submitted": sum(1 for r in rows if r[2]),
        "drafts": len(drafts),
        "drafts_without_pdf": sum(1 for r in drafts if not r[3]),
    }
    chart = geometry.timeline(
        "Papers registered and submitted over time",
        list(zip(labels, counts, strict=True)),
        [("registered", "Registered (drafts started)"), ("submitted", "Submitted")],
        marks=marks,
        desc=(
            f"{summary['registered']} papers registered, {summary['submitted']} submitted; "
            f"{summary['drafts_without_pdf']} of {summary['drafts']} drafts have no PDF yet."
        ),
    )
    return {"chart": chart, "summary": summary, "date": date}


REVIEWER_SORTS = {
    "name": lambda r: (r["name"].lower(),),
    "late": lambda r: (-r["late"], -r["assigned"], r["name"].lower()),
    "done": lambda r: (-r["done"], r["name"].lower()),
    "assigned": lambda r: (-r["assigned"], r["name"].lower()),
    "progress": lambda r: (r["done"] / r["assigned"] if r["assigned"] else 1, r["name"].lower()),
}


SHOWN = 100  # rows drawn per person or paper unless the chair asks for all


def reviewing_data(user, workshop, *, sort="late", now=None, show_all=False):
    """Reviews submitted over time against the due date, per reviewer done / late / pending,
    and papers by number of submitted reviews. Three queries."""
    now = now or timezone.now()
    papers = papers_for_manager(user, workshop)
    due_date = _date(workshop, DateKind.REVIEWS_DUE)
    paper_ids = list(papers.values_list("pk", flat=True))
    rows = list(
        Assignment.objects.filter(submission__in=papers.values("pk"), state="active")
        .values_list(
            "submission_id",
            "reviewer_id",
            "reviewer__full_name",
            "reviewer__email",
            "due_at",
            "review__state",
            "review__submitted_at",
        )
        .order_by()
    )
    due = due_date.effective_at if due_date else None
    people = {}
    per_paper = Counter()
    submitted_times = []
    for paper_id, reviewer_id, name, email, due_at, state, submitted_at in rows:
        person = people.setdefault(
            reviewer_id,
            {"name": name or email, "done": 0, "late": 0, "pending": 0, "assigned": 0},
        )
        person["assigned"] += 1
        if state == ReviewState.SUBMITTED:
            person["done"] += 1
            per_paper[paper_id] += 1
            if submitted_at:
                submitted_times.append(submitted_at)
        elif (due_at or due) and (due_at or due) < now:
            person["late"] += 1
        else:
            person["pending"] += 1
    sort = sort if sort in REVIEWER_SORTS else "late"
    reviewers = sorted(people.values(), key=REVIEWER_SORTS[sort])
    shown = reviewers if show_all else reviewers[:SHOWN]
    per_reviewer = geometry.bar_chart(
        "Reviews per reviewer",
        [(p["name"], p) for p in shown],
        [("done", "Submitted"), ("late", "Late"), ("pending", "Not due yet")],
        desc=f"{len(reviewers)} reviewers; bars show submitted, late and pending reviews.",
    )
    buckets = Counter(min(per_paper.get(pk, 0), 3) for pk in paper_ids)
    by_count = geometry.bar_chart(
        "Papers by number of submitted reviews",
        [(label, {"n": buckets.get(i, 0)}) for i, label in enumerate(["0", "1", "2", "3+"])],
        [("n", "Papers")],
        desc=f"{len(paper_ids)} papers in review.",
        label_width=40,
    )
    # Reviews submitted per day, the due date marked.
    tz = workshop.tzinfo
    first = min([*submitted_times, due or now, now]) if submitted_times else (due or now)
    first = min(first, (due or now) - dt.timedelta(days=7))
    last = max([*submitted_times, due or now, now])
    starts, labels = _bins(first, last, None, tz)
    counts = [Counter() for _ in starts]
    for moment in submitted_times:
        counts[max(0, bisect.bisect_right(starts, moment) - 1)]["submitted"] += 1
    marks = [("deadline", "Reviews due", _position(starts, due))] if due else []
    marks.append(("now", "Now", _position(starts, now)))
    over_time = geometry.timeline(
        "Reviews submitted over time",
        list(zip(labels, counts, strict=True)),
        [("submitted", "Reviews submitted")],
        marks=marks,
        desc=f"{len(submitted_times)} of {len(rows)} assigned reviews submitted.",
    )
    return {
        "per_reviewer": per_reviewer,
        "reviewers": reviewers,
        "hidden": len(reviewers) - len(shown),
        "by_count": by_count,
        "over_time": over_time,
        "sort": sort,
        "sorts": list(REVIEWER_SORTS),
        "totals": {
            "assigned": len(rows),
            "done": len(submitted_times),
            "late": sum(p["late"] for p in reviewers),
        },
        "due": due,
    }


def _submitted_reviews(papers):
    return Review.objects.filter(
        state=ReviewState.SUBMITTED,
        assignment__state="active",
        assignment__submission__in=papers.values("pk"),
    )


def score_spreads(user, workshop, papers=None):
    """``{submission id: RangeDot}`` of the overall recommendation of each paper the chair
    manages (one query): the compact column of the decision dashboard."""
    papers = papers if papers is not None else papers_for_manager(user, workshop)
    scores, confidences = defaultdict(list), defaultdict(list)
    for paper_id, recommendation, confidence in _submitted_reviews(papers).values_list(
        "assignment__submission_id", "recommendation", "confidence"
    ):
        if recommendation:
            scores[paper_id].append(recommendation)
        if confidence:
            confidences[paper_id].append(confidence)
    return {
        pk: geometry.range_dot(
            values, levels=len(RECOMMENDATION_SCALE), confidences=confidences.get(pk, [])
        )
        for pk, values in scores.items()
    }


PAPER_SORTS = {
    "spread": lambda p: (-(p["dot"].spread if p["dot"] else -1), p["number"]),
    "mean": lambda p: (-(p["dot"].mean if p["dot"] else 0), p["number"]),
    "number": lambda p: (p["number"],),
}


def scores_data(user, workshop, *, sort="spread", show_all=False):
    """Per criterion the distribution of scores, and per paper the mean and spread of the
    recommendation with its confidence. Four queries."""
    papers = papers_for_manager(user, workshop)
    criteria = list(ReviewCriterion.objects.filter(workshop=workshop))
    counts = defaultdict(Counter)
    for criterion_id, value in (
        ReviewScore.objects.filter(review__in=_submitted_reviews(papers))
        .values_list("criterion_id", "value")
        .order_by()
    ):
        counts[criterion_id][value] += 1
    per_criterion = [
        geometry.bar_chart(
            c.name,
            geometry.histogram(counts[c.pk], c.scale),
            [("n", "Scores")],
            desc=f"Distribution of {sum(counts[c.pk].values())} scores for {c.name}.",
        )
        for c in criteria
    ]
    spreads = score_spreads(user, workshop, papers)
    recommendation = Counter()
    for dot in spreads.values():
        recommendation[round(dot.mean)] += 1
    rows = [
        {"number": number, "title": title, "dot": spreads.get(pk)}
        for pk, number, title in papers.values_list("pk", "number", "title")
    ]
    sort = sort if sort in PAPER_SORTS else "spread"
    rows.sort(key=PAPER_SORTS[sort])
    return {
        "per_criterion": per_criterion,
        "papers": rows if show_all else rows[:SHOWN],
        "hidden": 0 if show_all else max(0, len(rows) - SHOWN),
        "sort": sort,
        "sorts": list(PAPER_SORTS),
        "scale": RECOMMENDATION_SCALE,
        "confidence_scale": CONFIDENCE_SCALE,
        "disagreements": sum(1 for r in rows if r["dot"] and r["dot"].disagree),
        "recommendation": recommendation,
    }


OUTCOME_GROUPS = [
    ("talk", "Talk", {DecisionOutcome.ACCEPT_TALK, DecisionOutcome.ACCEPT_VIRTUAL_TALK}),
    ("poster", "Poster", {DecisionOutcome.ACCEPT_POSTER, DecisionOutcome.ACCEPT_VIRTUAL_POSTER}),
    ("accept", "Accept", {DecisionOutcome.ACCEPT}),
    ("reject", "Reject", {DecisionOutcome.REJECT}),
]


def _group(outcome):
    for key, _, members in OUTCOME_GROUPS:
        if outcome in members:
            return key
    return "undecided"


def decisions_data(user, workshop):
    """Outcomes (staged or released) as one bar, acceptance rate per submission type and per
    topic, and the range of mean recommendation each outcome covers. Four queries."""
    papers = papers_for_manager(user, workshop)
    paper_rows = list(papers.values_list("pk", "number", "submission_type__name"))
    outcome = dict(
        Decision.objects.filter(submission__in=papers.values("pk"))
        .values_list("submission_id", "outcome")
        .order_by()
    )
    topics = defaultdict(list)
    for paper_id, topic in (
        Submission.topics.through.objects.filter(submission__in=papers.values("pk"))
        .values_list("submission_id", "topic__name")
        .order_by()
    ):
        topics[paper_id].append(topic)
    spreads = score_spreads(user, workshop, papers)
    group = {pk: _group(outcome.get(pk)) for pk, _, _ in paper_rows}
    totals = Counter(group.values())
    parts = [(key, label, totals.get(key, 0)) for key, label, _ in OUTCOME_GROUPS]
    parts.append(("undecided", "Undecided", totals.get("undecided", 0)))
    outcomes = geometry.stacked_bar(
        "Outcomes",
        [p for p in parts if p[2]] or parts[-1:],
        desc=", ".join(f"{label}: {n}" for _, label, n in parts),
    )

    def rate_rows(keys_of):
        tally = defaultdict(Counter)
        for pk, _, _ in paper_rows:
            g = group[pk]
            for key in keys_of(pk):
                tally[key]["accepted" if g not in ("reject", "undecided") else g] += 1
        return sorted(tally.items(), key=lambda kv: kv[0].lower())

    series = [("accepted", "Accepted"), ("reject", "Rejected"), ("undecided", "Undecided")]
    type_of = {pk: name or "No type" for pk, _, name in paper_rows}
    by_type = rate_rows(lambda pk: [type_of[pk]])
    by_topic = rate_rows(lambda pk: topics.get(pk) or ["No topic"])

    def rate_chart(title, rows):
        notes = {}
        for label, c in rows:
            decided = c["accepted"] + c["reject"]
            notes[label] = f"{round(100 * c['accepted'] / decided)}%" if decided else "–"
        return geometry.bar_chart(
            title,
            [(label, dict(c)) for label, c in rows],
            series,
            desc="Accepted, rejected and undecided papers; the acceptance rate beside each bar.",
            notes=notes,
        )

    thresholds = []
    for key, label, _ in [*OUTCOME_GROUPS, ("undecided", "Undecided", None)]:
        means = sorted(spreads[pk].mean for pk in group if group[pk] == key and pk in spreads)
        if means:
            thresholds.append(
                {"key": key, "label": label, "low": means[0], "high": means[-1], "n": len(means)}
            )
    accepted = [
        spreads[pk].mean
        for pk in group
        if group[pk] not in ("reject", "undecided") and pk in spreads
    ]
    rejected = [spreads[pk].mean for pk in group if group[pk] == "reject" and pk in spreads]
    implied = None
    if accepted:
        lowest = min(accepted)
        implied = {
            "lowest_accepted": lowest,
            "highest_rejected": max(rejected) if rejected else None,
            "rejected_above": sum(1 for m in rejected if m >= lowest),
        }
    threshold_chart = _threshold_chart(thresholds)
    return {
        "outcomes": outcomes,
        "parts": parts,
        "by_type": rate_chart("Acceptance per submission type", by_type),
        "by_topic": rate_chart("Acceptance per topic", by_topic),
        "thresholds": thresholds,
        "threshold_chart": threshold_chart,
        "implied": implied,
        "scale": RECOMMENDATION_SCALE,
    }


def _threshold_chart(thresholds):
    """Each outcome's range of mean recommendation as a bar from its lowest to its highest."""
    levels = len(RECOMMENDATION_SCALE)
    chart = geometry.bar_chart(
        "Mean recommendation covered by each outcome",
        [(t["label"], {"below": 0, "range": 0}) for t in thresholds],
        [("below", ""), ("range", "Range of means")],
        desc="For each outcome, the lowest and highest mean recommendation of its papers.",
        label_width=100,
        maximum=levels,
    )
    plot = chart.width - chart.label_width - 40
    for row, t in zip(chart.rows, thresholds, strict=True):
        start = plot * (t["low"] - 1) / (levels - 1)
        width = max(plot * (t["high"] - t["low"]) / (levels - 1), 3)
        row.note = f"{t['low']}–{t['high']}"
        row.segments = [
            geometry.Segment(
                t["key"], t["label"], t["n"], round(chart.label_width + start, 1), round(width, 1)
            )
        ]
    return chart
