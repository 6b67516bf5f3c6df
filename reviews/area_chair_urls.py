"""URLs of the area-chair role (included by ``reviews.urls``, namespace ``reviews``): the chairs'
assignment pages and the area chairs' own workspace."""

from django.urls import path

from .views import area_chair, area_chairs

urlpatterns = [
    # Chairs: who is area chair of which paper.
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
    path(
        "<slug:slug>/manage/paper/<int:number>/emergency/handled/",
        area_chair.handle_request,
        name="emergency_handled",
    ),
    # Area chairs: their papers, meta-reviews, reminders and requests.
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
]
