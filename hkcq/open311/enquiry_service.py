"""Enquiries as the Open311 service ``enquiry``: everything goes through the enquiries app's
services (the same validation and idempotency as the web form)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.translation import gettext as _

from hkcq.core.errors import InvalidInput
from hkcq.core.text import mask_personal_data
from hkcq.core.translated import TText
from hkcq.open311.registry import (
    Attribute,
    Filters,
    Open311Service,
    RequestOut,
    Submission,
    Submitted,
    language_values,
    register,
)

CODE = "enquiry"
TRUE = {"true", "1", "yes", "on"}
# The enquiry form's fields under their Open311 names.
FIELD_NAMES = {"question": "description", "details": "attribute[details]", "consent": "attribute[consent]"}


def submit(data: Submission) -> Submitted:
    from hkcq.enquiries import services

    language = (data.attributes.get("language") or data.language or "en").strip().lower()
    try:
        result = services.enquiry_submit(
            question=data.description,
            details=data.attributes.get("details", ""),
            email=data.email,
            phone=data.phone,
            language=language,
            consent=data.attributes.get("consent", "").strip().lower() in TRUE,
            idempotency_key=data.idempotency_key,
            source="open311",
        )
    except InvalidInput as exc:
        details = {
            FIELD_NAMES.get(k, k if k in ("email", "phone") else f"attribute[{k}]"): v for k, v in exc.details.items()
        }
        raise InvalidInput(exc.message, details=details) from exc
    enquiry = result.enquiry
    return Submitted(
        service_request_id=enquiry.reference,
        token=enquiry.token,
        service_notice=_(
            "We have received your enquiry. Keep the reference number; the tracking link was sent to your e-mail address."
        ),
        created=result.created,
        extra={"tracking_url": services.tracking_url(enquiry)},
    )


def _out(enquiry: Any) -> RequestOut:
    unit = enquiry.assigned_unit
    closed = enquiry.status == "closed"
    moments = [enquiry.received_at, enquiry.acknowledged_at, enquiry.first_reply_at, enquiry.closed_at]
    return RequestOut(
        service_request_id=enquiry.reference,
        status="closed" if closed else "open",
        status_notes=str(enquiry.get_status_display()),
        service_name=SERVICE.name.show().text,
        service_code=CODE,
        description=mask_personal_data(enquiry.question)[:500],
        agency_responsible=TText.from_json(unit.name).show().text if unit is not None else "",
        service_notice="",
        requested_datetime=enquiry.received_at,
        updated_datetime=max(m for m in moments if m is not None),
        expected_datetime=None if closed else enquiry.reply_due,
        extra={"language": enquiry.language},
    )


def list_requests(filters: Filters) -> Iterable[RequestOut]:
    from hkcq.enquiries import selectors
    from hkcq.enquiries.models import Enquiry
    from hkcq.enquiries.references import reference_normalise

    qs = selectors.enquiry_list(since=filters.start, until=filters.end)
    if filters.service_request_ids:
        refs = [r for r in (reference_normalise(i) for i in filters.service_request_ids) if r]
        qs = qs.filter(reference__in=refs)
    if filters.status == "open":
        qs = qs.exclude(status=Enquiry.Status.CLOSED)
    elif filters.status == "closed":
        qs = qs.filter(status=Enquiry.Status.CLOSED)
    return [_out(e) for e in qs.order_by("-received_at", "-id")[: filters.limit]]


def get_request(service_request_id: str) -> RequestOut | None:
    from hkcq.enquiries.models import Enquiry
    from hkcq.enquiries.references import reference_normalise

    reference = reference_normalise(service_request_id)
    if reference is None:
        return None
    enquiry = Enquiry.objects.select_related("assigned_unit").filter(reference=reference).first()
    return _out(enquiry) if enquiry is not None else None


SERVICE = Open311Service(
    code=CODE,
    name=TText.of(en="Enquiry to the one-stop consulting service", zh_hant="向一站式諮詢服務查詢"),
    description=TText.of(
        en="A question from a Hong Kong resident in Chongqing about facilitation policies and measures, answered by the responsible unit.",
        zh_hant="在渝香港居民就便利措施及政策提出的查詢，由負責單位回覆。",
    ),
    group=TText.of(en="One-stop consulting service", zh_hant="一站式諮詢服務"),
    keywords=("enquiry", "question", "Hong Kong residents", "Chongqing"),
    attributes=(
        Attribute(
            code="consent",
            description=TText.of(
                en="Consent to the personal-data notice (must be true).",
                zh_hant="同意個人資料收集聲明（必須為 true）。",
            ),
            datatype="singlevaluelist",
            required=True,
            values=(("true", TText.of(en="I agree", zh_hant="我同意")),),
        ),
        Attribute(
            code="language",
            description=TText.of(en="Preferred language of the reply.", zh_hant="回覆的首選語言。"),
            datatype="singlevaluelist",
            required=False,
            values=language_values(),
        ),
        Attribute(
            code="details",
            description=TText.of(en="More details of the question (optional).", zh_hant="查詢的補充資料（選填）。"),
            datatype="text",
            required=False,
        ),
    ),
    submit=submit,
    list_requests=list_requests,
    get_request=get_request,
)


def register_service() -> None:
    register(SERVICE)
