from django.urls import path

from . import views

app_name = "activity"

urlpatterns = [
    path("<slug:slug>/manage/activity/", views.workshop_log, name="workshop_log"),
    path(
        "<slug:slug>/manage/activity/export.<str:fmt>",
        views.workshop_log_export,
        name="workshop_log_export",
    ),
]
