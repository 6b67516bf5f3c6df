"""Co-authors get their rights when they prove they own the listed address.

An authorship is linked to a user only through a *verified* address, so signing up with
someone else's address gives no access.
"""

from allauth.account.signals import email_confirmed, user_signed_up
from django.dispatch import receiver

from .services.editing import link_authorships_for_address


@receiver(email_confirmed, dispatch_uid="submissions_link_on_email_confirmed")
def link_on_email_confirmed(sender, request=None, email_address=None, **kwargs):
    if email_address is not None and email_address.verified:
        link_authorships_for_address(email_address.user, email_address.email)


@receiver(user_signed_up, dispatch_uid="submissions_link_on_signup")
def link_on_signup(sender, request=None, user=None, **kwargs):
    """Sign-ups whose address is already verified (e.g. through a trusted provider)."""
    from allauth.account.models import EmailAddress

    if user is None:
        return
    for address in EmailAddress.objects.filter(user=user, verified=True):
        link_authorships_for_address(user, address.email)
