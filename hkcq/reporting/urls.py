from django.urls import path

from hkcq.reporting import views

app_name = "reporting"

urlpatterns = [
    path("open-data/", views.open_data, name="open_data"),
    path("open-data/datapackage.json", views.open_data_package, name="open_data_package"),
    path("open-data/catalogue.jsonld", views.open_data_catalogue, name="open_data_catalogue"),
    path("open-data/<slug:slug>.<str:fmt>", views.open_data_download, name="open_data_file"),
    path("import/", views.import_home, name="import"),
    path("import/templates/<slug:kind>.<str:fmt>", views.import_template, name="import_template"),
    path("import/<uuid:job_id>/", views.import_job, name="import_job"),
    path("import/<uuid:job_id>/confirm/", views.import_confirm, name="import_confirm"),
    path("import/<uuid:job_id>/abandon/", views.import_abandon, name="import_abandon"),
]

urlpatterns += [
    path("reports/", views.report_list, name="reports"),
    path("reports/close-cycle/", views.cycle_close, name="cycle_close"),
    path("reports/draft/", views.draft_report, name="draft_report"),
    path("reports/draft/generate/", views.draft_report_generate, name="draft_report_generate"),
    path("reports/<int:snapshot_id>/", views.report_detail, name="report"),
    path("reports/<int:snapshot_id>/generate/", views.report_generate, name="report_generate"),
    path("reports/<int:snapshot_id>/snapshot.json", views.snapshot_data, name="snapshot_data"),
    path("reports/<int:snapshot_id>/files/<str:language>.<str:fmt>", views.report_file, name="report_file"),
    path("reports/jobs/<uuid:job_id>/", views.report_job, name="report_job"),
    path("reports/jobs/<uuid:job_id>/files/<str:fmt>", views.report_job_file, name="report_job_file"),
    path("jobs/<uuid:job_id>/retry/", views.job_retry, name="job_retry"),
]
