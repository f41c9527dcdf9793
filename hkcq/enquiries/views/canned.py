"""Canned replies: the secretariat keeps them; officers read the ones in use."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from hkcq.accounts.types import AuthedRequest
from hkcq.core.errors import InvalidInput
from hkcq.core.forms import add_domain_error
from hkcq.core.pagination import paginate
from hkcq.core.permissions import require_page
from hkcq.enquiries import forms as eforms
from hkcq.enquiries import permissions, selectors, services
from hkcq.enquiries.models import CannedReply


# -- canned replies ----------------------------------------------------------------------------
@login_required
def canned_list(request: AuthedRequest) -> HttpResponse:
    """The secretariat keeps canned replies here; officers read the ones in use."""
    require_page(permissions.can_read_canned_replies(request.user))
    can_edit = permissions.can_edit_canned_replies(request.user)
    page = paginate(request, selectors.canned_reply_list(active_only=not can_edit))
    return render(request, "enquiries/canned_list.html", {"page": page, "can_edit": can_edit})


@login_required
def canned_edit(request: AuthedRequest, pk: int | None = None) -> HttpResponse:
    require_page(permissions.can_edit_canned_replies(request.user))
    canned = get_object_or_404(CannedReply, pk=pk) if pk else None
    if request.method == "POST":
        form = eforms.CannedReplyForm(request.POST)
        if form.is_valid():
            try:
                services.canned_reply_save(user=request.user, data=form.cleaned_data, canned=canned)
            except InvalidInput as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, _("The canned reply has been saved."))
                return redirect("enquiries:canned")
    else:
        form = eforms.CannedReplyForm.for_instance(canned)
    title = _("Edit canned reply") if canned else _("New canned reply")
    return render(request, "enquiries/canned_edit.html", {"form": form, "title": title, "canned": canned})
