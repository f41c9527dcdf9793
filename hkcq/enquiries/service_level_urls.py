"""The service-level and unit-supervisor pages. They belong to enquiries but keep the addresses
they had under /calendars/ (config/urls.py mounts them there), in their own namespace."""

from django.urls import path

from hkcq.enquiries import views

app_name = "service_levels"

urlpatterns = [
    path("service-levels/", views.sla_policy_list, name="sla_policies"),
    path("service-levels/new/", views.sla_policy_create, name="sla_policy_create"),
    path("service-levels/<slug:code>/edit/", views.sla_policy_edit, name="sla_policy_edit"),
    path("supervisors/", views.supervisor_list, name="supervisors"),
    path("supervisors/<int:pk>/remove/", views.supervisor_remove, name="supervisor_remove"),
]
