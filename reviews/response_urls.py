"""URLs of the author response and of review versions (included from ``reviews.urls``)."""

from django.urls import path

from .views import responses

urlpatterns = [
    path(
        "paper/<slug:slug>/<int:number>/response/",
        responses.author_response,
        name="author_response",
    ),
    path(
        "paper/<slug:slug>/<int:number>/review/<int:ordinal>/changes/",
        responses.review_changes,
        name="review_changes",
    ),
    path(
        "<slug:slug>/manage/paper/<int:number>/response-deadline/",
        responses.response_deadline,
        name="response_deadline",
    ),
]
