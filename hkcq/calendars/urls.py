from django.urls import path

from hkcq.calendars import views

app_name = "calendars"

urlpatterns = [
    path("", views.holiday_list, name="holidays"),
    path("days/new/", views.holiday_create, name="holiday_create"),
    path("days/<int:pk>/edit/", views.holiday_edit, name="holiday_edit"),
    path("days/<int:pk>/delete/", views.holiday_delete, name="holiday_delete"),
    path("service-levels/", views.sla_policy_list, name="sla_policies"),
    path("service-levels/new/", views.sla_policy_create, name="sla_policy_create"),
    path("service-levels/<slug:code>/edit/", views.sla_policy_edit, name="sla_policy_edit"),
    path("supervisors/", views.supervisor_list, name="supervisors"),
    path("supervisors/<int:pk>/remove/", views.supervisor_remove, name="supervisor_remove"),
]
