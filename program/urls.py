from django.urls import path

from . import views

app_name = "program"
urlpatterns = [
    # Chairs: the builder.
    path("review/<slug:slug>/manage/program/", views.manage, name="manage"),
    path("review/<slug:slug>/manage/program/sessions/new/", views.session_edit, name="session_new"),
    path(
        "review/<slug:slug>/manage/program/sessions/<int:pk>/",
        views.session_edit,
        name="session_edit",
    ),
    path(
        "review/<slug:slug>/manage/program/sessions/<int:pk>/delete/",
        views.session_delete,
        name="session_delete",
    ),
    path("review/<slug:slug>/manage/program/publish/", views.publish, name="publish"),
    # Everyone, once published.
    path("w/<slug:slug>/program/", views.public, name="public"),
    path("w/<slug:slug>/program.ics", views.calendar, name="calendar"),
]
