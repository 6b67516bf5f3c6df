"""Keep the recorded conflicts of interest current without a chair pressing "detect".

The automatic detection (``services.conflicts.detect_conflicts``, the Celery task
``reviews.detect_conflicts``) is queued after the transaction commits when what it reads
changes: a paper is submitted or its authors change, a user's affiliation, address or
institution domains change. (Accepting a committee invitation queues it from
``services.committee.accept_invitation``.) ``assign`` and ``set_bid`` also check their pair
at once, so nothing waits for the task.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from submissions.enums import SubmissionState
from submissions.models import Authorship, Submission

from .services.conflicts import queue_detection

_USER_FIELDS = ("affiliation", "email_domains", "email")


@receiver(post_save, sender=Submission, dispatch_uid="reviews_detect_on_submission_save")
def detect_on_submission_save(sender, instance, created=False, raw=False, **kwargs):
    if raw or instance.state != SubmissionState.SUBMITTED:
        return
    update_fields = kwargs.get("update_fields")
    if update_fields and "state" not in update_fields:
        return
    queue_detection(instance.workshop_id)


@receiver(post_save, sender=Authorship, dispatch_uid="reviews_detect_on_authorship_save")
@receiver(post_delete, sender=Authorship, dispatch_uid="reviews_detect_on_authorship_delete")
def detect_on_authors_change(sender, instance, raw=False, **kwargs):
    if raw:
        return
    if Authorship.submission.is_cached(instance):
        # Saved through its submission (the authors' form): no query needed.
        workshop_id = instance.submission.workshop_id
    else:
        workshop_id = (
            Submission.objects.filter(pk=instance.submission_id)
            .values_list("workshop_id", flat=True)
            .first()
        )
    if workshop_id:
        queue_detection(workshop_id)


@receiver(pre_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="reviews_user_pre_save")
def remember_user_identity(sender, instance, raw=False, update_fields=None, **kwargs):
    """Note whether the fields the detection reads change in this save."""
    instance._reviews_identity_changed = False
    if raw or instance.pk is None:
        return
    if update_fields is not None and not set(update_fields) & set(_USER_FIELDS):
        return
    old = sender.objects.filter(pk=instance.pk).values(*_USER_FIELDS).first()
    if old is not None and any(old[f] != getattr(instance, f) for f in _USER_FIELDS):
        instance._reviews_identity_changed = True


@receiver(post_save, sender=settings.AUTH_USER_MODEL, dispatch_uid="reviews_user_post_save")
def detect_on_user_change(sender, instance, created=False, raw=False, **kwargs):
    if raw or created or not getattr(instance, "_reviews_identity_changed", False):
        return
    instance._reviews_identity_changed = False
    from workshops.models import Membership

    workshops = set(Membership.objects.filter(user=instance).values_list("workshop_id", flat=True))
    workshops |= set(
        Authorship.objects.filter(user=instance).values_list("submission__workshop_id", flat=True)
    )
    for workshop_id in sorted(workshops):
        queue_detection(workshop_id)
