from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hkcq.accounts import selectors, services
from hkcq.accounts.forms import ApiTokenForm, PreferencesForm, QueuedPasswordResetForm, ThrottledAuthenticationForm
from hkcq.core.throttle import throttle


class LoginView(auth_views.LoginView):
    form_class = ThrottledAuthenticationForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True


class PasswordResetView(auth_views.PasswordResetView):
    form_class = QueuedPasswordResetForm
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # Per address and per e-mail address: no flood of reset e-mails to anyone's inbox.
        throttle(request, "password_reset", targets=(request.POST.get("email", ""),))
        return super().post(request, *args, **kwargs)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


@login_required
def account(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if request.method == "POST":
        form = PreferencesForm(request.POST, instance=user)
        if form.is_valid():
            form.save()
            messages.success(request, _("Your details have been saved."))
            return redirect("accounts:account")
    else:
        form = PreferencesForm(instance=user)
    tokens = selectors.api_token_list_for_user(user=user)
    context = {
        "form": form,
        "token_form": ApiTokenForm(),
        "tokens": tokens,
        "units": user.units.all() if hasattr(user, "units") else [],
        "new_token": request.session.pop("new_api_token", None),
    }
    return render(request, "accounts/account.html", context)


@login_required
@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    user: Any = request.user
    if not user.is_staff_member:
        messages.error(request, _("API tokens are for staff accounts."))
        return redirect("accounts:account")
    form = ApiTokenForm(request.POST)
    if form.is_valid():
        _token, raw = services.api_token_create(user=user, name=form.cleaned_data["name"])
        request.session["new_api_token"] = raw
    else:
        messages.error(request, _("Give the token a name."))
    return redirect("accounts:account")


@login_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    user: Any = request.user
    services.api_token_revoke(user=user, token_id=token_id)
    messages.success(request, _("The token has been revoked."))
    return redirect("accounts:account")
