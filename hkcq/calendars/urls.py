from django.urls import path

from hkcq.calendars import views

app_name = "calendars"

urlpatterns = [
    path("", views.holiday_list, name="holidays"),
    path("days/new/", views.holiday_create, name="holiday_create"),
    path("days/<int:pk>/edit/", views.holiday_edit, name="holiday_edit"),
    path("days/<int:pk>/delete/", views.holiday_delete, name="holiday_delete"),
]
