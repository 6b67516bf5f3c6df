"""URLs of the area-chair role (chairs' pages), included by ``reviews.urls``."""

from django.urls import path

from .views import area_chairs

urlpatterns = [
    path("<slug:slug>/manage/area-chairs/", area_chairs.area_chairs, name="area_chairs"),
    path(
        "<slug:slug>/manage/area-chairs/paper/<int:number>/assign/",
        area_chairs.assign,
        name="area_chair_assign",
    ),
    path(
        "<slug:slug>/manage/area-chairs/paper/<int:number>/unassign/",
        area_chairs.unassign,
        name="area_chair_unassign",
    ),
]
