from django.urls import path

from . import views

app_name = "workshops"
urlpatterns = [
    path("", views.index, name="index"),
    path("workshops/new/", views.WorkshopCreateView.as_view(), name="create"),
    path("w/<slug:slug>/", views.detail, name="detail"),
    path("w/<slug:slug>/calendar.ics", views.calendar, name="calendar"),
    path("w/<slug:slug>/people/<int:pk>/photo/", views.person_photo, name="person_photo"),
    path("w/<slug:slug>/manage/", views.WorkshopDashboardView.as_view(), name="manage"),
    path("w/<slug:slug>/manage/edit/", views.WorkshopEditView.as_view(), name="edit"),
    path(
        "w/<slug:slug>/manage/edit/<slug:section>/",
        views.WorkshopEditView.as_view(),
        name="edit_section",
    ),
]
