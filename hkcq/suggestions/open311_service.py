"""Suggestions as the Open311 service ``suggestion``: a POST goes through
:func:`hkcq.suggestions.services.suggestion_submit_idempotent` (the same validation and rate
limits as the web form and the API; the same request sent again returns the suggestion it
made); the lists show only published suggestions, with the moderator-confirmed
(redacted) public title and text — never a pending or rejected one, never what was typed."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from hkcq.core.errors import InvalidInput, NotFound
from hkcq.core.text import mask_personal_data
from hkcq.core.translated import TText
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
from hkcq.registry.models import Area
from hkcq.suggestions import selectors, services
from hkcq.suggestions.models import Suggestion
from hkcq.suggestions.references import reference_normalise

CODE = "suggestion"
TRUE = {"true", "1", "yes", "on"}
FALSE = {"false", "0", "no", "off"}
# The suggestion service's field names under their Open311 names.
FIELD_NAMES = {
    "text": "description",
    "email": "email",
    "title": "attribute[title]",
    "area": "attribute[area]",
    "language": "attribute[language]",
    "consent": "attribute[consent]",
    "anonymous": "attribute[anonymous]",
    "idempotency_key": "Idempotency-Key",
}
# Official statuses after which nothing more is expected: the request is "closed" in Open311.
CLOSED_STATUSES = {"not_adopted", "implemented"}


def _flag(value: str) -> bool | None:
    value = (value or "").strip().lower()
    return True if value in TRUE else False if value in FALSE else None


def _absolute(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def submit(data: Submission) -> Submitted:

    attributes = data.attributes
    language = (attributes.get("language") or data.language or "en").strip().lower()
    errors: dict[str, list[str]] = {}
    if _flag(attributes.get("consent", "")) is not True:
        errors["consent"] = [
            _(
                "Please agree to the notice on personal data (attribute[consent]=true); we cannot accept the suggestion otherwise."
            )
        ]
    anonymous = _flag(attributes.get("anonymous", ""))
    if anonymous is None and (attributes.get("anonymous") or "").strip():
        errors["anonymous"] = [_("attribute[anonymous] must be true or false.")]
    if anonymous is None:
        anonymous = not data.email  # an e-mail address without the flag means "named, to hear back"
    area = None
    area_id = (attributes.get("area") or "").strip()
    if area_id:
        area = Area.objects.filter(ext_id=area_id).first()
        if area is None:
            errors["area"] = [_("No co-operation area has this id.")]
    if errors:
        raise InvalidInput(details={FIELD_NAMES[k]: v for k, v in errors.items()})
    try:
        result = services.suggestion_submit_idempotent(
            user=data.user,
            title=attributes.get("title", ""),
            text=data.description,
            language=language,
            area=area,
            anonymous=anonymous,
            name=f"{data.first_name} {data.last_name}".strip(),
            email=data.email,
            ip_address=data.ip_address,
            idempotency_key=data.idempotency_key,
            client=data.client,
        )
    except InvalidInput as exc:
        details = {FIELD_NAMES.get(k, f"attribute[{k}]"): v for k, v in exc.details.items()}
        raise type(exc)(exc.message, details=details) from exc
    suggestion = result.suggestion
    # The link and the notice in the sender's language (attribute[language], else the request's).
    with translation.override(suggestion.language):
        tracking_url = _absolute(suggestion.get_tracking_url())
        notice = _(
            "Thank you. Your suggestion will be published after moderation; keep the tracking link to follow it."
        )
    return Submitted(
        service_request_id=suggestion.reference or "",
        service_notice=notice,
        created=result.created,
        extra={"tracking_url": tracking_url},
    )


def _status_notes(suggestion: Any) -> str:
    parts = [str(suggestion.get_status_display())]
    if suggestion.status == "not_adopted" and suggestion.status_reason:
        parts.append(suggestion.status_reason.show().text)
    if suggestion.response:
        parts.append(suggestion.response.show().text)
    return " — ".join(p for p in parts if p)


def _out(suggestion: Any) -> RequestOut:
    moments = [suggestion.published_at, suggestion.status_changed_at, suggestion.responded_at]
    known = [m for m in moments if m is not None]
    return RequestOut(
        service_request_id=suggestion.reference,
        status="closed" if suggestion.status in CLOSED_STATUSES else "open",
        status_notes=_status_notes(suggestion),
        service_name=SERVICE.name.show().text,
        service_code=CODE,
        description=mask_personal_data(suggestion.public_text),
        agency_responsible=TText.from_json(suggestion.unit.name).show().text if suggestion.unit is not None else "",
        service_notice="",
        requested_datetime=suggestion.created_at,
        updated_datetime=max(known) if known else None,
        expected_datetime=None,
        extra={
            "language": suggestion.language,
            "title": mask_personal_data(suggestion.public_title),
            "area": suggestion.area.ext_id if suggestion.area is not None else None,
            "voices": suggestion.voices,
            "url": _absolute(suggestion.get_absolute_url()),
        },
    )


def list_requests(filters: Filters) -> Iterable[RequestOut]:

    qs = selectors.published_list()  # published only: never pending, rejected or merged
    if filters.service_request_ids:
        refs = [r for r in (reference_normalise(i) for i in filters.service_request_ids) if r]
        qs = qs.filter(reference__in=refs)
    if filters.start is not None:
        qs = qs.filter(created_at__gte=filters.start)
    if filters.end is not None:
        qs = qs.filter(created_at__lte=filters.end)
    if filters.status == "open":
        qs = qs.exclude(status__in=CLOSED_STATUSES)
    elif filters.status == "closed":
        qs = qs.filter(status__in=CLOSED_STATUSES)
    return [_out(s) for s in qs.order_by("-created_at", "-id")[: filters.limit]]


def get_request(service_request_id: str) -> RequestOut | None:

    try:
        return _out(selectors.published_get(service_request_id))
    except NotFound:
        return None


def get_request_for_sender(service_request_id: str) -> RequestOut | None:
    """The suggestion as its sender sees it, in any state (the endpoint has checked the Open311
    token): before moderation too, with the text as they sent it (masked), never made public by
    this. Published, it is what everyone sees."""
    reference = reference_normalise(service_request_id)
    suggestion = (
        Suggestion.objects.select_related("area", "unit").filter(reference=reference).first() if reference else None
    )
    if suggestion is None:
        return None
    if suggestion.state == Suggestion.State.PUBLISHED:
        return _out(suggestion)
    return RequestOut(
        service_request_id=suggestion.reference or "",
        status="closed" if suggestion.state == Suggestion.State.REJECTED else "open",
        status_notes=str(suggestion.get_state_display()),
        service_name=SERVICE.name.show().text,
        service_code=CODE,
        description=mask_personal_data(suggestion.text),
        agency_responsible="",
        service_notice="",
        requested_datetime=suggestion.created_at,
        updated_datetime=None,
        expected_datetime=None,
        extra={
            "language": suggestion.language,
            "title": mask_personal_data(suggestion.title),
            "area": suggestion.area.ext_id if suggestion.area is not None else None,
            "voices": None,
            "url": None,
        },
    )


def _areas() -> tuple[tuple[str, TText], ...]:

    return tuple((a.ext_id, TText.from_json(a.name)) for a in Area.objects.order_by("position", "id"))


SERVICE = Open311Service(
    code=CODE,
    name=TText.of(en="View or suggestion", zh_hant="意見或建議", zh_hans="意见或建议"),
    description=TText.of(
        en="A view or suggestion from Hong Kong people in Chongqing on Hong Kong/Chongqing co-operation; "
        "published after moderation and answered by the responsible unit.",
        zh_hant="在渝港人就港渝合作提出的意見或建議；經審核後公開，由負責單位回應。",
        zh_hans="在渝港人就港渝合作提出的意见或建议；经审核后公开，由负责单位回应。",
    ),
    group=TText.of(en="Views and suggestions", zh_hant="意見及建議", zh_hans="意见及建议"),
    keywords=(
        TText.of(en="suggestion", zh_hant="建議", zh_hans="建议"),
        TText.of(en="view", zh_hant="意見", zh_hans="意见"),
        TText.of(en="Hong Kong people", zh_hant="港人", zh_hans="港人"),
        TText.of(en="Chongqing", zh_hant="重慶", zh_hans="重庆"),
        TText.of(en="co-operation", zh_hant="合作", zh_hans="合作"),
    ),
    attributes=(
        Attribute(
            code="consent",
            description=TText.of(
                en="Consent to the personal-data notice and to publication after moderation (must be true).",
                zh_hant="同意個人資料收集聲明及經審核後公開（必須為 true）。",
                zh_hans="同意个人信息收集声明及经审核后公开（必须为 true）。",
            ),
            datatype="singlevaluelist",
            required=True,
            values=(("true", TText.of(en="I agree", zh_hant="我同意", zh_hans="我同意")),),
        ),
        Attribute(
            code="title",
            description=TText.of(
                en="A short title for the suggestion (at most 200 characters); description is the suggestion itself.",
                zh_hant="建議的簡短標題（最多 200 字）；description 為建議內容。",
                zh_hans="建议的简短标题（最多 200 字）；description 为建议内容。",
            ),
            datatype="string",
            required=True,
        ),
        Attribute(
            code="area",
            description=TText.of(
                en="The co-operation area it concerns (optional).",
                zh_hant="所涉及的合作領域（選填）。",
                zh_hans="所涉及的合作领域（选填）。",
            ),
            datatype="singlevaluelist",
            required=False,
            values=_areas,
        ),
        Attribute(
            code="anonymous",
            description=TText.of(
                en="true: send anonymously (no name or e-mail kept); false: named, with email (and first_name, "
                "last_name) to hear back. Default: false when email is given, otherwise true.",
                zh_hant="true：匿名提交（不保留姓名及電郵）；false：具名，須提供 email（及 first_name、last_name）以接收回覆。"
                "預設：有 email 時為 false，否則為 true。",
                zh_hans="true：匿名提交（不保留姓名及电子邮箱）；false：具名，须提供 email（及 first_name、last_name）以接收回复。"
                "默认：有 email 时为 false，否则为 true。",
            ),
            datatype="singlevaluelist",
            required=False,
            values=(
                ("true", TText.of(en="Anonymously", zh_hant="匿名", zh_hans="匿名")),
                ("false", TText.of(en="With my name and e-mail", zh_hant="具名及電郵", zh_hans="具名并提供电子邮箱")),
            ),
        ),
        Attribute(
            code="language",
            description=TText.of(
                en="Language of the suggestion and of the e-mails.",
                zh_hant="建議及電郵所用的語言。",
                zh_hans="建议及电子邮件所用的语言。",
            ),
            datatype="singlevaluelist",
            required=False,
            values=language_values(),
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
                    en="The suggestion itself (at most 5000 characters); attribute[title] is its title.",
                    zh_hant="建議內容（最多 5000 字）；attribute[title] 為其標題。",
                    zh_hans="建议内容（最多 5000 字）；attribute[title] 为其标题。",
                ),
                required=True,
            ),
            PostField(
                "email",
                TText.of(
                    en="Needed for a named suggestion (attribute[anonymous]=false), to hear back; "
                    "not kept when anonymous.",
                    zh_hant="具名建議（attribute[anonymous]=false）須提供，以接收回覆；匿名時不會保留。",
                    zh_hans="具名建议（attribute[anonymous]=false）须提供，以接收回复；匿名时不会保留。",
                ),
            ),
            PostField(
                "first_name",
                TText.of(
                    en="Given name of a named suggestion (optional; not kept when anonymous).",
                    zh_hant="具名建議的名字（選填；匿名時不會保留）。",
                    zh_hans="具名建议的名字（选填；匿名时不会保留）。",
                ),
            ),
            PostField(
                "last_name",
                TText.of(
                    en="Family name of a named suggestion (optional; not kept when anonymous).",
                    zh_hant="具名建議的姓氏（選填；匿名時不會保留）。",
                    zh_hans="具名建议的姓氏（选填；匿名时不会保留）。",
                ),
            ),
        ),
        submitting=TText.of(
            en="The same validation and rate limits as the web form: too many suggestions from one address in a "
            "short time are refused with 429. The suggestion waits for moderation; the tracking link shows the "
            "sender what they wrote and the answer. The same request again from the same client (the same address, "
            "or the same API token) within 10 minutes, or with the same Idempotency-Key from that client, returns the "
            "same suggestion (200) instead of creating another; a key used again with other fields is refused with "
            "409. Another client never gets the suggestion back.",
            zh_hant="驗證及次數限制與網上表格相同：同一地址在短時間內提交過多建議會被拒絕（429）。建議須先經審核；"
            "提交者可透過追蹤連結查看自己所寫的內容及回應。10 分鐘內由同一用戶端（同一地址或同一 API 權杖）再次發送相同請求，"
            "或由該用戶端使用相同的 Idempotency-Key，會傳回同一項建議（200），不會另建建議；"
            "同一金鑰配以不同欄位再次使用會被拒絕（409）。其他用戶端不會取得該建議。",
            zh_hans="验证及次数限制与在线表单相同：同一地址在短时间内提交过多建议会被拒绝（429）。建议须先经审核；"
            "提交者可通过追踪链接查看自己所写的内容及回应。10 分钟内由同一客户端（同一地址或同一 API 令牌）再次发送相同请求，"
            "或由该客户端使用相同的 Idempotency-Key，会返回同一项建议（200），不会另建建议；"
            "同一密钥搭配不同字段再次使用会被拒绝（409）。其他客户端不会取得该建议。",
        ),
        returns=TText.of(
            en="Published suggestions only, newest first: the reference, the title and text as published, the "
            "co-operation area, voices (the sender and the supporters), url (its public page), status open "
            "(received, under consideration or adopted) or closed (not adopted or implemented), status_notes "
            "with the official status, the reason and the official response, and the responsible unit. "
            "requests/{service_request_id} with token= (the one the POST returned) shows the sender their "
            "suggestion before moderation too: what they sent, masked, and its state; it stays unpublished.",
            zh_hant="只列出已公開的建議，由新至舊：參考編號、公開的標題及內容、合作領域、voices（提交者及支持者人數）、"
            "url（公開頁面）、status 為 open（已收到、研究中或已採納）或 closed（不採納或已落實）、status_notes "
            "為正式狀態、理由及正式回應，以及負責單位。在 requests/{service_request_id} 加上 token=（POST 傳回的 token），"
            "提交者在審核前亦可查看自己的建議：經遮蓋的提交內容及其狀態；建議不會因此公開。",
            zh_hans="只列出已公开的建议，由新至旧：参考编号、公开的标题及内容、合作领域、voices（提交者及支持者人数）、"
            "url（公开页面）、status 为 open（已收到、研究中或已采纳）或 closed（不采纳或已落实）、status_notes "
            "为正式状态、理由及正式回应，以及负责单位。在 requests/{service_request_id} 加上 token=（POST 返回的 token），"
            "提交者在审核前也可查看自己的建议：经遮盖的提交内容及其状态；建议不会因此公开。",
        ),
        privacy=TText.of(
            en="A suggestion is public only once a moderator has approved it and confirmed the redacted text. "
            "Until then, or if it is not published, it is in no list and its reference is not found (404); a "
            "merged suggestion gives the one it was merged into. What was typed, the name and the e-mail "
            "address are never returned: only the title and text as redacted by the moderator, masked again.",
            zh_hant="建議須經審核員批准並確認已遮蓋個人資料的文本後才會公開。在此之前，或不獲公開時，建議不會出現在任何列表，"
            "其參考編號亦找不到（404）；已合併的建議會顯示其併入的建議。提交者所寫的原文、姓名及電郵地址絕不會傳回："
            "只會傳回審核員遮蓋後的標題及內容，並再次遮蓋。",
            zh_hans="建议须经审核员批准并确认已遮盖个人信息的文本后才会公开。在此之前，或未获公开时，建议不会出现在任何列表，"
            "其参考编号也无法找到（404）；已合并的建议会显示其并入的建议。提交者所写的原文、姓名及电子邮箱绝不会返回："
            "只会返回审核员遮盖后的标题及内容，并再次遮盖。",
        ),
    ),
)


def register_service() -> None:
    register(SERVICE)
