from django.urls import path

from .views import author, chair, fields

app_name = "submissions"
urlpatterns = [
    path("", author.dashboard, name="dashboard"),
    path("<slug:slug>/new/", author.create, name="create"),
    path("<slug:slug>/manage/", chair.manage_list, name="manage_list"),
    path("<slug:slug>/manage/export.csv", chair.export_csv, name="export_csv"),
    path("<slug:slug>/manage/bulk/", chair.bulk, name="bulk"),
    path("<slug:slug>/manage/fields/", fields.fields, name="fields"),
    path("<slug:slug>/<int:number>/", author.detail, name="detail"),
    path("<slug:slug>/<int:number>/edit/", author.edit, name="edit"),
    path("<slug:slug>/<int:number>/withdraw/", author.withdraw, name="withdraw"),
    path("<slug:slug>/<int:number>/files/<int:file_id>/", author.download, name="download"),
    path("<slug:slug>/<int:number>/desk-reject/", chair.desk_reject, name="desk_reject"),
    path("<slug:slug>/<int:number>/reinstate/", chair.reinstate, name="reinstate"),
    path("<slug:slug>/<int:number>/deadline/", chair.extend_deadline, name="extend_deadline"),
]
