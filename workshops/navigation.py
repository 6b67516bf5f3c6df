"""The site's navigation: the header's roles, and the one tab bar of a workshop's chair pages.

``CHAIR_TABS`` is the whole chair navigation. Adding a chair page to it is one line: a
``Tab(label, url name)``, or a ``Tab`` in the ``children`` of an existing area (shown as a second
row of tabs while that area is open). A tab also lights up for the view names in ``also`` (a
name ending in ``:`` matches a whole URL namespace), so that e.g. the page of one paper keeps
"Reviews" current.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.urls import NoReverseMatch, reverse

from .enums import MemberRole
from .roles import member_workshops, roles_of


@dataclass(frozen=True)
class Tab:
    label: str
    url_name: str
    also: tuple[str, ...] = ()
    children: tuple[Tab, ...] = ()

    def matches(self, view_name: str | None) -> bool:
        if not view_name:
            return False
        if view_name == self.url_name or any(child.matches(view_name) for child in self.children):
            return True
        return any(
            view_name.startswith(name) if name.endswith(":") else view_name == name
            for name in self.also
        )


CHAIR_TABS: tuple[Tab, ...] = (
    Tab("Overview", "workshops:manage"),
    Tab("Call", "workshops:edit", also=("workshops:edit_section", "submissions:fields")),
    Tab(
        "Submissions",
        "submissions:manage_list",
        also=("submissions:desk_reject", "submissions:extend_deadline", "submissions:reinstate"),
    ),
    Tab(
        "Committee",
        "reviews:committee",
        children=(
            Tab(
                "Members and invitations",
                "reviews:committee",
                also=("reviews:invitation_resend", "reviews:member_remove", "reviews:member_role"),
            ),
            Tab("Conflicts", "reviews:conflicts"),
            Tab("Area chairs", "reviews:area_chairs", also=("reviews:area_chair_assign",)),
        ),
    ),
    Tab("Assignment", "autoassign:index", also=("autoassign:",)),
    Tab(
        "Reviews",
        "reviews:manage",
        also=(
            "reviews:manage_paper",
            "reviews:response_deadline",
            "reviews:manage_reviewer",
            "reviews:remind_late",
            "reviews:paper",
        ),
    ),
    Tab(
        "Decisions",
        "reviews:decisions",
        children=(
            Tab("Decisions", "reviews:decisions", also=("reviews:release_confirm",)),
            Tab("Letter templates", "reviews:templates"),
        ),
    ),
    Tab(
        "Charts",
        "charts:deadline",
        children=(
            Tab("Deadline", "charts:deadline"),
            Tab("Reviewing", "charts:reviewing"),
            Tab("Scores", "charts:scores"),
            Tab("Decisions", "charts:decisions"),
        ),
    ),
    Tab(
        "Publication",
        "publication:camera_table",
        children=(
            Tab("Camera-ready", "publication:camera_table", also=("publication:camera_deadline",)),
            Tab("Camera-ready settings", "publication:publication_settings"),
            Tab("Accepted papers", "accepted:manage"),
            Tab("Program", "program:manage", also=("program:",)),
        ),
    ),
    Tab(
        "Mail",
        "messaging:compose",
        also=("messaging:message",),
        children=(
            Tab("Mail to groups", "messaging:compose", also=("messaging:message",)),
            Tab("Outbox", "reviews:outbox", also=("reviews:outbox_resend",)),
        ),
    ),
    Tab(
        "Records",
        "activity:workshop_log",
        children=(
            Tab("Activity log", "activity:workshop_log", also=("activity:",)),
            Tab("Exports", "exports:index", also=("exports:",)),
        ),
    ),
    Tab(
        "Settings",
        "reviews:manage_settings",
        children=(
            Tab("Review phase", "reviews:manage_settings"),
            Tab("Review criteria", "reviews:criteria"),
            Tab("Review questions", "reviews:questions"),
        ),
    ),
)


@dataclass
class TabLink:
    label: str
    url: str
    # The value of ``aria-current``: "page" on the tab of this very page, "true" on the area
    # that holds it (e.g. "Submissions" on a desk-rejection page), "" elsewhere.
    current: str
    children: list[TabLink] = field(default_factory=list)


def _link(tab: Tab, slug: str, view_name: str | None) -> TabLink | None:
    try:
        url = reverse(tab.url_name, args=[slug])
    except NoReverseMatch:  # an app that is not installed offers no page
        return None
    if view_name == tab.url_name:
        current = "page"
    elif tab.matches(view_name):
        current = "true"
    else:
        current = ""
    return TabLink(tab.label, url, current)


def chair_tabs(workshop, view_name: str | None, tabs: tuple[Tab, ...] = CHAIR_TABS):
    """The chair tab bar of ``workshop`` as links; the open area also lists its own pages."""
    links = []
    for tab in tabs:
        link = _link(tab, workshop.slug, view_name)
        if link is None:
            continue
        if link.current:
            link.children = [
                child_link
                for child in tab.children
                if (child_link := _link(child, workshop.slug, view_name)) is not None
            ]
        links.append(link)
    return links


# --- The header ---------------------------------------------------------------------------------


@dataclass
class UserNav:
    """What the header offers a signed-in user, from one query over their memberships."""

    reviewing: list = field(default_factory=list)  # workshops they review or area-chair in
    chairing: list = field(default_factory=list)  # workshops they chair

    @property
    def is_reviewer(self) -> bool:
        return bool(self.reviewing)


def _newest_first(workshop):
    return (workshop.year is None, -(workshop.year or 0), workshop.name, workshop.pk)


def user_nav(request) -> UserNav | None:
    """The header's roles of ``request.user``.

    They come from the role cache of ``workshops.roles`` (one query over the memberships, with
    their workshops, shared with every permission check of the request): no query of its own
    when the view has already checked a role, one otherwise.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return None
    roles = roles_of(user)
    workshops = sorted(member_workshops(user).values(), key=_newest_first)
    return UserNav(
        reviewing=[
            w
            for w in workshops
            if {MemberRole.REVIEWER, MemberRole.AREA_CHAIR} & roles.get(w.pk, set())
        ],
        chairing=[w for w in workshops if MemberRole.CHAIR in roles.get(w.pk, ())],
    )
