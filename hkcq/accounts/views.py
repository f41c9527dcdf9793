from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from hkcq.accounts import selectors, services
from hkcq.accounts.forms import (
    ApiTokenForm,
    CodeForm,
    PreferencesForm,
    QueuedPasswordResetForm,
    ResendConfirmationForm,
    SignInPolicyForm,
    ThrottledAuthenticationForm,
)
from hkcq.accounts.models import SignInPolicy, User
from hkcq.accounts.types import AuthedRequest
from hkcq.core.errors import NotPermitted
from hkcq.core.throttle import Throttled, form_refused, throttle

PENDING = "hkcq_pending_sign_in"


def _remember_device(response: HttpResponse, username: str) -> HttpResponse:
    """Mark this browser as the user's own: their later sign-ins here are counted apart from
    failures anywhere else (services, "sign-in throttling")."""
    response.set_cookie(
        services.DEVICE_COOKIE,
        services.device_cookie_value(username),
        max_age=services.DEVICE_MAX_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


class LoginView(auth_views.LoginView):
    form_class = ThrottledAuthenticationForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form: Any) -> HttpResponse:
        user = form.get_user()
        if services.second_factor_needed(user):
            # The password was right; the session is not signed in until the code is.
            self.request.session[PENDING] = {
                "user": user.pk,
                "backend": user.backend,
                "next": self.get_success_url(),
                "at": time.time(),
            }
            return redirect("accounts:login_code")
        return _remember_device(super().form_valid(form), user.get_username())


def login_code(request: HttpRequest) -> HttpResponse:
    """The second step of signing in: the code from the authenticator app, or setting one up
    when the secretariat requires it and the user has none."""
    pending = request.session.get(PENDING)
    if not pending or time.time() - pending.get("at", 0) > 600:
        request.session.pop(PENDING, None)
        return redirect("accounts:login")
    user = User.objects.filter(pk=pending["user"], is_active=True).first()
    if user is None:
        return redirect("accounts:login")
    device = services.second_factor_device(user)
    setting_up = device is None
    if device is None:
        device = services.second_factor_start(user=user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.second_factor_verify(device=device, code=form.cleaned_data["code"]):
            del request.session[PENDING]
            login(request, user, backend=pending["backend"])
            otp_login(request, device)
            services.login_success_record(username=user.get_username())
            return _remember_device(redirect(pending["next"]), user.get_username())
        form.add_error("code", _("That code is not right, or it has expired. Type the code your app shows now."))
    context = {"form": form, "setting_up": setting_up}
    if setting_up:
        context |= {"qr": services.second_factor_qr_svg(device), "secret": services.second_factor_secret(device)}
    return render(
        request, "accounts/login_code.html", context, status=200 if form.is_valid() or not form.errors else 400
    )


@login_required
def two_step(request: AuthedRequest) -> HttpResponse:
    """Staff turn the second factor on (scan or type the secret, confirm with a code) or off."""
    user = request.user
    if not user.is_staff_member:
        return redirect("accounts:account")
    device = services.second_factor_device(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST":
        if request.POST.get("action") == "off" and device is not None:
            try:
                services.second_factor_remove(user=user)
            except NotPermitted as exc:
                messages.error(request, str(exc.message))
            else:
                messages.success(request, _("Two-step sign-in is off."))
            return redirect("accounts:account")
        if device is None and form.is_valid():
            pending = services.second_factor_start(user=user)
            if services.second_factor_verify(device=pending, code=form.cleaned_data["code"]):
                otp_login(request, pending)
                messages.success(request, _("Two-step sign-in is on. You will be asked for a code when you sign in."))
                return redirect("accounts:account")
            form.add_error("code", _("That code is not right, or it has expired. Type the code your app shows now."))
    context: dict[str, Any] = {"form": form, "device": device}
    if device is None:
        pending = services.second_factor_start(user=user)
        context |= {"qr": services.second_factor_qr_svg(pending), "secret": services.second_factor_secret(pending)}
    return render(request, "accounts/two_step.html", context)


@login_required
@require_POST
def sign_in_policy(request: AuthedRequest) -> HttpResponse:
    user = request.user
    form = SignInPolicyForm(request.POST)
    if form.is_valid():
        try:
            services.sign_in_policy_set(
                user=user, staff_second_factor_required=form.cleaned_data["staff_second_factor_required"]
            )
        except NotPermitted:
            messages.error(request, _("Only the secretariat can change how staff sign in."))
        else:
            messages.success(request, _("The sign-in policy has been saved."))
    return redirect("accounts:account")


class PasswordResetView(auth_views.PasswordResetView):
    form_class = QueuedPasswordResetForm
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # Per address and per e-mail address: no flood of reset e-mails to anyone's inbox. A
        # refused request shows the form again with the address typed and when to send it again.
        try:
            throttle(request, "password_reset", targets=(request.POST.get("email", ""),))
        except Throttled as exc:
            form = self.get_form()
            return form_refused(request, self.template_name, self.get_context_data(form=form), form=form, exc=exc)
        return super().post(request, *args, **kwargs)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form: Any) -> HttpResponse:
        # The link proved the mailbox: this browser becomes the user's own, so a stranger's
        # failed sign-ins elsewhere (or from this address) never hold them up.
        response = super().form_valid(form)
        services.login_success_record(username=form.user.get_username())
        return _remember_device(response, form.user.get_username())


@login_required
def account(request: AuthedRequest) -> HttpResponse:
    user = request.user
    if request.method == "POST":
        form = PreferencesForm(request.POST, instance=user)
        if form.is_valid():
            if "preferred_language" in form.changed_data:
                form.instance.language_chosen = True
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
        "second_factor": services.second_factor_device(user) if user.is_staff_member else None,
        "policy": SignInPolicy.current(),
        "policy_form": SignInPolicyForm(
            initial={"staff_second_factor_required": SignInPolicy.current().staff_second_factor_required}
        ),
    }
    return render(request, "accounts/account.html", context)


