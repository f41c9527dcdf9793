"""Registry API: read endpoints for everyone, write endpoints for staff."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Model
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema, Status
from ninja.pagination import paginate

from hkcq.accounts.api_auth import STAFF_AUTH, AuthedRequest, api_caller
from hkcq.core import uploads
from hkcq.core.api import (
    ERRORS,
    ErrorOut,
    FormFile,
    FormLanguage,
    FormText,
    Language,
    Mapped,
    TextIn,
    file_answer,
    form_text_required,
)
from hkcq.core.errors import InvalidInput, NotFound, UnknownReference
from hkcq.core.history import history_entries
from hkcq.core.pagination import LimitOffsetPagination
from hkcq.core.permissions import require
from hkcq.registry import permissions, selectors, services
from hkcq.registry.models import (
    Agreement,
    AgreementEvent,
    Area,
    Attendance,
    Measure,
    Meeting,
    Milestone,
    Organisation,
    Person,
    Unit,
)
from hkcq.registry.schemas import (
    AgreementIn,
    AgreementOut,
    AgreementPatch,
    AreaIn,
    AreaOut,
    AreaPatch,
    AttendeeIn,
    AttendeeOut,
    ClauseIn,
    ClauseOut,
    DecisionIn,
    DecisionOut,
    DecisionPatch,
    DocumentOut,
    EventIn,
    HistoryEntryOut,
    MeasureIn,
    MeasureOut,
    MeasurePatch,
    MeetingIn,
    MeetingOut,
    MeetingPatch,
    MilestoneIn,
    MilestoneOut,
    MilestonePatch,
    OrganisationOut,
    PersonOut,
    SignatoryIn,
    SignatoryOut,
    UnitOut,
)

router = Router(tags=["registry"])


# -- read endpoints ------------------------------------------------------------------------------
@router.get("/areas", response=list[AreaOut], summary="List the co-operation areas with their measure counts")
@paginate(LimitOffsetPagination)
def list_areas(request: HttpRequest) -> list[dict[str, Any]]:
    return [AreaOut.of(a) for a in selectors.area_list()]


@router.get("/areas/{ext_id}", response={200: AreaOut, 404: ErrorOut})
def get_area(request: HttpRequest, ext_id: str) -> dict[str, Any]:
    return AreaOut.of(selectors.area_get(ext_id))


@router.get("/measures", response=list[MeasureOut], summary="List measures and items")
@paginate(LimitOffsetPagination)
def list_measures(
    request: HttpRequest,
    area: str | None = None,
    unit: str | None = None,
    side: str | None = None,
    top_level: bool = False,
) -> Mapped:
    """Filter by area id, unit id (lead or supporting) and side (``hong_kong``/``chongqing``)."""
    return Mapped(selectors.measure_list(area=area, unit=unit, side=side, top_level=top_level), MeasureOut.of)


@router.get("/measures/{ext_id}", response={200: MeasureOut, 404: ErrorOut})
def get_measure(request: HttpRequest, ext_id: str) -> dict[str, Any]:
    return MeasureOut.of(selectors.measure_get(ext_id))


@router.get("/meetings", response=list[MeetingOut])
@paginate(LimitOffsetPagination)
def list_meetings(request: HttpRequest, kind: str | None = None) -> Mapped:
    return Mapped(selectors.meeting_list(kind=kind), MeetingOut.of)


@router.get("/meetings/{ext_id}", response={200: MeetingOut, 404: ErrorOut})
def get_meeting(request: HttpRequest, ext_id: str) -> dict[str, Any]:
    return MeetingOut.of(selectors.meeting_get(ext_id))


@router.get("/decisions", response=list[DecisionOut])
@paginate(LimitOffsetPagination)
def list_decisions(
    request: HttpRequest, meeting: str | None = None, status: str | None = None, unit: str | None = None
) -> Mapped:
    return Mapped(selectors.decision_list(meeting=meeting, status=status, unit=unit), DecisionOut.of)


@router.get("/decisions/{ext_id}", response={200: DecisionOut, 404: ErrorOut})
def get_decision(request: HttpRequest, ext_id: str) -> dict[str, Any]:
    return DecisionOut.of(selectors.decision_get(ext_id))


@router.get("/agreements", response=list[AgreementOut])
@paginate(LimitOffsetPagination)
def list_agreements(request: HttpRequest, kind: str | None = None) -> Mapped:
    return Mapped(selectors.agreement_list(kind=kind), AgreementOut.of)


@router.get("/agreements/{ext_id}", response={200: AgreementOut, 404: ErrorOut})
def get_agreement(request: HttpRequest, ext_id: str) -> dict[str, Any]:
    return AgreementOut.of(selectors.agreement_get(ext_id))


@router.get("/organisations", response=list[OrganisationOut])
@paginate(LimitOffsetPagination)
def list_organisations(request: HttpRequest, side: str | None = None, kind: str | None = None) -> Mapped:
    return Mapped(selectors.organisation_list(side=side, kind=kind), OrganisationOut.of)


@router.get("/organisations/{ext_id}", response={200: OrganisationOut, 404: ErrorOut})
def get_organisation(request: HttpRequest, ext_id: str) -> dict[str, Any]:
    return OrganisationOut.of(selectors.organisation_get(ext_id))


@router.get("/people", response=list[PersonOut])
@paginate(LimitOffsetPagination)
def list_people(request: HttpRequest) -> Mapped:
    return Mapped(selectors.person_list(), PersonOut.of)


@router.get("/people/{ext_id}", response={200: PersonOut, 404: ErrorOut})
def get_person(request: HttpRequest, ext_id: str) -> dict[str, Any]:
    return PersonOut.of(selectors.person_get(ext_id))


@router.get("/units", response=list[UnitOut])
@paginate(LimitOffsetPagination)
def list_units(request: HttpRequest, side: str | None = None) -> Mapped:
    return Mapped(selectors.unit_list(side=side), UnitOut.of)


# -- write endpoints -----------------------------------------------------------------------------
def _lookup(model: type[Model], ext_id: str | None, field: str) -> Any:
    if ext_id is None:
        return None
    obj = model.objects.filter(ext_id=ext_id).first()  # type: ignore[attr-defined]
    if obj is None:
        raise UnknownReference(details={field: [_("Unknown id: %(id)s") % {"id": ext_id}]})
    return obj


def _data(
    payload: Schema, refs: dict[str, type[Model]] | None = None, many: dict[str, type[Model]] | None = None
) -> dict[str, Any]:
    """Turn an input schema into service data: texts as {lang: text}, ids as rows. Only the
    fields the caller sent are included, so PATCH changes only those."""
    data: dict[str, Any] = {}
    for name in payload.model_fields_set:
        value = getattr(payload, name)
        if isinstance(value, TextIn):
            data[name] = value.as_texts()
        elif refs and name in refs:
            data[name] = _lookup(refs[name], value, name)
        elif many and name in many:
            data[name] = [_lookup(many[name], v, name) for v in value or []]
        else:
            data[name] = value
    return data


@router.post("/areas", response={201: AreaOut, **ERRORS}, auth=STAFF_AUTH)
def create_area(request: AuthedRequest, payload: AreaIn) -> Status[dict[str, Any]]:
    data = _data(payload)
    data["ext_id"] = data.pop("id")
    area = services.area_create(user=request.auth, data=data)
    return Status(201, AreaOut.of(selectors.area_get(area.ext_id)))


@router.patch("/areas/{ext_id}", response={200: AreaOut, **ERRORS}, auth=STAFF_AUTH)
def update_area(request: AuthedRequest, ext_id: str, payload: AreaPatch) -> dict[str, Any]:
    area = services.area_update(user=request.auth, area=selectors.area_get(ext_id), data=_data(payload))
    return AreaOut.of(selectors.area_get(area.ext_id))


MEASURE_REFS: dict[str, type[Model]] = {"area": Area, "parent": Measure, "lead_unit_hk": Unit, "lead_unit_cq": Unit}


@router.post("/measures", response={201: MeasureOut, **ERRORS}, auth=STAFF_AUTH)
def create_measure(request: AuthedRequest, payload: MeasureIn) -> Status[dict[str, Any]]:
    data = _data(payload, MEASURE_REFS, {"supporting_units": Unit})
    data["ext_id"] = data.pop("id")
    measure = services.measure_create(user=request.auth, data=data)
    return Status(201, MeasureOut.of(selectors.measure_get(measure.ext_id)))


@router.patch("/measures/{ext_id}", response={200: MeasureOut, **ERRORS}, auth=STAFF_AUTH)
def update_measure(request: AuthedRequest, ext_id: str, payload: MeasurePatch) -> dict[str, Any]:
    measure = selectors.measure_get(ext_id)
    data = _data(payload, MEASURE_REFS, {"supporting_units": Unit})
    services.measure_update(user=request.auth, measure=measure, data=data)
    return MeasureOut.of(selectors.measure_get(ext_id))


@router.post("/meetings", response={201: MeetingOut, **ERRORS}, auth=STAFF_AUTH)
def create_meeting(request: AuthedRequest, payload: MeetingIn) -> Status[dict[str, Any]]:
    data = _data(payload)
    data["ext_id"] = data.pop("id")
    meeting = services.meeting_create(user=request.auth, data=data)
    return Status(201, MeetingOut.of(meeting))


@router.patch("/meetings/{ext_id}", response={200: MeetingOut, **ERRORS}, auth=STAFF_AUTH)
def update_meeting(request: AuthedRequest, ext_id: str, payload: MeetingPatch) -> dict[str, Any]:
    meeting = services.meeting_update(user=request.auth, meeting=selectors.meeting_get(ext_id), data=_data(payload))
    return MeetingOut.of(meeting)


DECISION_MANY: dict[str, type[Model]] = {"owner_units": Unit, "measures": Measure}


@router.post("/meetings/{ext_id}/decisions", response={201: DecisionOut, **ERRORS}, auth=STAFF_AUTH)
def create_decision(request: AuthedRequest, ext_id: str, payload: DecisionIn) -> Status[dict[str, Any]]:
    meeting = selectors.meeting_get(ext_id)
    decision = services.decision_create(user=request.auth, meeting=meeting, data=_data(payload, many=DECISION_MANY))
    return Status(201, DecisionOut.of(selectors.decision_get(decision.ext_id)))


@router.patch("/decisions/{ext_id}", response={200: DecisionOut, **ERRORS}, auth=STAFF_AUTH)
def update_decision(request: AuthedRequest, ext_id: str, payload: DecisionPatch) -> dict[str, Any]:
    decision = selectors.decision_get(ext_id)
    services.decision_update(user=request.auth, decision=decision, data=_data(payload, many=DECISION_MANY))
    return DecisionOut.of(selectors.decision_get(ext_id))


@router.post("/agreements", response={201: AgreementOut, **ERRORS}, auth=STAFF_AUTH)
def create_agreement(request: AuthedRequest, payload: AgreementIn) -> Status[dict[str, Any]]:
    data = _data(payload, {"meeting": Meeting}, {"parties": Organisation})
    data["ext_id"] = data.pop("id")
    agreement = services.agreement_create(user=request.auth, data=data)
    return Status(201, AgreementOut.of(selectors.agreement_get(agreement.ext_id)))


@router.patch("/agreements/{ext_id}", response={200: AgreementOut, **ERRORS}, auth=STAFF_AUTH)
def update_agreement(request: AuthedRequest, ext_id: str, payload: AgreementPatch) -> dict[str, Any]:
    agreement = selectors.agreement_get(ext_id)
    data = _data(payload, {"meeting": Meeting}, {"parties": Organisation})
    services.agreement_update(user=request.auth, agreement=agreement, data=data)
    return AgreementOut.of(selectors.agreement_get(ext_id))


@router.post("/agreements/{ext_id}/events", response={201: AgreementOut, **ERRORS}, auth=STAFF_AUTH)
def add_agreement_event(request: AuthedRequest, ext_id: str, payload: EventIn) -> Status[dict[str, Any]]:
    agreement = selectors.agreement_get(ext_id)
    if payload.kind not in AgreementEvent.Kind.values:
        raise InvalidInput(details={"kind": [_("Unknown event kind.")]})
    data = _data(payload, {"superseded_by": Agreement})
    services.agreement_event_add(user=request.auth, agreement=agreement, data=data)
    return Status(201, AgreementOut.of(selectors.agreement_get(ext_id)))


@router.get("/measures/{ext_id}/milestones", response=list[MilestoneOut])
@paginate(LimitOffsetPagination)
def list_milestones(request: HttpRequest, ext_id: str) -> list[dict[str, Any]]:
    measure = selectors.measure_get(ext_id)
    return [MilestoneOut.of(m) for m in measure.milestones.all()]


@router.post("/measures/{ext_id}/milestones", response={201: MilestoneOut, **ERRORS}, auth=STAFF_AUTH)
def create_milestone(request: AuthedRequest, ext_id: str, payload: MilestoneIn) -> Status[dict[str, Any]]:
    """Secretariat, or an officer of a unit that leads or supports the measure."""
    measure = selectors.measure_get(ext_id)
    milestone = services.milestone_save(user=request.auth, measure=measure, data=_data(payload))
    return Status(201, MilestoneOut.of(milestone))


@router.patch("/measures/{ext_id}/milestones/{milestone_id}", response={200: MilestoneOut, **ERRORS}, auth=STAFF_AUTH)
def update_milestone(request: AuthedRequest, ext_id: str, milestone_id: int, payload: MilestonePatch) -> dict[str, Any]:
    measure = selectors.measure_get(ext_id)
    milestone = get_object_or_404(Milestone, pk=milestone_id, measure=measure)
    services.milestone_save(user=request.auth, measure=measure, data=_data(payload), milestone=milestone)
    milestone.refresh_from_db()
    return MilestoneOut.of(milestone)


# -- meeting attendees ------------------------------------------------------------------------------
def _texts_data(payload: Schema, refs: dict[str, type[Model]] | None = None) -> dict[str, Any]:
    data = _data(payload, refs)
    return {k: v for k, v in data.items() if v is not None or k in (refs or {})}


@router.get("/meetings/{ext_id}/attendees", response={200: list[AttendeeOut], 404: ErrorOut}, auth=None)
@paginate(LimitOffsetPagination)
def list_attendees(request: HttpRequest, ext_id: str) -> Any:
    meeting = selectors.meeting_get(ext_id)
    return Mapped(meeting.attendances.select_related("person").order_by("position", "id"), AttendeeOut.of)


@router.post("/meetings/{ext_id}/attendees", response={201: AttendeeOut, **ERRORS}, auth=STAFF_AUTH)
def add_attendee(request: AuthedRequest, ext_id: str, payload: AttendeeIn) -> Status[dict[str, Any]]:
    require(permissions.can_edit_registry(request.auth))
    meeting = selectors.meeting_get(ext_id)
    data = _texts_data(payload, {"person": Person})
    return Status(201, AttendeeOut.of(services.attendance_add(user=request.auth, meeting=meeting, data=data)))


@router.delete("/meetings/{ext_id}/attendees/{attendance_id}", response={204: None, **ERRORS}, auth=STAFF_AUTH)
def remove_attendee(request: AuthedRequest, ext_id: str, attendance_id: int) -> HttpResponse:
    attendance = get_object_or_404(Attendance, pk=attendance_id, meeting__ext_id=ext_id)
    services.attendance_remove(user=request.auth, attendance=attendance)
    return HttpResponse(status=204)


# -- agreement signatories and clauses -------------------------------------------------------------
@router.get("/agreements/{ext_id}/signatories", response={200: list[SignatoryOut], 404: ErrorOut}, auth=None)
@paginate(LimitOffsetPagination)
def list_signatories(request: HttpRequest, ext_id: str) -> Any:
    agreement = selectors.agreement_get(ext_id)
    return Mapped(agreement.signatories.select_related("person", "organisation").order_by("id"), SignatoryOut.of)


@router.post("/agreements/{ext_id}/signatories", response={201: SignatoryOut, **ERRORS}, auth=STAFF_AUTH)
def add_signatory(request: AuthedRequest, ext_id: str, payload: SignatoryIn) -> Status[dict[str, Any]]:
    require(permissions.can_edit_registry(request.auth))
    agreement = selectors.agreement_get(ext_id)
    data = _texts_data(payload, {"person": Person, "organisation": Organisation})
    return Status(201, SignatoryOut.of(services.signatory_add(user=request.auth, agreement=agreement, data=data)))


@router.get("/agreements/{ext_id}/clauses", response={200: list[ClauseOut], 404: ErrorOut}, auth=None)
@paginate(LimitOffsetPagination)
def list_clauses(request: HttpRequest, ext_id: str) -> Any:
    agreement = selectors.agreement_get(ext_id)
    return Mapped(agreement.clauses.prefetch_related("measures").order_by("id"), ClauseOut.of)


@router.post("/agreements/{ext_id}/clauses", response={201: ClauseOut, **ERRORS}, auth=STAFF_AUTH)
def add_clause(request: AuthedRequest, ext_id: str, payload: ClauseIn) -> Status[dict[str, Any]]:
    require(permissions.can_edit_registry(request.auth))
    agreement = selectors.agreement_get(ext_id)
    data = _data(payload, many={"measures": Measure})
    return Status(201, ClauseOut.of(services.clause_save(user=request.auth, agreement=agreement, data=data)))


# -- agreement documents ---------------------------------------------------------------------------
def _document_data(
    title_en: str, title_zh_hant: str, title_zh_hans: str, language: str | None, version: str | None
) -> dict[str, Any]:
    data: dict[str, Any] = {}
    if title_en or title_zh_hant or title_zh_hans:
        data["title"] = TextIn(en=title_en, zh_hant=title_zh_hant, zh_hans=title_zh_hans).as_texts()
    if language is not None:
        data["language"] = language
    if version is not None:
        data["version"] = version
    return data


@router.get(
    "/agreements/{ext_id}/documents",
    response={200: list[DocumentOut], 404: ErrorOut},
    auth=None,
    summary="An agreement's documents",
)
@paginate(LimitOffsetPagination)
def list_documents(request: HttpRequest, ext_id: str) -> Any:
    agreement = selectors.agreement_get(ext_id)
    return Mapped(agreement.documents.select_related("agreement").order_by("ext_id", "id"), DocumentOut.of)


@router.post(
    "/agreements/{ext_id}/documents",
    response={201: DocumentOut, **ERRORS},
    auth=STAFF_AUTH,
    summary="Add a document to an agreement (multipart: the file is checked by its bytes, as on the page)",
    openapi_extra=form_text_required("title_en", "title_zh_hant", "title_zh_hans"),
)
def add_document(
    request: AuthedRequest,
    ext_id: str,
    language: Form[Language],
    title_en: Form[str] = "",
    title_zh_hant: Form[str] = "",
    title_zh_hans: Form[str] = "",
    version: Form[str] = "1",
    file: FormFile = File(None),
) -> Status[dict[str, Any]]:
    require(permissions.can_edit_registry(request.auth))
    agreement = selectors.agreement_get(ext_id)
    data = _document_data(title_en, title_zh_hant, title_zh_hans, language, version)
    if "title" not in data:
        raise InvalidInput(details={"title": [_("Enter this in at least one language.")]})
    document = services.document_upload(user=request.auth, agreement=agreement, data=data, upload=file)
    return Status(201, DocumentOut.of(document))


@router.post(
    "/agreements/{ext_id}/documents/{document_id}",
    response={200: DocumentOut, **ERRORS},
    auth=STAFF_AUTH,
    summary="Replace a document's file or change its title, language or version (multipart); a new file "
    "without a version raises the version",
)
def replace_document(
    request: AuthedRequest,
    ext_id: str,
    document_id: int,
    language: FormLanguage = Form(None),
    title_en: Form[str] = "",
    title_zh_hant: Form[str] = "",
    title_zh_hans: Form[str] = "",
    version: FormText = Form(None),
    file: FormFile = File(None),
) -> dict[str, Any]:
    require(permissions.can_edit_registry(request.auth))
    document = selectors.document_get(ext_id, document_id)
    data = _document_data(title_en, title_zh_hant, title_zh_hans, language, version)
    document = services.document_upload(
        user=request.auth, agreement=document.agreement, data=data, upload=file, document=document
    )
    return DocumentOut.of(document)


@router.get(
    "/agreements/{ext_id}/documents/{document_id}/file",
    response={200: bytes, 404: ErrorOut},
    auth=None,
    summary="Download a document's file (served as an attachment with its checked type)",
    openapi_extra=file_answer("The file", "application/octet-stream"),
)
def download_document(request: HttpRequest, ext_id: str, document_id: int) -> FileResponse:
    document = selectors.document_get(ext_id, document_id)
    if not document.file:
        raise NotFound()
    return uploads.serve_stored(document.file, content_type=document.content_type)


# -- change history ------------------------------------------------------------------------------
HISTORY_OF: dict[str, Callable[[str], Model]] = {
    "areas": selectors.area_get,
    "measures": selectors.measure_get,
    "meetings": selectors.meeting_get,
    "decisions": selectors.decision_get,
    "agreements": selectors.agreement_get,
    "organisations": selectors.organisation_get,
    "people": selectors.person_get,
    "units": selectors.unit_get,
}


@router.get(
    "/{kind}/{ext_id}/history",
    response={200: list[HistoryEntryOut], 404: ErrorOut},
    auth=None,
    summary="A registry record's change history (who, why and the values: signed-in staff)",
)
@paginate(LimitOffsetPagination)
def record_history(request: HttpRequest, kind: str, ext_id: str) -> Any:
    get = HISTORY_OF.get(kind)
    if get is None:
        raise NotFound()
    details = permissions.can_see_change_details(api_caller(request))
    return [HistoryEntryOut.of(entry, details=details) for entry in history_entries(get(ext_id))]
