"""The site's allauth adapter: sign-in limits per client and account, and account e-mails
(sign-up confirmation, password reset, e-mail change, security notices) through the outbox like
every other e-mail, with links and names from ``SITE_URL``."""

from __future__ import annotations

import hashlib
from urllib.parse import quote

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from .ratelimit import LoginRateLimitMixin
from .sites import current_site, site_url


class AccountAdapter(LoginRateLimitMixin, DefaultAccountAdapter):
    """Failed sign-ins are counted per client and account (:mod:`accounts.ratelimit`); account
    e-mails go through the outbox."""

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Render the message as allauth does, then queue it in the outbox.

        The idempotency key names the kind of message, the address, the rendered text and the
        second it was asked for: every request is a new e-mail (a user who lost the first must be
        able to ask again, even for a text that happens to be the same), while the same message
        asked twice in the same second (a double click) is queued once.
        """
        from mail.services import queue_email

        from .models import User

        ctx = {"request": self.request, "email": email, "current_site": current_site()}
        ctx.update(context)
        message = self.render_mail(template_prefix, email, ctx)
        kind = template_prefix.rsplit("/", 1)[-1]
        second = str(int(timezone.now().timestamp()))
        digest = hashlib.sha256(
            "\n".join([second, email.lower(), message.subject, message.body]).encode()
        ).hexdigest()[:32]
        user = context.get("user")
        queue_email(
            recipient=email,
            subject=message.subject,
            body=message.body,
            key=f"account:{kind}:{digest}",
            user=user if isinstance(user, User) and user.pk else None,
            template_role=f"accounts.{kind}"[:60],
        )

    def format_email_subject(self, subject: str) -> str:
        return f"[{settings.SITE_NAME}] {subject}"

    def get_email_confirmation_url(self, request, emailconfirmation) -> str:
        return site_url(reverse("account_confirm_email", args=[emailconfirmation.key]))

    def get_reset_password_from_key_url(self, key: str) -> str:
        path = reverse("account_reset_password_from_key", kwargs={"uidb36": "UID", "key": "KEY"})
        return site_url(path.replace("UID-KEY", quote(key)))

    def send_account_already_exists_mail(self, email: str) -> None:
        self.send_mail(
            "account/email/account_already_exists",
            email,
            {
                "signup_url": site_url(reverse("account_signup")),
                "password_reset_url": site_url(reverse("account_reset_password")),
            },
        )