@login_required
@require_POST
def token_create(request: AuthedRequest) -> HttpResponse:
    user = request.user
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
def token_revoke(request: AuthedRequest, token_id: int) -> HttpResponse:
    user = request.user
    services.api_token_revoke(user=user, token_id=token_id)
    messages.success(request, _("The token has been revoked."))
    return redirect("accounts:account")


# -- sign-up: the e-mail confirmation (the sign-up page itself is the partnering service's,
# which knows the organisations: hkcq.partnering.views.sign_up) ---------------------------------
def sign_up_sent(request: HttpRequest) -> HttpResponse:
    """The same answer for every address: a new account, one that exists, or a link sent again."""
    return render(request, "accounts/sign_up_sent.html")


def sign_up_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """Opening the link shows a button; pressing it confirms (a mail scanner that opens links
    does not use up the single-use link)."""
    try:
        user = services.sign_up_link_user(token=token)
        if request.method == "POST":
            user = services.user_confirm_email(token=token)
            return render(request, "accounts/sign_up_confirmed.html", {"confirmed_user": user})
    except services.SignUpLinkError as exc:
        status = 200 if exc.reason == "used" else 400
        context = {"reason": exc.reason, "message": exc.message, "form": ResendConfirmationForm()}
        return render(request, "accounts/sign_up_link_error.html", context, status=status)
    return render(request, "accounts/sign_up_confirm.html", {"confirming_user": user})


def sign_up_resend(request: HttpRequest) -> HttpResponse:
    """Send the confirmation link again: throttled per address and per e-mail address, and the
    same answer whether or not the address has an account waiting."""
    form = ResendConfirmationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        try:
            throttle(request, "sign_up_resend", targets=(email,))
        except Throttled as exc:  # the page again, with the address typed and when to retry
            return form_refused(request, "accounts/sign_up_resend.html", {"form": form}, form=form, exc=exc)
        services.user_confirmation_resend(email=email)
        return redirect("accounts:sign_up_sent")
    return render(request, "accounts/sign_up_resend.html", {"form": form}, status=400 if form.errors else 200)
