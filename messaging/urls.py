from django.urls import path

from . import views

app_name = "messaging"
urlpatterns = [
    path("", views.compose, name="compose"),
    path("<int:pk>/", views.message_detail, name="message"),
]
