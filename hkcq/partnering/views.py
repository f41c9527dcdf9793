"""Partnering pages. Thin: parse, call a selector or a service, render."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hkcq.accounts.types import AuthedRequest
from hkcq.core.errors import DomainError, NotPermitted
from hkcq.core.forms import add_domain_error
from hkcq.core.pagecache import public_page
from hkcq.core.pagination import paginate
from hkcq.core.throttle import Throttled, form_throttle_check, retry_after_header, throttle_count
from hkcq.core.translated import current_language
from hkcq.partnering import forms as pforms
from hkcq.partnering import matching, permissions, selectors, services, threesided
from hkcq.partnering.models import Membership, Opportunity, OpportunityType, Sector, WorkLanguage
from hkcq.registry.models import Area


def _refuse(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A refusal from a permission check (here or in a service) is a 403 page."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except NotPermitted as exc:
            raise PermissionDenied from exc

    return wrapped


# -- public ----------------------------------------------------------------------------------------
@public_page
def market(request: HttpRequest) -> HttpResponse:
    form = pforms.MarketForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    filters = selectors.MarketFilters(
        **{k: (data.get(k) or "").strip() for k in ("q", "type", "sector", "area", "side", "language")}
    )
    page = paginate(request, selectors.marketplace(filters))
    context = {
        "page": page,
        "filters": filters,
        "filtered": any(vars(filters).values()),
        "types": OpportunityType.choices,
        "sectors": Sector.objects.filter(parent__isnull=True).order_by("position"),
        "areas": Area.objects.order_by("position"),
        "languages": WorkLanguage.choices,
        "member_profiles": selectors.profiles_for_member(request.user),
    }
    return render(request, "partnering/market.html", context)


@public_page
def opportunity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    opportunity = selectors.opportunity_get_for_user(user=request.user, pk=pk)
    user = request.user
    is_owner = permissions.is_member(user, opportunity.profile)
    context: dict[str, Any] = {
        "opportunity": opportunity,
        "is_owner": is_owner,
        "show_owner": permissions.can_see_owner(user, opportunity),
        "can_review": permissions.can_review(user, opportunity) and opportunity.status == "submitted",
        "events": opportunity.events.select_related("actor")
        if permissions.can_see_opportunity_unpublished(user, opportunity)
        else [],
    }
    if is_owner or permissions.is_facilitator(user):
        # suggestions, or why there is none and what to do (also for one not live yet)
        context["matches"] = _matches(opportunity) if opportunity.is_live() else []
        if not context["matches"]:
            context["why_none"] = matching.why_none(opportunity, lang=current_language())
            context["post_request"] = is_owner and opportunity.is_live() and opportunity.type in matching.OFFERS
    if opportunity.is_live() and not is_owner:
        profiles = selectors.profiles_for_member(user).filter(verified_at__isnull=False)
        if profiles.exists():
            context["interest_form"] = pforms.InterestForm(
                profiles=profiles, own_opportunities=selectors.live().filter(profile__in=profiles)
            )
        context["member_unverified"] = selectors.profiles_for_member(user).filter(verified_at__isnull=True).exists()
    if context["can_review"]:
        context["reason_form"] = pforms.ReasonForm()
    return render(request, "partnering/opportunity.html", context)


def _matches(opportunity: Opportunity, limit: int = 10) -> list[dict[str, Any]]:
    found = matching.explained(opportunity, limit=limit, lang=current_language())
    if not found:
        return []
    by_pk = {o.pk: o for o in selectors.live().filter(pk__in=[m.pk for m, _why in found])}
    return [{"opportunity": by_pk[m.pk], "score": m.score, "reasons": why} for m, why in found if m.pk in by_pk]


@public_page
def profile_detail(request: HttpRequest, pk: int) -> HttpResponse:
    profile = selectors.profile_get_for_user(user=request.user, pk=pk)
    user = request.user
    is_member = permissions.is_member(user, profile)
    opportunities = selectors.opportunities_of(profile)
    if not permissions.can_see_opportunity_unpublished(user, opportunities.first() or Opportunity(profile=profile)):
        opportunities = selectors.live().filter(profile=profile, visibility="public")
    context = {
        "profile": profile,
        "is_member": is_member,
        "contacts": profile.contacts.all() if permissions.can_see_contacts(user, profile) else None,
        "members": selectors.current_members(profile) if permissions.can_see_members(user, profile) else None,
        "opportunities": opportunities,
        "can_verify": permissions.can_verify_profile(user, profile) and not profile.is_verified,
        "member_form": pforms.MemberAddForm() if permissions.can_add_member(user, profile) else None,
        "my_membership": Membership.objects.filter(user_id=user.pk or 0, profile=profile, left_at__isnull=True).first()
        if is_member
        else None,
    }
    return render(request, "partnering/profile.html", context)


# -- organisations ---------------------------------------------------------------------------------
def _contacts(data: dict[str, Any]) -> list[services.ContactIn]:
    if not (data.get("contact_name") or data.get("contact_email")):
        return []
    return [
        services.ContactIn(
            name=data.get("contact_name") or "",
            email=data.get("contact_email") or "",
            position=data.get("contact_position") or "",
            phone=data.get("contact_phone") or "",
        )
    ]


def _profile_values(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": data["name"],
        "kind": data["kind"],
        "sector": data["sector"],
        "size": data["size"],
        "city": data["city"],
        "languages": data.get("languages") or [],
        "description": data["description"],
        "areas": list(data.get("areas") or []),
        "website": data.get("website") or "",
    }


def sign_up(request: HttpRequest) -> HttpResponse:
    """A person who acts for an organisation opens an account (docs/security.md, "Sign-up").
    Throttled per address and per e-mail address; only an accepted sign-up counts, and a refused
    form keeps what was typed (not the passwords). Every accepted sign-up ends on the same page,
    whether or not the address already had an account."""
    if request.user.is_authenticated:
        return redirect("partnering:mine")
    form = pforms.SignUpForm(request.POST or None)
    refused: Throttled | None = None
    if request.method == "POST":
        email = request.POST.get("email", "")
        refused = form_throttle_check(request, form, "sign_up", targets=(email,))
        if refused is None and form.is_valid():
            data = form.cleaned_data
            try:
                services.account_sign_up(
                    name=data["name"],
                    email=data["email"],
                    password=data["password"],
                    password_again=data["password_again"],
                    language=data["language"],
                    organisation=data["organisation"],
                    organisation_name=data["organisation_name"],
                    organisation_side=data["organisation_side"],
                )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                throttle_count(request, "sign_up", targets=(email,))
                return redirect("accounts:sign_up_sent")
    status = 429 if refused else (400 if form.errors else 200)
    response = render(request, "partnering/sign_up.html", {"form": form}, status=status)
    return retry_after_header(response, refused) if refused else response


@_refuse
@login_required
def profile_new(request: AuthedRequest) -> HttpResponse:
    if not permissions.can_create_profile(request.user):
        raise NotPermitted()
    # What the person said at sign-up pre-fills the form; a registry organisation they named is
    # linked, and its facilitators see that when they verify the profile.
    claimed = services.signup_registry_organisation(request.user)
    said = request.user.signup_organisation or {}
    taken = selectors.registry_organisation_profile(claimed)
    if taken is not None:
        claimed = None  # it has a profile: its members add the person (the page says so)
    initial: dict[str, Any] = {}
    if claimed is not None:
        initial = {"name": claimed.name, "side": claimed.side if claimed.side in ("hong_kong", "chongqing") else None}
    elif said.get("name"):
        initial = {"name": {current_language(): said["name"]}, "side": said.get("side")}
    form = pforms.ProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            profile = services.profile_create(
                user=request.user,
                side=form.cleaned_data["side"],
                contacts=_contacts(form.cleaned_data),
                organisation=claimed,
                **_profile_values(form.cleaned_data),
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Profile created. A facilitator of your side will verify it."))
            return redirect(profile.get_absolute_url())
    context = {"form": form, "profile": None, "claimed": claimed, "taken": taken}
    return render(request, "partnering/profile_form.html", context)


@_refuse
@login_required
def profile_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    profile = selectors.profile_get_for_user(user=request.user, pk=pk)
    if not permissions.can_edit_profile(request.user, profile):
        raise NotPermitted()
    contact = profile.contacts.first()
    initial = {
        "name": profile.name,
        "kind": profile.kind,
        "sector": profile.sector_id,
        "size": profile.size,
        "city": profile.city,
        "languages": profile.languages,
        "description": profile.description,
        "areas": list(profile.areas.all()),
        "website": profile.website,
        "contact_name": contact.name if contact else "",
        "contact_position": contact.position if contact else "",
        "contact_email": contact.email if contact else "",
        "contact_phone": contact.phone if contact else "",
    }
    form = pforms.ProfileForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.profile_update(user=request.user, profile=profile, **_profile_values(form.cleaned_data))
            services.contacts_set(user=request.user, profile=profile, contacts=_contacts(form.cleaned_data))
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Profile saved."))
            return redirect(profile.get_absolute_url())
    return render(request, "partnering/profile_form.html", {"form": form, "profile": profile})


@_refuse
@require_POST
@login_required
def profile_verify(request: AuthedRequest, pk: int) -> HttpResponse:
    profile = selectors.profile_get_for_user(user=request.user, pk=pk)
    services.profile_verify(user=request.user, profile=profile)
    messages.success(request, _("The organisation is verified."))
    return redirect(profile.get_absolute_url())


@_refuse
@require_POST
@login_required
def member_add(request: AuthedRequest, pk: int) -> HttpResponse:
    profile = selectors.profile_get_for_user(user=request.user, pk=pk)
    form = pforms.MemberAddForm(request.POST)
    if form.is_valid():
        try:
            services.member_add(user=request.user, profile=profile, email_or_username=form.cleaned_data["member"])
        except DomainError as exc:
            if isinstance(exc, NotPermitted):
                raise
            for errors in (exc.details or {"": [str(exc.message)]}).values():
                for error in errors:
                    messages.error(request, error)
        else:
            messages.success(request, _("Member added."))
    return redirect(profile.get_absolute_url())


@_refuse
@require_POST
@login_required
def member_leave(request: AuthedRequest, pk: int) -> HttpResponse:
    membership = selectors.membership_get_for_user(user=request.user, pk=pk)
    services.member_leave(user=request.user, membership=membership)
    messages.success(request, _("You have left the organisation."))
    return redirect("partnering:mine")


# -- opportunities ---------------------------------------------------------------------------------
def _opportunity_values(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "type": data["type"],
        "title": data["title"],
        "description": data["description"],
        "sector": data["sector"],
        "areas": list(data.get("areas") or []),
        "service_kind": data.get("service_kind") or "",
        "target_side": data["target_side"],
        "keywords": data.get("keywords") or "",
        "deal_size": data.get("deal_size") or "",
        "expires_on": data.get("expires_on"),
        "visibility": data["visibility"],
    }


@_refuse
@login_required
def opportunity_new(request: AuthedRequest) -> HttpResponse:
    profiles = selectors.profiles_for_member(request.user)
    if not profiles.exists():
        messages.info(request, _("Create your organisation's profile first."))
        return redirect("partnering:profile_new")
    # "Post a request" on an offer's page without suggestions opens the form with the type chosen
    chosen = request.GET.get("type", "")
    initial = {"type": chosen} if chosen in OpportunityType.values else None
    form = pforms.OpportunityForm(request.POST or None, profiles=profiles, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            opportunity = services.opportunity_create(
                user=request.user, profile=form.cleaned_data["profile"], **_opportunity_values(form.cleaned_data)
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Submitted. A facilitator of your side reviews it before it is published."))
            return redirect(opportunity.get_absolute_url())
    return render(request, "partnering/opportunity_form.html", {"form": form, "opportunity": None})


@_refuse
@login_required
def opportunity_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    opportunity = selectors.opportunity_get_for_user(user=request.user, pk=pk)
    if not permissions.can_edit_profile(request.user, opportunity.profile):
        raise NotPermitted()
    initial = {
        **{
            k: getattr(opportunity, k)
            for k in (
                "type",
                "title",
                "description",
                "service_kind",
                "target_side",
                "keywords",
                "deal_size",
                "expires_on",
                "visibility",
            )
        },
        "sector": opportunity.sector_id,
        "areas": list(opportunity.areas.all()),
    }
    form = pforms.OpportunityForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.opportunity_update(
                user=request.user, opportunity=opportunity, **_opportunity_values(form.cleaned_data)
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Saved and submitted for review."))
            return redirect(opportunity.get_absolute_url())
    return render(request, "partnering/opportunity_form.html", {"form": form, "opportunity": opportunity})


OPPORTUNITY_ACTIONS = {
    "publish": (lambda r, o, d: services.opportunity_publish(user=r.user, opportunity=o), _("Published.")),
    "return": (
        lambda r, o, d: services.opportunity_return(user=r.user, opportunity=o, reason=d.get("reason", "")),
        _("Returned to the organisation."),
    ),
    "reject": (
        lambda r, o, d: services.opportunity_reject(user=r.user, opportunity=o, reason=d.get("reason", "")),
        _("Rejected."),
    ),
    "withdraw": (lambda r, o, d: services.opportunity_withdraw(user=r.user, opportunity=o), _("Withdrawn.")),
    "renew": (lambda r, o, d: services.opportunity_renew(user=r.user, opportunity=o), _("Renewed for six months.")),
    "submit": (lambda r, o, d: services.opportunity_submit(user=r.user, opportunity=o), _("Submitted for review.")),
}


@_refuse
@require_POST
@login_required
def opportunity_action(request: AuthedRequest, pk: int, action: str) -> HttpResponse:
    opportunity = selectors.opportunity_get_for_user(user=request.user, pk=pk)
    if action not in OPPORTUNITY_ACTIONS:
        raise Http404
    do, done = OPPORTUNITY_ACTIONS[action]
    try:
        do(request, opportunity, request.POST)
    except NotPermitted:
        raise
    except DomainError as exc:
        for errors in (exc.details or {"": [str(exc.message)]}).values():
            for error in errors:
                messages.error(request, error)
    else:
        messages.success(request, str(done))
    return redirect(opportunity.get_absolute_url())


@_refuse
@require_POST
@login_required
def interest_new(request: AuthedRequest, pk: int) -> HttpResponse:
    opportunity = selectors.opportunity_get_for_user(user=request.user, pk=pk)
    if not permissions.can_express_interest_at_all(request.user):
        raise NotPermitted()
    profiles = selectors.profiles_for_member(request.user)
    form = pforms.InterestForm(
        request.POST, profiles=profiles, own_opportunities=selectors.live().filter(profile__in=profiles)
    )
    if form.is_valid():
        try:
            interest = services.interest_express(
                user=request.user,
                opportunity=opportunity,
                profile=form.cleaned_data["profile"],
                message=form.cleaned_data["message"],
                from_opportunity=form.cleaned_data.get("from_opportunity"),
                language=get_language() or "en",
            )
        except NotPermitted:
            raise
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("Your interest was sent. You can follow it under “Expressions of interest”."))
            return redirect("partnering:interest", pk=interest.pk)
    context = {
        "opportunity": opportunity,
        "interest_form": form,
        "show_owner": permissions.can_see_owner(request.user, opportunity),
        "events": [],
        "is_owner": False,
    }
    return render(request, "partnering/opportunity.html", context, status=422)


# -- people's own pages ----------------------------------------------------------------------------
@login_required
def mine(request: AuthedRequest) -> HttpResponse:
    rows = selectors.profiles_for_member_with_opportunities(request.user)
    return render(
        request, "partnering/mine.html", {"rows": rows, "can_create": permissions.can_create_profile(request.user)}
    )


@_refuse
@login_required
def review(request: AuthedRequest) -> HttpResponse:
    """A facilitator's desk: what waits on their sides. The secretariat reads both sides' queues
    (oversight); publishing, returning and rejecting stay with the facilitators."""
    if not permissions.review_sides(request.user):
        raise NotPermitted()
    context = {
        "read_only": not permissions.is_facilitator(request.user),
        "profiles": selectors.profiles_awaiting_verification(request.user),
        "opportunities": selectors.review_queue(request.user),
        "interests": [
            i
            for i in selectors.interests_for_user(request.user)["facilitated"]
            if i.status == "open" and not i.forwarded_at
        ],
    }
    return render(request, "partnering/review.html", context)


@_refuse
@login_required
def interests(request: AuthedRequest) -> HttpResponse:
    return render(request, "partnering/interests.html", {"groups": selectors.interests_for_user(request.user)})


@_refuse
@login_required
def interest_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    interest = selectors.interest_get_for_user(user=request.user, pk=pk)
    user = request.user
    introduced = interest.is_introduced and (
        permissions.is_member(user, interest.from_profile) or permissions.is_member(user, interest.opportunity.profile)
    )
    partner = None
    if introduced:
        partner = (
            interest.opportunity.profile
            if permissions.is_member(user, interest.from_profile)
            else interest.from_profile
        )
    outcome = getattr(interest, "outcome", None)
    context = {
        "interest": interest,
        "show_owner": permissions.can_see_owner(user, interest.opportunity) or introduced,
        "can_accept": interest.status == "open" and permissions.can_accept(user, interest),
        "can_decline": interest.status == "open" and permissions.can_decline(user, interest),
        "can_forward": interest.status == "open"
        and not interest.forwarded_at
        and permissions.can_forward(user, interest),
        "partner": partner,
        "contacts": partner.contacts.all() if partner else None,
        "outcome": outcome,
        "outcome_form": pforms.OutcomeForm(
            initial={"kind": outcome.kind, "area": outcome.area_id, "note": outcome.note} if outcome else None
        )
        if permissions.can_record_outcome(user, interest)
        else None,
        "reason_form": pforms.ReasonForm(),
        "providers": _providers(interest) if threesided.trio_of(interest) is not None else None,
    }
    return render(request, "partnering/interest.html", context)


def _providers(interest: Any) -> list[dict[str, Any]]:
    """Three-sided: the professional-service providers an investment project and its interested
    investor still lack, with the reasons in the page's language."""
    found = threesided.providers(interest)
    by_pk = {o.pk: o for o in selectors.live().filter(pk__in=[p.pk for p in found])}
    lang = current_language()
    return [
        {"opportunity": by_pk[p.pk], "provider": p, "reasons": threesided.reasons(p, lang=lang)}
        for p in found
        if p.pk in by_pk
    ]


