"""The rights vocabulary for submissions (``user.has_perm(name, obj)``), and the same rules as
queryset filters (``Submission.objects.visible_to(user)``).

- ``submissions.view_submission`` (submission): its authors (contact and linked co-authors),
  the workshop's chairs, site admins, and whoever another app grants through
  :func:`add_viewer_rule` (the reviews app adds assigned reviewers). Another app can take the
  chairs' access to one paper away through :func:`add_exclusion_rule` (the reviews app removes
  chairs with a conflict of interest); authors keep their author access.
- ``submissions.see_authors`` (submission): authors, chairs, site admins; in single-blind and
  open calls also everyone else who may view the submission. Reviewers of a double-blind call
  never. Reviewer-facing code should not load author rows when this is false.
- ``submissions.change_submission`` (submission): authors, while the paper is editable
  (draft or submitted, before its deadline).
- ``submissions.withdraw_submission`` (submission): authors, while withdrawal is possible.
- ``submissions.download_files`` (submission): whoever may view it (reviewers should be served
  ``pdf.anonymized_pdf_bytes`` in double-blind calls).
- ``submissions.create_submission`` (workshop): signed in with a verified e-mail address and
  the call published (the deadline is checked separately, to give a precise message).
- ``submissions.manage_submissions`` (workshop or submission): chairs and site admins — the
  list, the export, desk rejection, per-submission deadlines.
- ``submissions.desk_reject_submission`` / ``submissions.extend_deadline`` (submission):
  ``manage_submissions`` and the submission's state allows it.
"""

from __future__ import annotations

from collections.abc import Callable

import rules
from django.db.models import Q

from workshops.enums import MemberRole
from workshops.permissions import has_verified_email, is_published, is_site_admin
from workshops.roles import has_role, roles_of

from .services import state

# --- Extension point: other apps grant viewing rights (e.g. reviewers of assigned papers) ----

_viewer_rules: list[tuple[Callable, Callable]] = []


def add_viewer_rule(predicate: Callable, q_for_user: Callable) -> None:
    """Let more people view submissions: ``predicate(user, submission) -> bool`` for object
    checks and ``q_for_user(user) -> Q`` (on ``Submission``) for ``visible_to``. Both must
    describe the same people. Called by the reviews app from its ``permissions.py``.
    """
    if (predicate, q_for_user) not in _viewer_rules:
        _viewer_rules.append((predicate, q_for_user))


_exclusion_rules: list[tuple[Callable, Callable]] = []


def add_exclusion_rule(predicate: Callable, q_for_user: Callable) -> None:
    """Take chair access to some submissions away: ``predicate(user, submission) -> bool`` is
    true for a submission ``user`` must not manage or view as a chair, and
    ``q_for_user(user) -> Q`` (on ``Submission``) matches the same submissions. Authors keep
    their own access. Called by the reviews app (chairs with a conflict of interest).
    """
    if (predicate, q_for_user) not in _exclusion_rules:
        _exclusion_rules.append((predicate, q_for_user))


def exclusion_q(user) -> Q | None:
    """The submissions ``user`` is excluded from as a chair, or ``None`` when there is no rule."""
    q = None
    for _predicate, q_for_user in _exclusion_rules:
        q = q_for_user(user) if q is None else q | q_for_user(user)
    return q


def managed_by(user, queryset):
    """``queryset`` (of ``Submission``) without what ``user`` may not manage: the chairs' list
    and export filter through this, like ``manage_submissions`` does for one submission."""
    if user is None or not user.is_authenticated:
        return queryset.none()
    excluded = exclusion_q(user)
    return queryset if excluded is None else queryset.exclude(excluded)


def may_search_authors(user, workshop) -> bool:
    """Whether ``user`` may search ``workshop``'s papers by author name (and by chairs' tag).

    The workshop-wide form of ``submissions.see_authors`` for the papers of
    :func:`managed_by`: whoever may manage the workshop's submissions sees the authors of
    every paper they manage. Anyone else gets no match for an ``author:`` search.
    """
    return bool(user.has_perm("submissions.manage_submissions", workshop))


