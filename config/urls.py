from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    path("profile/", include("accounts.urls")),
    path("", include("publication.urls")),
    path("submissions/", include("submissions.urls")),
    path("review/<slug:slug>/manage/messages/", include("messaging.urls")),
    path("", include("program.urls")),
    path("review/", include("activity.urls")),
    path("review/", include("reviews.auto_assign_urls")),
    path("review/", include("charts.urls")),
    path("review/", include("reviews.urls")),
    path("", include("publication.accepted_urls")),
    path("", include("publication.export_urls")),
    path("", include("workshops.urls")),
]

handler500 = "config.views.server_error"
