from django.urls import path

from .views import camera_ready, chair

app_name = "publication"
urlpatterns = [
    # Camera-ready: the authors' page of an accepted paper and the chairs' pages.
    path(
        "submissions/<slug:slug>/<int:number>/camera-ready/",
        camera_ready.camera_ready_page,
        name="camera_ready",
    ),
    path(
        "submissions/<slug:slug>/<int:number>/camera-ready/deadline/",
        chair.camera_deadline,
        name="camera_deadline",
    ),
    path("submissions/<slug:slug>/manage/camera-ready/", chair.camera_table, name="camera_table"),
    path(
        "submissions/<slug:slug>/manage/camera-ready/remind/",
        chair.camera_remind,
        name="camera_remind",
    ),
    path(
        "submissions/<slug:slug>/manage/camera-ready/settings/",
        chair.publication_settings,
        name="publication_settings",
    ),
]
