"""The chairs' exports and the proceedings bundle."""

from django.urls import path

from .views import exports

app_name = "exports"
urlpatterns = [
    path("w/<slug:slug>/manage/exports/", exports.index, name="index"),
    path("w/<slug:slug>/manage/exports/proceedings.zip", exports.bundle, name="proceedings"),
    path("w/<slug:slug>/manage/exports/order/", exports.order, name="order"),
    path(
        "w/<slug:slug>/manage/exports/<slug:dataset>.<slug:fmt>",
        exports.download,
        name="download",
    ),
]
