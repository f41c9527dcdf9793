from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render, resolve_url


def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/404.html", status=404)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "errors/403.html", status=403)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "errors/500.html", status=500)


def redirect_to_page_top(to: str, *args: object, **kwargs: object) -> HttpResponseRedirect:
    """``redirect()`` to the top of the page's content (``#main``). A form whose action ends in
    ``#error-summary`` would otherwise leave that fragment on the page it redirects to after
    success: browsers keep the fragment across a redirect whose address has none."""
    return HttpResponseRedirect(resolve_url(to, *args, **kwargs) + "#main")
