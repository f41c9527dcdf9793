from django.urls import path

from hkcq.progress import views

app_name = "progress"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("how-it-is-counted/", views.method, name="method"),
    path("lists/<slug:kind>/", views.dashboard_list, name="list"),
    path("measures/<slug:ext_id>/updates/", views.measure_updates, name="measure_updates"),
    path("measures/<slug:ext_id>/updates/new/", views.update_new, name="update_new"),
    path("measures/<slug:ext_id>/weight/", views.weight_edit, name="weight"),
    path("work/", views.work_queue, name="queue"),
    path("updates/<int:update_id>/", views.update_detail, name="update"),
    path("updates/<int:update_id>/edit/", views.update_edit, name="update_edit"),
    path("updates/<int:update_id>/evidence/new/", views.evidence_add, name="evidence_add"),
    path("updates/<int:update_id>/<slug:action>/", views.update_action, name="update_action"),
    path("evidence/<int:evidence_id>/", views.evidence_download, name="evidence"),
    path("evidence/<int:evidence_id>/delete/", views.evidence_delete, name="evidence_delete"),
    path("scale/", views.scale, name="scale"),
    path("scale/new/", views.status_new, name="status_new"),
    path("scale/<int:status_id>/", views.status_edit, name="status_edit"),
]
