"""URLs of the area chairs' pages (included in ``reviews.urls``, namespace ``reviews``)."""

from django.urls import path

from .views import area_chair

urlpatterns = [
    path("<slug:slug>/area-chair/", area_chair.papers, name="ac_papers"),
    path("<slug:slug>/area-chair/<int:number>/", area_chair.paper, name="ac_paper"),
    path(
        "<slug:slug>/area-chair/<int:number>/meta-review/",
        area_chair.meta_review,
        name="meta_review",
    ),
    path("<slug:slug>/area-chair/<int:number>/remind/", area_chair.remind, name="ac_remind"),
    path(
        "<slug:slug>/area-chair/<int:number>/emergency/",
        area_chair.emergency,
        name="ac_emergency",
    ),
    path("<slug:slug>/area-chair/<int:number>/decision/", area_chair.stage, name="ac_stage"),
    path(
        "<slug:slug>/manage/paper/<int:number>/emergency/handled/",
        area_chair.handle_request,
        name="emergency_handled",
    ),
]
