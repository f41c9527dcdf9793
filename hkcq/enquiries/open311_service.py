"""Enquiries as the Open311 service ``enquiry``: everything goes through the enquiries app's
services (the same validation and idempotency as the web form)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from hkcq.core.errors import InvalidInput
from hkcq.core.text import mask_personal_data
from hkcq.core.translated import TText
from hkcq.enquiries import selectors, services
from hkcq.enquiries.models import Enquiry
from hkcq.enquiries.references import reference_normalise
from hkcq.open311.registry import (
    Attribute,
    Filters,
    Guide,
    Open311Service,
    PostField,
    RequestOut,
    Submission,
    Submitted,
    language_values,
    register,
)

CODE = "enquiry"
LANGUAGE_CODES = {code for code, _name in settings.LANGUAGES}
TRUE = {"true", "1", "yes", "on"}
# The enquiry form's fields under their Open311 names.
FIELD_NAMES = {
    "question": "description",
    "details": "attribute[details]",
    "consent": "attribute[consent]",
    "idempotency_key": "Idempotency-Key",
}


def submit(data: Submission) -> Submitted:

    language = (data.attributes.get("language") or data.language or "en").strip().lower()
    try:
        result = services.enquiry_submit(
            filing=services.Filing(
                question=data.description,
                details=data.attributes.get("details", ""),
                email=data.email,
                phone=data.phone,
                language=language,
                consent=data.attributes.get("consent", "").strip().lower() in TRUE,
            ),
            origin=services.Origin(source="open311", client=data.client, idempotency_key=data.idempotency_key),
        )
    except InvalidInput as exc:
        details = {
            FIELD_NAMES.get(k, k if k in ("email", "phone") else f"attribute[{k}]"): v for k, v in exc.details.items()
        }
        raise type(exc)(exc.message, details=details) from exc
    enquiry = result.enquiry
    # The notice is for the resident: in the language they chose for the enquiry (the
    # attribute, else the request's lang or Accept-Language), like the e-mails.
    with translation.override(language if language in LANGUAGE_CODES else enquiry.language):
        notice = _(
            "We have received your enquiry. Keep the reference number; the tracking link was sent to your e-mail address."
        )
    return Submitted(
        service_request_id=enquiry.reference,
        service_notice=notice,
        created=result.created,
        extra={"tracking_url": services.tracking_url(enquiry)},
    )


def _out(enquiry: Enquiry, *, private: bool = False) -> RequestOut:
    """An enquiry in Open311 shape. Enquiries are between the resident, the unit and the
    secretariat (the personal-data notice says so): the public shape has no question, only the
    reference, status, unit and dates; ``private`` (the resident, with the token) adds the
    question, masked like the tracking page."""
    unit = enquiry.assigned_unit
    closed = enquiry.status == "closed"
    moments = [enquiry.received_at, enquiry.acknowledged_at, enquiry.first_reply_at, enquiry.closed_at]
    return RequestOut(
        service_request_id=enquiry.reference,
        status="closed" if closed else "open",
        status_notes=str(enquiry.get_status_display()),
        service_name=SERVICE.name.show().text,
        service_code=CODE,
        description=mask_personal_data(enquiry.question) if private else None,
        agency_responsible=TText.from_json(unit.name).show().text if unit is not None else "",
        service_notice="",
        requested_datetime=enquiry.received_at,
        updated_datetime=max(m for m in moments if m is not None),
        expected_datetime=None if closed else enquiry.reply_due_promised,
        extra={"language": enquiry.language},
    )


def list_requests(filters: Filters) -> Iterable[RequestOut]:

    qs = selectors.enquiry_list(since=filters.start, until=filters.end)
    if filters.service_request_ids:
        refs = [r for r in (reference_normalise(i) for i in filters.service_request_ids) if r]
        qs = qs.filter(reference__in=refs)
    if filters.status == "open":
        qs = qs.exclude(status=Enquiry.Status.CLOSED)
    elif filters.status == "closed":
        qs = qs.filter(status=Enquiry.Status.CLOSED)
    return [_out(e) for e in qs.order_by("-received_at", "-id")[: filters.limit]]


def _find(service_request_id: str) -> Any:

    reference = reference_normalise(service_request_id)
    if reference is None:
        return None
    return Enquiry.objects.select_related("assigned_unit").filter(reference=reference).first()


def get_request(service_request_id: str) -> RequestOut | None:
    enquiry = _find(service_request_id)
    return _out(enquiry) if enquiry is not None else None


def get_request_for_sender(service_request_id: str) -> RequestOut | None:
    """The enquiry with its question, for the resident who sent it (the endpoint has checked
    the Open311 token)."""
    enquiry = _find(service_request_id)
    return _out(enquiry, private=True) if enquiry is not None else None


SERVICE = Open311Service(
    code=CODE,
    name=TText.of(
        en="Enquiry to the one-stop consulting service", zh_hant="向一站式諮詢服務查詢", zh_hans="向一站式咨询服务提问"
    ),
    description=TText.of(
        en="A question from a Hong Kong resident in Chongqing about facilitation policies and measures, answered by the responsible unit.",
        zh_hant="在渝香港居民就便利措施及政策提出的查詢，由負責單位回覆。",
        zh_hans="在渝香港居民就便利措施及政策提出的咨询，由负责单位答复。",
    ),
    group=TText.of(en="One-stop consulting service", zh_hant="一站式諮詢服務", zh_hans="一站式咨询服务"),
    keywords=(
        TText.of(en="enquiry", zh_hant="查詢", zh_hans="咨询"),
        TText.of(en="question", zh_hant="問題", zh_hans="问题"),
        TText.of(en="Hong Kong residents", zh_hant="香港居民", zh_hans="香港居民"),
        TText.of(en="Chongqing", zh_hant="重慶", zh_hans="重庆"),
    ),
    attributes=(
        Attribute(
            code="consent",
            description=TText.of(
                en="Consent to the personal-data notice (must be true).",
                zh_hant="同意個人資料收集聲明（必須為 true）。",
                zh_hans="同意个人信息收集声明（必须为 true）。",
            ),
            datatype="singlevaluelist",
            required=True,
            values=(("true", TText.of(en="I agree", zh_hant="我同意", zh_hans="我同意")),),
        ),
        Attribute(
            code="language",
            description=TText.of(
                en="Preferred language of the reply.", zh_hant="回覆的首選語言。", zh_hans="答复的首选语言。"
            ),
            datatype="singlevaluelist",
            required=False,
            values=language_values(),
        ),
        Attribute(
            code="details",
            description=TText.of(
                en="More details of the question (optional).",
                zh_hant="查詢的補充資料（選填）。",
                zh_hans="咨询的补充信息（选填）。",
            ),
            datatype="text",
            required=False,
        ),
    ),
    submit=submit,
    list_requests=list_requests,
    get_request=get_request,
    get_request_for_sender=get_request_for_sender,
    guide=Guide(
        fields=(
            PostField(
                "description",
                TText.of(
                    en="The question (at most 1000 characters).",
                    zh_hant="查詢內容（最多 1000 字）。",
                    zh_hans="咨询内容（最多 1000 字）。",
                ),
                required=True,
            ),
            PostField(
                "email",
                TText.of(
                    en="Where the confirmation, the tracking link and the reply are sent.",
                    zh_hant="接收確認、追蹤連結及回覆的電郵地址。",
                    zh_hans="接收确认通知、追踪链接及答复的电子邮箱。",
                ),
                required=True,
            ),
            PostField(
                "phone",
                TText.of(
                    en="A phone number for the unit handling the enquiry (optional).",
                    zh_hant="供負責單位聯絡的電話號碼（選填）。",
                    zh_hans="供负责单位联系的电话号码（选填）。",
                ),
            ),
        ),
        submitting=TText.of(
            en="The same validation and routing as the enquiry form: the responsible unit is suggested from "
            "the knowledge base, the deadlines are counted in working days, and a confirmation e-mail with "
            "the tracking link is sent. The same question, details and e-mail again from the same client (the same "
            "address, or the same API token) within 10 minutes, or the same Idempotency-Key from that client, returns "
            "the same case (200) instead of creating another; a key used again with other fields is refused with 409. "
            "Another client never gets the case back.",
            zh_hant="驗證及分派與查詢表格相同：按知識庫建議負責單位，期限以工作天計算，並發送附有追蹤連結的確認電郵。"
            "10 分鐘內由同一用戶端（同一地址或同一 API 權杖）再次發送相同的查詢內容、補充資料及電郵，或由該用戶端使用相同的 "
            "Idempotency-Key，會傳回同一個案（200），不會另建個案；同一金鑰配以不同欄位再次使用會被拒絕（409）。"
            "其他用戶端不會取得該個案。",
            zh_hans="验证及分派与咨询表单相同：按知识库建议负责单位，期限以工作日计算，并发送附有追踪链接的确认邮件。"
            "10 分钟内由同一客户端（同一地址或同一 API 令牌）再次发送相同的咨询内容、补充信息及电子邮箱，或由该客户端使用相同的 "
            "Idempotency-Key，会返回同一个案（200），不会另建个案；同一密钥搭配不同字段再次使用会被拒绝（409）。"
            "其他客户端不会取得该个案。",
        ),
        returns=TText.of(
            en="Every enquiry, newest first: the reference, status open (new, accepted, waiting or answered) or "
            "closed, status_notes with the enquiry's own status, the unit handling it and the reply deadline "
            "while it is open. The question is not published: description is null. "
            "requests/{service_request_id}.json with token= the token the POST returned gives the question "
            "too, masked.",
            zh_hant="所有查詢，由新至舊：參考編號、status 為 open（新個案、已接手、等待居民回覆或已回覆）或 closed、"
            "status_notes 為查詢本身的狀態、負責單位，以及未結案時的回覆期限。查詢內容不會公開：description 為 null。"
            "在 requests/{service_request_id}.json 加上 token=（POST 傳回的 token），可同時取得經遮蓋的查詢內容。",
            zh_hans="所有咨询，由新至旧：参考编号、status 为 open（新个案、已受理、等待居民回复或已回复）或 closed、"
            "status_notes 为咨询本身的状态、负责单位，以及未结案时的回复期限。咨询内容不会公开：description 为 null。"
            "在 requests/{service_request_id}.json 加上 token=（POST 返回的 token），可同时取得经遮盖的咨询内容。",
        ),
        privacy=TText.of(
            en="An enquiry is between the resident, the unit handling it and the co-operation secretariat, as the "
            "personal-data notice says. Lists and requests/{service_request_id}.json give everyone only its "
            "reference, status, unit and dates: never the question, details, e-mail address, phone number or "
            "conversation. With token (the one the POST returned, not the tracking link's secret) the resident gets the question too, with "
            "identity card and phone numbers and e-mail addresses masked, as on the tracking page; a token that "
            "is not the enquiry's is refused (403).",
            zh_hant="查詢只限居民、負責單位及合作秘書處知悉，與個人資料收集聲明所述一致。列表及 "
            "requests/{service_request_id}.json 向所有人只提供參考編號、狀態、負責單位及日期，絕不提供查詢內容、"
            "補充資料、電郵地址、電話號碼或對話內容。居民憑 token（POST 傳回的 token，並非追蹤連結中的密鑰）可同時取得查詢內容，其中的"
            "身份證號碼、電話號碼及電郵地址會被遮蓋，與追蹤頁相同；不屬於該查詢的 token 會被拒絕（403）。",
            zh_hans="咨询仅限居民、负责单位及合作秘书处知悉，与个人信息收集声明所述一致。列表及 "
            "requests/{service_request_id}.json 向所有人只提供参考编号、状态、负责单位及日期，绝不提供咨询内容、"
            "补充信息、电子邮箱、电话号码或对话内容。居民凭 token（POST 返回的 token，并非追踪链接中的密钥）可同时取得咨询内容，其中的"
            "身份证号码、电话号码及电子邮箱会被遮盖，与追踪页面相同；不属于该咨询的 token 会被拒绝（403）。",
        ),
    ),
)


def register_service() -> None:
    register(SERVICE)
