from django.urls import path

from hkcq.notifications import views

app_name = "notifications"

urlpatterns = [
    path("", views.notification_list, name="list"),
    path("read-all/", views.notification_read_all, name="read_all"),
    path("outgoing/", views.outgoing_email_list, name="outgoing"),
    path("outgoing/resend/", views.outgoing_email_resend, name="outgoing_resend"),
    path("<int:notification_id>/read/", views.notification_read, name="read"),
]
