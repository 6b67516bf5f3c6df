"""The public accepted papers and the chairs' switch that publishes them."""

from django.urls import path

from .views import public

app_name = "accepted"
urlpatterns = [
    path("w/<slug:slug>/accepted/", public.accepted_list, name="list"),
    path("w/<slug:slug>/accepted/<int:number>.pdf", public.paper_pdf, name="pdf"),
    path("w/<slug:slug>/manage/accepted/", public.manage, name="manage"),
]
