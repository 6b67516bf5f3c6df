"""The site's allauth account adapter."""

from allauth.account.adapter import DefaultAccountAdapter

from .ratelimit import LoginRateLimitMixin


class AccountAdapter(LoginRateLimitMixin, DefaultAccountAdapter):
    """Failed sign-ins counted per client and account (:mod:`accounts.ratelimit`)."""
