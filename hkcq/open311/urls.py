from django.urls import path

from hkcq.open311 import views

app_name = "open311"

urlpatterns = [
    path("discovery.json", views.discovery, name="discovery"),
    path("services.json", views.services_list, name="services"),
    path("services/<slug:service_code>.json", views.service_definition, name="service"),
    path("requests.json", views.requests_view, name="requests"),
    path("requests/<str:service_request_id>.json", views.request_detail, name="request"),
]
