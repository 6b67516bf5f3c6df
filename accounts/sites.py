"""The site's public name and domain, from ``SITE_URL`` (and ``SITE_NAME``), for the Sites
framework and for every link and signature in account e-mails."""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings


def site_domain() -> str:
    """``cfp.example.org`` (with the port when ``SITE_URL`` names one)."""
    return urlsplit(settings.SITE_URL).netloc or "localhost"


def site_url(path: str) -> str:
    """An absolute link on the public site."""
    return settings.SITE_URL.rstrip("/") + path


def current_site():
    """An (unsaved) ``Site`` as the templates expect it, always in step with the settings."""
    from django.contrib.sites.models import Site

    return Site(id=settings.SITE_ID, domain=site_domain(), name=settings.SITE_NAME)


def sync_site(sender=None, *, using="default", apps=None, **kwargs) -> None:
    """post_migrate: make Site(id=SITE_ID) carry SITE_URL's domain and SITE_NAME, instead of
    the "example.com" the sites framework creates."""
    from django.contrib.sites.models import Site as CurrentSite

    Site = apps.get_model("sites", "Site") if apps is not None else CurrentSite
    Site.objects.using(using).update_or_create(
        pk=settings.SITE_ID,
        defaults={"domain": site_domain()[:100], "name": settings.SITE_NAME[:50]},
    )
    CurrentSite.objects.clear_cache()
