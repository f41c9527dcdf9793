"""Accounts API: a staff member's API tokens (list, create, revoke), as on the account page."""

from __future__ import annotations

from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.pagination import paginate

from hkcq.accounts import permissions, selectors, services
from hkcq.accounts.api_auth import STAFF_AUTH, AuthedRequest
from hkcq.accounts.schemas import TokenCreatedOut, TokenIn, TokenOut
from hkcq.core.api import ERRORS, Mapped
from hkcq.core.errors import InvalidInput
from hkcq.core.pagination import LimitOffsetPagination
from hkcq.core.permissions import require

router = Router(tags=["account"])


@router.get("/account/tokens", response={200: list[TokenOut], **ERRORS}, auth=STAFF_AUTH, summary="Your API tokens")
@paginate(LimitOffsetPagination)
def list_tokens(request: AuthedRequest) -> Any:
    return Mapped(selectors.api_token_list_for_user(user=request.auth), TokenOut.of)


@router.post(
    "/account/tokens",
    response={201: TokenCreatedOut, **ERRORS},
    auth=STAFF_AUTH,
    summary="Create an API token (staff); the token is in this answer only",
)
def create_token(request: AuthedRequest, payload: TokenIn) -> Status[dict[str, Any]]:
    name = payload.name.strip()
    if not name:
        raise InvalidInput(details={"name": [_("Give the token a name.")]})
    require(permissions.can_hold_api_tokens(request.auth), _("API tokens are for staff accounts."))
    token, raw = services.api_token_create(user=request.auth, name=name)
    return Status(201, {**TokenOut.of(token), "token": raw})


@router.delete(
    "/account/tokens/{token_id}",
    response={204: None, **ERRORS},
    auth=STAFF_AUTH,
    summary="Revoke one of your API tokens",
)
def revoke_token(request: AuthedRequest, token_id: int) -> HttpResponse:
    token = selectors.api_token_get_for_user(user=request.auth, token_id=token_id)
    services.api_token_revoke(user=request.auth, token_id=token.pk)
    return HttpResponse(status=204)
