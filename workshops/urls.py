from django.urls import path

from . import views

app_name = "workshops"
urlpatterns = [
    path("", views.index, name="index"),
    path("w/<slug:slug>/", views.detail, name="detail"),
]
