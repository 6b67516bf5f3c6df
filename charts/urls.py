from django.urls import path

from . import views

app_name = "charts"

urlpatterns = [
    path("<slug:slug>/manage/charts/", views.deadline, name="deadline"),
    path("<slug:slug>/manage/charts/reviewing/", views.reviewing, name="reviewing"),
    path("<slug:slug>/manage/charts/scores/", views.scores, name="scores"),
    path("<slug:slug>/manage/charts/decisions/", views.decisions, name="decisions"),
]