@_refuse
@require_POST
@login_required
def interest_action(request: AuthedRequest, pk: int, action: str) -> HttpResponse:
    interest = selectors.interest_get_for_user(user=request.user, pk=pk)
    try:
        if action == "accept":
            services.interest_accept(user=request.user, interest=interest)
            messages.success(request, _("Accepted: you are introduced. Both sides now have each other's contacts."))
        elif action == "decline":
            services.interest_decline(user=request.user, interest=interest, reason=request.POST.get("reason", ""))
            messages.success(request, _("Declined. The organisation is told."))
        elif action == "forward":
            services.interest_forward(user=request.user, interest=interest)
            messages.success(request, _("Forwarded to the owner."))
        elif action == "outcome":
            form = pforms.OutcomeForm(request.POST)
            data = form.cleaned_data if form.is_valid() else {}
            services.outcome_record(
                user=request.user,
                interest=interest,
                kind=data.get("kind") or request.POST.get("kind", ""),
                area=data.get("area"),
                note=data.get("note") or "",
            )
            messages.success(request, _("Outcome recorded."))
        else:
            raise Http404
    except NotPermitted:
        raise
    except DomainError as exc:
        for errors in (exc.details or {"": [str(exc.message)]}).values():
            for error in errors:
                messages.error(request, error)
    return redirect("partnering:interest", pk=interest.pk)


@public_page
def profiles_public(request: HttpRequest) -> HttpResponse:
    page = paginate(
        request, selectors.profiles_visible_to(request.user).filter(verified_at__isnull=False).order_by("side", "id")
    )
    return render(request, "partnering/profiles.html", {"page": page})


@_refuse
@login_required
def desks(request: AuthedRequest) -> HttpResponse:
    """The secretariat's page of facilitator desks: which units verify profiles and review
    opportunities for their side, with each desk's history; a form marks or unmarks a unit."""
    if not permissions.can_manage_desks(request.user):
        raise NotPermitted()
    form = pforms.DeskForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.desk_mark(
                user=request.user,
                unit=form.cleaned_data["unit"],
                kind=form.cleaned_data["kind"],
                active=form.cleaned_data["active"],
            )
        except NotPermitted:
            raise
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, _("The facilitator desk is saved."))
            return redirect("partnering:desks")
    rows = selectors.desks_with_history(limit=10)
    return render(request, "partnering/desks.html", {"form": form, "rows": rows}, status=422 if form.errors else 200)
