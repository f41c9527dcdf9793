from django.urls import path

from hkcq.reporting import views

app_name = "reporting"

urlpatterns = [
    path("open-data/", views.open_data, name="open_data"),
    path("open-data/<slug:slug>.<str:fmt>", views.open_data_download, name="open_data_file"),
    path("import/", views.import_home, name="import"),
    path("import/templates/<slug:kind>.<str:fmt>", views.import_template, name="import_template"),
    path("import/<uuid:job_id>/", views.import_job, name="import_job"),
    path("import/<uuid:job_id>/confirm/", views.import_confirm, name="import_confirm"),
    path("import/<uuid:job_id>/abandon/", views.import_abandon, name="import_abandon"),
]
