from django.urls import path, register_converter

from hkcq.open311 import views

app_name = "open311"


class FormatConverter:
    """The format a GeoReport v2 path ends in: ``.xml`` (the specification's required one) or ``.json``."""

    regex = "xml|json"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(FormatConverter, "open311_format")

urlpatterns = [
    path("openapi.json", views.openapi_document, name="openapi"),
    path("discovery.<open311_format:fmt>", views.discovery, name="discovery"),
    path("services.<open311_format:fmt>", views.services_list, name="services"),
    path("services/<slug:service_code>.<open311_format:fmt>", views.service_definition, name="service"),
    path("requests.<open311_format:fmt>", views.requests_view, name="requests"),
    path("requests/<str:service_request_id>.<open311_format:fmt>", views.request_detail, name="request"),
    path("tokens/<str:token>.<open311_format:fmt>", views.token_detail, name="token"),
]
