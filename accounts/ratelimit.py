"""Failed sign-ins are counted per client *and* account, so nobody can lock out a known user.

allauth counts failed sign-ins per client IP (``10/m/ip``) and per "key", which it makes of the
login address alone: five wrong passwords from anywhere then lock the account for everyone,
its owner included. :class:`LoginRateLimitMixin` makes that key the client's IP address together
with the login address (``5/5m/key``: one client may guess five times per account in five
minutes), and adds a higher ceiling per account, whatever the client
(``login_failed_account``), which stops a guessing campaign spread over many addresses. A
locked-out attacker's further tries do not count against the owner's own client.

The rates live in ``ACCOUNT_RATE_LIMITS`` (allauth reads them at run time; ``False`` switches
everything off, as in the tests). Behind a reverse proxy, set ``TRUSTED_PROXY_COUNT`` so the
client's address is read from ``X-Forwarded-For``: otherwise every client shares the proxy's.
"""

from __future__ import annotations

from allauth.core.internal import ratelimit
from django.contrib.sites.shortcuts import get_current_site

APP = "allauth.account"
ACCOUNT_ACTION = "login_failed_account"


def login_of(credentials: dict) -> str:
    return (credentials.get("email") or credentials.get("username") or "").strip().lower()


def account_key(request, credentials: dict) -> str:
    return f"{get_current_site(request).domain}:{login_of(credentials)}"


def client_account_key(request, credentials: dict) -> str:
    return f"{ratelimit.get_ip(request)}|{account_key(request, credentials)}"


class LoginRateLimitMixin:
    """Mixed into the account adapter, before allauth's ``DefaultAccountAdapter``."""

    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        # allauth's "login_failed" action: its per-key rate now counts per client and account.
        return client_account_key(request, credentials)

    def pre_authenticate(self, request, **credentials) -> None:
        super().pre_authenticate(request, **credentials)  # per client, per client and account
        usage = ratelimit.consume(
            request, app=APP, action=ACCOUNT_ACTION, key=account_key(request, credentials)
        )
        if not usage:
            raise self.validation_error("too_many_login_attempts")
        # A successful sign-in takes its attempt back from every count, this one included.
        self._login_failed_rl_usage.usage.extend(usage.usage)

    def _delete_login_attempts_cached_email(self, request, **credentials) -> None:
        # After a password reset: the owner starts afresh (the reset itself is rate limited).
        super()._delete_login_attempts_cached_email(request, **credentials)
        ratelimit.clear(
            request, app=APP, action=ACCOUNT_ACTION, key=account_key(request, credentials)
        )
