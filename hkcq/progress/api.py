"""Progress API: published updates and roll-ups for everyone; the update workflow as
operations for staff (a session or a bearer token)."""

from __future__ import annotations

from decimal import Decimal
from functools import partial
from typing import Any

import ninja
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema
from ninja.pagination import paginate

from hkcq.accounts.api_auth import STAFF_AUTH, AuthedRequest, api_caller
from hkcq.core import uploads
from hkcq.core.api import (
    ERRORS,
    ErrorOut,
    FormFile,
    Mapped,
    Required,
    TextIn,
    file_answer,
)
from hkcq.core.errors import InvalidInput
from hkcq.core.pagination import LimitOffsetPagination
from hkcq.progress import permissions, selectors, services
from hkcq.progress.models import Evidence, MeasureWeight, ProgressRollup, ProgressSettings, ProgressUpdate, Status
from hkcq.progress.schemas import (
    ConfirmIn,
    EvidenceOut,
    ReturnIn,
    RollupOut,
    ScaleSettingsOut,
    ScaleSettingsPatch,
    StatusIn,
    StatusOut,
    StatusPatch,
    UpdateIn,
    UpdateOut,
    UpdatePatch,
    WeightIn,
    WeightOut,
)
from hkcq.registry import selectors as registry_selectors

router = Router(tags=["progress"])


@router.get("/progress/statuses", response=list[StatusOut], summary="The status scale")
@paginate(LimitOffsetPagination)
def list_statuses(request: HttpRequest) -> Mapped:
    return Mapped(selectors.status_list(), StatusOut.of)


@router.get("/progress/updates", response=list[UpdateOut], summary="Published progress updates, newest first")
@paginate(LimitOffsetPagination)
def list_published_updates(request: HttpRequest, measure: str | None = None, side: str | None = None) -> Any:
    m = registry_selectors.measure_get(measure) if measure else None
    return Mapped(selectors.published_updates(measure=m, side=side), UpdateOut.of)


@router.get("/progress/rollups", response=list[RollupOut], summary="Roll-up of the mechanism and of every area")
@paginate(LimitOffsetPagination)
def list_rollups(request: HttpRequest) -> list[dict[str, Any]]:
    out = [RollupOut.of(selectors.mechanism_rollup(), level="mechanism", ext_id=None)]
    out += [RollupOut.of(r, level="area", ext_id=a.ext_id) for a, r in selectors.area_rollups()]
    return out


@router.get(
    "/progress/measures/{ext_id}",
    response={200: RollupOut, 404: ErrorOut},
    summary="A measure's progress: each side's status, the joint status, the disagreement flag, percents",
)
def get_measure_progress(request: HttpRequest, ext_id: str) -> dict[str, Any]:
    measure = registry_selectors.measure_get(ext_id)
    rollup = ProgressRollup.objects.select_related("status_hk", "status_cq", "joint_status").filter(measure=measure)
    return RollupOut.of(rollup.first(), level="measure", ext_id=measure.ext_id)


def _status(key: str) -> Status:
    status = Status.objects.filter(key=key).first()
    if status is None:
        raise InvalidInput(details={"status": ["unknown status"]})
    return status


def _data(payload: Any, *, current: ProgressUpdate | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "status": _status(payload.status) if payload.status else (current.status if current else None),
        "percent": payload.percent if payload.percent is not None else (current.percent if current else None),
    }
    for name in ("public_narrative", "internal_narrative"):
        value = getattr(payload, name)
        if value is not None:
            data[name] = value.as_texts()
    return data


def _visible(request: AuthedRequest, update_id: int) -> ProgressUpdate:
    return selectors.update_get_for_user(user=request.auth, update_id=update_id)


def _out(update: ProgressUpdate) -> dict[str, Any]:
    update = ProgressUpdate.objects.select_related("measure", "status", "cycle").get(pk=update.pk)
    return UpdateOut.of(update, internal=True)


@router.get("/progress/work", response={200: list[UpdateOut], **ERRORS}, auth=STAFF_AUTH, summary="Your queue")
@paginate(LimitOffsetPagination)
def work_queue(request: AuthedRequest, queue: str = "drafts") -> Any:
    """``queue``: drafts, returned, submitted (your side's, waiting for the other side),
    to_confirm (the other side's, for your secretariat), to_publish (your side's, confirmed)."""
    return Mapped(selectors.queue(request.auth, queue), partial(UpdateOut.of, internal=True))


