"""Views of the workshops app; ``mixins`` holds the permission helpers other apps reuse."""

from .manage import WorkshopCreateView, WorkshopDashboardView, WorkshopEditView
from .mixins import WorkshopPermissionMixin, get_workshop_or_refuse, workshop_permission_required
from .public import calendar, detail, index, person_photo

__all__ = [
    "WorkshopCreateView",
    "WorkshopDashboardView",
    "WorkshopEditView",
    "WorkshopPermissionMixin",
    "calendar",
    "detail",
    "get_workshop_or_refuse",
    "index",
    "person_photo",
    "workshop_permission_required",
]
