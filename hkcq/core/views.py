"""Views every app shares: health, error pages, the redirect to the page top, and the one
create/edit page flow for staff forms (``edit_page``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render, resolve_url
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from hkcq.core import govpages, mywork, sitesearch
from hkcq.core.badinput import machine_error
from hkcq.core.errors import DomainError
from hkcq.core.forms import add_domain_error
from hkcq.core.translated import TranslatedFormField


def info_page(request: HttpRequest, slug: str) -> HttpResponse:
    """A government page (privacy policy, accessibility statement, contact, important notices)
    in the reader's language (``hkcq.core.govpages``)."""
    page = govpages.PAGES[slug]
    language = get_language() or settings.LANGUAGE_CODE
    if language not in {code for code, _name in settings.LANGUAGES}:
        language = settings.LANGUAGE_CODE
    return render(
        request,
        "core/pages/page.html",
        {
            "page": page,
            "body_template": f"core/pages/{slug}/{language}.html",
            "secretariat_email": settings.SECRETARIAT_EMAIL,
        },
    )


def healthz(request: HttpRequest) -> JsonResponse:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return machine_error(request, 404, _("Not found.")) or render(request, "errors/404.html", status=404)


def forbidden(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return machine_error(request, 403, _("You do not have permission to do this.")) or render(
        request, "errors/403.html", status=403
    )


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return machine_error(request, 400, _("Bad request.")) or render(request, "errors/400.html", status=400)


def server_error(request: HttpRequest) -> HttpResponse:
    return machine_error(request, 500, _("Something went wrong on our side. Please try again later.")) or render(
        request, "errors/500.html", status=500
    )


def redirect_to_page_top(to: str, *args: object, **kwargs: object) -> HttpResponseRedirect:
    """``redirect()`` to the top of the page's content (``#main``). A form whose action ends in
    ``#error-summary`` would otherwise leave that fragment on the page it redirects to after
    success: browsers keep the fragment across a redirect whose address has none."""
    return HttpResponseRedirect(resolve_url(to, *args, **kwargs) + "#main")


def edit_page(
    request: HttpRequest,
    *,
    form_class: Callable[..., forms.BaseForm],
    save: Callable[[dict[str, Any]], Any],
    title: str,
    cancel_url: str,
    instance: Any = None,
    initial: dict[str, Any] | None = None,
    form_kwargs: dict[str, Any] | None = None,
    files: bool = False,
    success_url: Callable[[Any], str] | str | None = None,
    template: str = "core/edit.html",
    context: dict[str, Any] | None = None,
) -> HttpResponse:
    """The one create/edit flow of a staff form: bound form → ``save(cleaned_data)`` (a service)
    → "Saved." and a redirect; a ``DomainError`` from the service lands on the form
    (``add_domain_error``) so nothing typed is lost. ``success_url`` defaults to the saved
    object's ``get_absolute_url()``. Model forms get ``instance``; plain forms pass ``instance=None``.
    ``context``: more for the template (a template extending ``core/edit.html`` may show it, e.g. a
    record's change history)."""
    kwargs = dict(form_kwargs or {})
    if instance is not None or (isinstance(form_class, type) and issubclass(form_class, forms.BaseModelForm)):
        kwargs["instance"] = instance
    if request.method == "POST":
        form = form_class(request.POST, request.FILES if files else None, **kwargs)
        if form.is_valid():
            try:
                saved = save(form.cleaned_data)
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, _("Saved."))
                if success_url is None:
                    return redirect(saved.get_absolute_url())
                return redirect(success_url if isinstance(success_url, str) else success_url(saved))
    else:
        form = form_class(initial=initial, **kwargs)
    return render(
        request,
        template,
        {
            **(context or {}),
            "form": form,
            "title": title,
            "cancel_url": cancel_url,
            "files": files,
            # the note on texts in three languages, only over a form that has such a text
            "translated": any(isinstance(f, TranslatedFormField) for f in form.fields.values()),
        },
    )


def search(request: HttpRequest) -> HttpResponse:
    """The site's one search: every registered kind (hkcq.core.sitesearch), grouped."""
    query = (request.GET.get("q") or "").strip()[:200]
    results = sitesearch.search(query, language=get_language() or "en", user=request.user)
    template = "core/_search_results.html" if getattr(request, "htmx", False) else "core/search.html"
    return render(request, template, {"query": query, "results": results})


def my_work(request: HttpRequest) -> HttpResponse:
    """Staff land here after signing in: their share of each app's work (hkcq.core.mywork).
    Anyone else goes to the home page."""
    user = request.user
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not getattr(user, "is_staff_member", False):
        return HttpResponseRedirect(resolve_url(settings.HOME_URL))
    return render(request, "core/my_work.html", {"sections": mywork.sections_for(user)})