@router.get("/progress/work/{update_id}", response={200: UpdateOut, **ERRORS}, auth=STAFF_AUTH)
def get_update(request: AuthedRequest, update_id: int) -> dict[str, Any]:
    return UpdateOut.of(_visible(request, update_id), internal=True)


@router.post("/progress/work", response={201: UpdateOut, **ERRORS}, auth=STAFF_AUTH, summary="Create a draft")
def create_update(request: AuthedRequest, payload: UpdateIn) -> ninja.Status[dict[str, Any]]:
    measure = registry_selectors.measure_get(payload.measure)
    update = services.update_save(user=request.auth, measure=measure, data=_data(payload))
    return ninja.Status(201, _out(update))


@router.patch("/progress/work/{update_id}", response={200: UpdateOut, **ERRORS}, auth=STAFF_AUTH)
def edit_update(request: AuthedRequest, update_id: int, payload: UpdatePatch) -> dict[str, Any]:
    update = _visible(request, update_id)
    data = _data(payload, current=update)
    saved = services.update_save(user=request.auth, measure=update.measure, data=data, update=update)
    return _out(saved)


@router.post("/progress/work/{update_id}/submit", response={200: UpdateOut, **ERRORS}, auth=STAFF_AUTH)
def submit_update(request: AuthedRequest, update_id: int) -> dict[str, Any]:
    return _out(services.update_submit(user=request.auth, update=_visible(request, update_id)))


@router.post("/progress/work/{update_id}/confirm", response={200: UpdateOut, **ERRORS}, auth=STAFF_AUTH)
def confirm_update(request: AuthedRequest, update_id: int, payload: ConfirmIn) -> dict[str, Any]:
    update = _visible(request, update_id)
    return _out(services.update_confirm(user=request.auth, update=update, note=payload.note))


@router.post("/progress/work/{update_id}/return", response={200: UpdateOut, **ERRORS}, auth=STAFF_AUTH)
def return_update(request: AuthedRequest, update_id: int, payload: ReturnIn) -> dict[str, Any]:
    update = _visible(request, update_id)
    return _out(services.update_return(user=request.auth, update=update, reason=payload.reason))


@router.post("/progress/work/{update_id}/publish", response={200: UpdateOut, **ERRORS}, auth=STAFF_AUTH)
def publish_update(request: AuthedRequest, update_id: int) -> dict[str, Any]:
    return _out(services.update_publish(user=request.auth, update=_visible(request, update_id)))


# -- evidence --------------------------------------------------------------------------------------
@router.get(
    "/progress/work/{update_id}/evidence",
    response={200: list[EvidenceOut], **ERRORS},
    auth=STAFF_AUTH,
    summary="An update's evidence (staff see private evidence too)",
)
@paginate(LimitOffsetPagination)
def list_evidence(request: AuthedRequest, update_id: int) -> Any:
    update = _visible(request, update_id)
    internal = permissions.can_see_internal(request.auth)
    return [EvidenceOut.of(e) for e in update.evidence.all() if e.is_public or internal]


@router.post(
    "/progress/work/{update_id}/evidence",
    response={201: EvidenceOut, **ERRORS},
    auth=STAFF_AUTH,
    summary="Add evidence to an update (multipart: a file checked as the page checks it, or a link)",
)
def add_evidence(
    request: AuthedRequest,
    update_id: int,
    title: Form[Required],
    link: Form[str] = "",
    is_public: Form[bool] = False,
    file: FormFile = File(None),
) -> ninja.Status[dict[str, Any]]:
    update = _visible(request, update_id)
    evidence = services.evidence_add(
        user=request.auth, update=update, title=title, upload=file, link=link, is_public=is_public
    )
    return ninja.Status(201, EvidenceOut.of(evidence))


