from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from hkcq.accounts.types import AuthedRequest
from hkcq.core.outbox import email_resend
from hkcq.core.pagination import paginate
from hkcq.notifications import permissions, selectors, services


@login_required
def notification_list(request: AuthedRequest) -> HttpResponse:
    unread_only = request.GET.get("show") == "unread"
    page = paginate(request, selectors.notification_list(user=request.user, unread_only=unread_only))
    return render(
        request,
        "notifications/list.html",
        {"page": page, "unread_only": unread_only, "unread": selectors.unread_count(request.user)},
    )


@login_required
@require_POST
def notification_read(request: AuthedRequest, notification_id: int) -> HttpResponse:
    notification = services.notification_mark_read(user=request.user, notification_id=notification_id)
    if notification is None:
        return render(request, "errors/404.html", status=404)
    target = notification.shown().url
    if request.POST.get("open") and target and url_has_allowed_host_and_scheme(target, allowed_hosts=None):
        return redirect(target)
    return redirect("notifications:list")


@login_required
@require_POST
def notification_read_all(request: AuthedRequest) -> HttpResponse:
    count = services.notification_mark_all_read(user=request.user)
    messages.success(
        request,
        ngettext("%(count)d notification marked as read.", "%(count)d notifications marked as read.", count)
        % {"count": count},
    )
    return redirect("notifications:list")


@login_required
def outgoing_email_list(request: AuthedRequest) -> HttpResponse:
    if not permissions.can_manage_outgoing_email(request.user):
        raise PermissionDenied
    view = request.GET.get("show", "failed")
    if view not in selectors.OUTGOING_VIEWS:
        view = "failed"
    page = paginate(request, selectors.outgoing_email_list(view=view))
    return render(
        request,
        "notifications/outgoing.html",
        {"page": page, "view": view, "counts": selectors.outgoing_email_counts()},
    )


@login_required
@require_POST
def outgoing_email_resend(request: AuthedRequest) -> HttpResponse:
    if not permissions.can_manage_outgoing_email(request.user):
        raise PermissionDenied
    ids = [int(value) for value in request.POST.getlist("message") if value.isdigit()]
    if request.POST.get("all"):
        ids = list(selectors.outgoing_email_list(view="failed").values_list("pk", flat=True))
    count = email_resend(message_ids=ids)
    messages.success(
        request, ngettext("%(count)d e-mail queued again.", "%(count)d e-mails queued again.", count) % {"count": count}
    )
    return redirect(reverse("notifications:outgoing") + "?show=failed")
