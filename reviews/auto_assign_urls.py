"""URLs of the automatic assignment, under /review/ (included before ``reviews.urls``)."""

from django.urls import path

from .views import auto_assign as views

app_name = "autoassign"
urlpatterns = [
    path("<slug:slug>/manage/auto-assign/", views.index, name="index"),
    path("<slug:slug>/manage/auto-assign/<int:pk>/", views.run_detail, name="run"),
    path("<slug:slug>/manage/auto-assign/<int:pk>/csv/", views.run_csv, name="csv"),
    path("<slug:slug>/manage/auto-assign/<int:pk>/rerun/", views.rerun, name="rerun"),
    path("<slug:slug>/manage/auto-assign/<int:pk>/add/", views.pair_add, name="pair_add"),
    path(
        "<slug:slug>/manage/auto-assign/<int:pk>/pairs/<int:pair_id>/remove/",
        views.pair_remove,
        name="pair_remove",
    ),
    path("<slug:slug>/manage/auto-assign/<int:pk>/commit/", views.commit, name="commit"),
]