@router.get(
    "/progress/evidence/{evidence_id}",
    response={200: bytes, 404: ErrorOut},
    auth=None,
    summary="Download an evidence file (public evidence of a published update; staff: any they can see)",
    openapi_extra=file_answer("The file", "application/octet-stream"),
)
def download_evidence(request: HttpRequest, evidence_id: int) -> FileResponse:
    evidence = selectors.evidence_get_for_user(user=api_caller(request), evidence_id=evidence_id)
    return uploads.serve_stored(evidence.file, content_type=evidence.content_type)


@router.delete(
    "/progress/evidence/{evidence_id}", response={204: None, **ERRORS}, auth=STAFF_AUTH, summary="Remove evidence"
)
def remove_evidence(request: AuthedRequest, evidence_id: int) -> HttpResponse:
    evidence = get_object_or_404(Evidence.objects.select_related("update"), pk=evidence_id)
    _visible(request, evidence.update_id)
    services.evidence_remove(user=request.auth, evidence=evidence)
    return HttpResponse(status=204)


def _status_data(payload: Schema) -> dict[str, Any]:
    data = payload.dict(exclude_unset=True)
    name = getattr(payload, "name", None)
    if isinstance(name, TextIn):
        data["name"] = name.as_texts()
    elif "name" in data:  # {"name": null}: a status keeps its name
        raise InvalidInput(details={"name": [_("Enter this in at least one language.")]})
    return data


@router.get("/progress/statuses/{key}", response={200: StatusOut, 404: ErrorOut}, summary="One status of the scale")
def get_status(request: HttpRequest, key: str) -> dict[str, Any]:
    return StatusOut.of(selectors.status_get(key))


@router.post(
    "/progress/statuses", response={201: StatusOut, **ERRORS}, auth=STAFF_AUTH, summary="Add a status to the scale"
)
def create_status(request: AuthedRequest, payload: StatusIn) -> ninja.Status[dict[str, Any]]:
    return ninja.Status(201, StatusOut.of(services.status_save(user=request.auth, data=_status_data(payload))))


@router.patch(
    "/progress/statuses/{key}", response={200: StatusOut, **ERRORS}, auth=STAFF_AUTH, summary="Change a status"
)
def update_status(request: AuthedRequest, key: str, payload: StatusPatch) -> dict[str, Any]:
    status = selectors.status_get(key)
    return StatusOut.of(services.status_save(user=request.auth, data=_status_data(payload), status=status))


@router.get(
    "/progress/settings", response={200: ScaleSettingsOut}, auth=None, summary="How progress rolls up; when it is stale"
)
def get_scale_settings(request: HttpRequest) -> dict[str, Any]:
    current = ProgressSettings.load()
    return {"rollup_method": current.rollup_method, "stale_after_days": current.stale_after_days}


@router.patch(
    "/progress/settings", response={200: ScaleSettingsOut, **ERRORS}, auth=STAFF_AUTH, summary="Change the settings"
)
def update_scale_settings(request: AuthedRequest, payload: ScaleSettingsPatch) -> dict[str, Any]:
    current = ProgressSettings.load()
    data = payload.dict(exclude_unset=True)
    saved = services.settings_save(
        user=request.auth,
        rollup_method=data.get("rollup_method") or current.rollup_method,
        stale_after_days=data.get("stale_after_days") or current.stale_after_days,
    )
    return {"rollup_method": saved.rollup_method, "stale_after_days": saved.stale_after_days}


@router.get(
    "/progress/weights/{ext_id}", response={200: WeightOut, 404: ErrorOut}, auth=None, summary="A measure's weight"
)
def get_weight(request: HttpRequest, ext_id: str) -> dict[str, Any]:
    measure = registry_selectors.measure_get(ext_id)
    row = MeasureWeight.objects.filter(measure=measure).first()
    return {"measure": measure.ext_id, "weight": row.weight if row else Decimal(1)}


@router.put(
    "/progress/weights/{ext_id}",
    response={200: WeightOut, **ERRORS},
    auth=STAFF_AUTH,
    summary="Set a measure's (or item's) weight among its siblings in the weighted roll-up",
)
def set_weight(request: AuthedRequest, ext_id: str, payload: WeightIn) -> dict[str, Any]:
    measure = registry_selectors.measure_get(ext_id)
    row = services.weight_set(user=request.auth, measure=measure, weight=payload.weight)
    return {"measure": measure.ext_id, "weight": row.weight}
