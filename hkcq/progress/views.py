"""Progress pages. Thin: parse, call a selector or service, render."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "progress/dashboard.html", {})
