"""API of the enquiries' service levels (one per priority: working days to acknowledge and to
reply) and of the units' supervisors (told when a unit's cases are late): the same services and
permissions as the pages under /calendars/ (``service_level_urls.py``). Kept beside ``api.py``
as the pages keep their own URL module.

No ``from __future__ import annotations``: ninja reads parameter types through ``@paginate``'s
wrapper, which cannot resolve this module's names from strings."""

from typing import Any

from django.contrib.auth import get_user_model
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.pagination import paginate

from hkcq.accounts.api_auth import STAFF_AUTH, AuthedRequest
from hkcq.accounts.models import User
from hkcq.core.api import ERRORS, ErrorOut, Mapped, TextIn
from hkcq.core.errors import Conflict, InvalidInput, NotFound
from hkcq.core.pagination import LimitOffsetPagination
from hkcq.core.permissions import require
from hkcq.enquiries import permissions, selectors, service_levels
from hkcq.enquiries.models import SlaPolicy, UnitSupervisor
from hkcq.enquiries.schemas import SlaPolicyIn, SlaPolicyOut, SlaPolicyPatch, SupervisorIn, SupervisorOut
from hkcq.registry.models import Unit

router = Router(tags=["service levels"])


def _data(payload: Schema) -> dict[str, Any]:
    data = payload.dict(exclude_unset=True)
    name = getattr(payload, "name", None)
    if isinstance(name, TextIn):
        data["name"] = name.as_texts()
    return data


@router.get(
    "/service-levels", response=list[SlaPolicyOut], auth=None, summary="Service levels, one per enquiry priority"
)
@paginate(LimitOffsetPagination)
def list_sla_policies(request: HttpRequest) -> Mapped:
    return Mapped(selectors.sla_policy_list(), SlaPolicyOut.of)


@router.get("/service-levels/{code}", response={200: SlaPolicyOut, 404: ErrorOut}, auth=None)
def get_sla_policy(request: HttpRequest, code: str) -> dict[str, Any]:
    return SlaPolicyOut.of(selectors.sla_policy_get(code))


@router.post("/service-levels", response={201: SlaPolicyOut, **ERRORS}, auth=STAFF_AUTH, summary="Add a service level")
def create_sla_policy(request: AuthedRequest, payload: SlaPolicyIn) -> Status[dict[str, Any]]:
    if SlaPolicy.objects.filter(code=payload.code).exists():
        raise Conflict(details={"code": [_("A service level with this code already exists.")]})
    return Status(201, SlaPolicyOut.of(service_levels.sla_policy_create(user=request.auth, data=_data(payload))))


@router.patch(
    "/service-levels/{code}", response={200: SlaPolicyOut, **ERRORS}, auth=STAFF_AUTH, summary="Change a service level"
)
def update_sla_policy(request: AuthedRequest, code: str, payload: SlaPolicyPatch) -> dict[str, Any]:
    policy = selectors.sla_policy_get(code)
    return SlaPolicyOut.of(service_levels.sla_policy_update(user=request.auth, policy=policy, data=_data(payload)))


def _unit_for_supervisors(user: User, ext_id: str, *, manage: bool = True) -> Unit:
    """The unit, if ``user`` names its supervisors (``manage``) or, to read them, is of the
    secretariat of either side; ``NotFound`` (404) for an unknown unit and ``NotPermitted`` (403)
    for a unit the user may see but not manage."""
    unit = Unit.objects.filter(ext_id=ext_id).first()
    if unit is None:
        raise NotFound()
    if manage:
        require(permissions.can_manage_supervisors(user, unit.side))
    else:
        require(permissions.can_edit_sla_policies(user))
    return unit


@router.get(
    "/units/{ext_id}/supervisors",
    response={200: list[SupervisorOut], **ERRORS},
    auth=STAFF_AUTH,
    summary="A unit's supervisors (the secretariat of either side)",
)
@paginate(LimitOffsetPagination)
def list_supervisors(request: AuthedRequest, ext_id: str) -> Mapped:
    unit = _unit_for_supervisors(request.auth, ext_id, manage=False)
    records = UnitSupervisor.objects.filter(unit=unit).select_related("unit", "user").order_by("user__username")
    return Mapped(records, SupervisorOut.of)


@router.post(
    "/units/{ext_id}/supervisors",
    response={201: SupervisorOut, **ERRORS},
    auth=STAFF_AUTH,
    summary="Name an officer of the unit as its supervisor",
)
def add_supervisor(request: AuthedRequest, ext_id: str, payload: SupervisorIn) -> Status[dict[str, Any]]:
    unit = _unit_for_supervisors(request.auth, ext_id)
    supervisor = get_user_model().objects.filter(username=payload.user).first()
    if supervisor is None:
        raise InvalidInput(details={"user": [_("Choose a unit and one of its officers.")]})
    try:
        record = service_levels.unit_supervisor_add(user=request.auth, unit=unit, supervisor=supervisor)
    except InvalidInput as exc:  # the service names its form's field ("supervisor"); here it is "user"
        raise InvalidInput(details={"user": [_("Choose a unit and one of its officers.")]}) from exc
    return Status(201, SupervisorOut.of(record))


@router.delete(
    "/units/{ext_id}/supervisors/{username}",
    response={204: None, **ERRORS},
    auth=STAFF_AUTH,
    summary="Remove a unit's supervisor",
)
def remove_supervisor(request: AuthedRequest, ext_id: str, username: str) -> Status[None]:
    unit = _unit_for_supervisors(request.auth, ext_id)
    record = UnitSupervisor.objects.select_related("unit").filter(unit=unit, user__username=username).first()
    if record is None:
        raise NotFound()
    service_levels.unit_supervisor_remove(user=request.auth, record=record)
    return Status(204, None)
