"""The Open311 documentation page, under the language prefix (/<lang>/open311/)."""

from django.urls import path

from hkcq.open311 import pages

app_name = "open311_docs"

urlpatterns = [path("", pages.documentation, name="docs")]
