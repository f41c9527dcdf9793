"""The Open311 documentation page."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from hkcq.open311 import registry


def documentation(request: HttpRequest) -> HttpResponse:
    base = settings.SITE_URL.rstrip("/")
    context = {
        "services": registry.services(),
        "base": base + reverse("open311:services").rsplit("/", 1)[0],
    }
    return render(request, "open311/docs.html", context)