def visibility_q(user) -> Q:
    """The ``Submission`` filter matching ``view_submission`` for a signed-in, non-admin user."""
    from .models import Authorship

    chaired = [wid for wid, roles in roles_of(user).items() if MemberRole.CHAIR in roles]
    q = Q(pk__in=Authorship.objects.filter(user=user).values("submission_id"))
    if chaired:
        chair_q = Q(workshop_id__in=chaired)
        excluded = exclusion_q(user)
        if excluded is not None:
            chair_q &= ~excluded
        q |= chair_q
    for _predicate, q_for_user in _viewer_rules:
        q |= q_for_user(user)
    return q


# --- Predicates ------------------------------------------------------------------------------


def _workshop_id(obj) -> int | None:
    if obj is None:
        return None
    return getattr(obj, "workshop_id", None) or getattr(obj, "pk", None)


@rules.predicate
def is_author(user, submission) -> bool:
    """``user`` is a linked author of ``submission`` (cached per user on the object)."""
    if submission is None or user is None or not user.is_authenticated:
        return False
    cache = getattr(submission, "_author_user_ids", None)
    if cache is None:
        prefetched = getattr(submission, "_prefetched_objects_cache", {})
        if "authors" in prefetched:
            cache = {a.user_id for a in prefetched["authors"] if a.user_id}
        else:
            cache = set(
                submission.authors.filter(user__isnull=False).values_list("user_id", flat=True)
            )
        submission._author_user_ids = cache
    return user.pk in cache


@rules.predicate
def is_chair_of(user, obj) -> bool:
    """``user`` chairs the workshop ``obj`` (a workshop or a submission) belongs to."""
    workshop_id = _workshop_id(obj)
    return bool(workshop_id) and has_role(user, workshop_id, MemberRole.CHAIR)


@rules.predicate
def is_extra_viewer(user, submission) -> bool:
    return any(predicate(user, submission) for predicate, _q in _viewer_rules)


@rules.predicate
def is_excluded(user, obj) -> bool:
    """An exclusion rule takes chair access to this submission away (never to a workshop)."""
    from .models import Submission

    if not isinstance(obj, Submission):
        return False
    return any(predicate(user, obj) for predicate, _q in _exclusion_rules)


@rules.predicate
def hides_authors(user, submission) -> bool:
    return bool(submission is not None and submission.workshop.hides_authors_from_reviewers)


@rules.predicate
def is_editable(user, submission) -> bool:
    return submission is not None and state.can_edit(submission)


@rules.predicate
def is_withdrawable(user, submission) -> bool:
    return submission is not None and state.can_withdraw(submission)


@rules.predicate
def is_desk_rejectable(user, submission) -> bool:
    return submission is not None and state.can_desk_reject(submission)


@rules.predicate
def deadline_extendable(user, submission) -> bool:
    return submission is not None and state.can_extend_deadline(submission)


can_manage_submissions = (is_chair_of | is_site_admin) & ~is_excluded
can_view_submission = is_author | can_manage_submissions | is_extra_viewer
can_see_authors = is_author | can_manage_submissions | (~hides_authors & can_view_submission)

rules.add_perm("submissions.view_submission", can_view_submission)
rules.add_perm("submissions.download_files", can_view_submission)
rules.add_perm("submissions.see_authors", can_see_authors)
rules.add_perm("submissions.change_submission", is_author & is_editable)
rules.add_perm("submissions.withdraw_submission", is_author & is_withdrawable)
rules.add_perm("submissions.create_submission", has_verified_email & is_published)
rules.add_perm("submissions.manage_submissions", can_manage_submissions)
rules.add_perm("submissions.desk_reject_submission", can_manage_submissions & is_desk_rejectable)
rules.add_perm("submissions.extend_deadline", can_manage_submissions & deadline_extendable)
