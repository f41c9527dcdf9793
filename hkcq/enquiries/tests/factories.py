"""Enquiry test data (factory_boy); see hkcq/registry/tests/factories.py.

``EnquiryFactory`` writes a case row directly (reference, token, dates as given): for figures
and pages that read cases. A test of filing itself goes through ``enquiry_submit`` (the
``make_case`` fixture of ``conftest.py``), which numbers, routes and mails."""

from __future__ import annotations

from decimal import Decimal

import factory
from django.utils import timezone

from hkcq.accounts.tests.factories import OfficerFactory
from hkcq.enquiries.models import CannedReply, Enquiry, Escalation, Message, SlaPolicy, UnitSupervisor
from hkcq.enquiries.references import reference_make
from hkcq.registry.tests.factories import UnitFactory


class EnquiryFactory(factory.django.DjangoModelFactory[Enquiry]):
    class Meta:
        model = Enquiry

    reference = factory.Sequence(lambda n: reference_make(2025, 900_000 + n))
    token = factory.Sequence(lambda n: f"test-token-{n}")
    question = factory.Sequence(lambda n: f"Question {n}?")
    email = factory.Sequence(lambda n: f"r{n}@example.org")
    received_at = factory.LazyFunction(timezone.now)
    consent_at = factory.LazyAttribute(lambda o: o.received_at)
    content_digest = factory.Sequence(lambda n: f"digest-{n}")


class MessageFactory(factory.django.DjangoModelFactory[Message]):
    class Meta:
        model = Message

    enquiry = factory.SubFactory(EnquiryFactory)
    kind = Message.Kind.REPLY
    body = "See the entry."


class CannedReplyFactory(factory.django.DjangoModelFactory[CannedReply]):
    class Meta:
        model = CannedReply

    title = factory.Sequence(lambda n: {"en": f"Canned reply {n}"})
    body = {"en": "Thank you for your enquiry."}


class SlaPolicyFactory(factory.django.DjangoModelFactory[SlaPolicy]):
    class Meta:
        model = SlaPolicy

    code = factory.Sequence(lambda n: f"test-priority-{n}")
    name = factory.Sequence(lambda n: {"en": f"Test priority {n}"})
    position = factory.Sequence(lambda n: 10 + n)
    ack_days = Decimal("2")
    reply_days = Decimal("10")


class UnitSupervisorFactory(factory.django.DjangoModelFactory[UnitSupervisor]):
    class Meta:
        model = UnitSupervisor

    unit = factory.SubFactory(UnitFactory)
    user = factory.SubFactory(OfficerFactory)


class EscalationFactory(factory.django.DjangoModelFactory[Escalation]):
    class Meta:
        model = Escalation

    enquiry = factory.SubFactory(EnquiryFactory)
    kind = Escalation.Kind.REPLY
    deadline = factory.LazyFunction(timezone.now)


# Canned replies as the secretariat writes them: a title and a text in each language, and what the
# officer fills in within brackets (the placeholders a reply may not keep).
CANNED_REPLIES = {
    "looking-into-it": (
        {"en": "We are looking into it", "zh-hant": "我們正在跟進", "zh-hans": "我们正在跟进"},
        {
            "en": "Thank you for your enquiry. We have received it and are looking into it. We will reply by "
            "the date shown on your tracking page.",
            "zh-hant": "多謝你的查詢。我們已收到並正在跟進，會在查詢追蹤頁面顯示的日期或之前回覆你。",
            "zh-hans": "感谢你的咨询。我们已收到并正在跟进，会在追踪页面显示的日期或之前回复你。",
        },
    ),
    "need-more-information": (
        {"en": "We need more information", "zh-hant": "需要更多資料", "zh-hans": "需要更多信息"},
        {
            "en": "To answer your enquiry we need some more information: [what is needed, for example the kind "
            "of permit you hold and its expiry date]. Please reply through your tracking link.",
            "zh-hant": "為回覆你的查詢，我們需要更多資料：【所需資料，例如你持有的證件類別及有效期】。請透過查詢追蹤連結回覆。",
            "zh-hans": "为回复你的咨询，我们需要更多信息：【所需信息，例如你持有的证件类别及有效期】。请通过追踪链接回复。",
        },
    ),
    "see-the-entry": (
        {"en": "The answer is in the linked entry", "zh-hant": "答案見於所附條目", "zh-hans": "答案见于所附条目"},
        {
            "en": "The answer to your question is in the entry linked below: [in short, what the resident needs "
            "to do and where].",
            "zh-hant": "你的問題可參閱下面連結的條目：【簡述居民需要辦理的手續及地點】。",
            "zh-hans": "你的问题可参阅下面链接的条目：【简述居民需要办理的手续及地点】。",
        },
    ),
    "handled-elsewhere": (
        {"en": "Handled by another body", "zh-hant": "由其他機構處理", "zh-hans": "由其他机构处理"},
        {
            "en": "Your question is handled by [name of the body], which is outside this platform. Please contact "
            "them at [telephone, address or website].",
            "zh-hant": "你的問題由【機構名稱】負責，該機構不在本平台內。請透過【電話、地址或網站】與他們聯絡。",
            "zh-hans": "你的问题由【机构名称】负责，该机构不在本平台内。请通过【电话、地址或网站】与他们联系。",
        },
    ),
}


def canned_replies_make() -> dict[str, CannedReply]:
    """The canned replies of ``CANNED_REPLIES``, by name; each with an ``ext_id`` (``test-<name>``),
    as loaded ones have, so that a test can tell them from the ones a person writes."""
    return {
        name: CannedReplyFactory.create(ext_id=f"test-{name}", title=title, body=body)
        for name, (title, body) in CANNED_REPLIES.items()
    }


# The service levels every database starts with (calendars migration 0002), by code.
SERVICE_LEVELS = {
    "high": (1, {"en": "High", "zh-hant": "高", "zh-hans": "高"}, Decimal("1"), Decimal("5")),
    "normal": (2, {"en": "Normal", "zh-hant": "一般", "zh-hans": "一般"}, Decimal("2"), Decimal("10")),
    "low": (3, {"en": "Low", "zh-hant": "低", "zh-hans": "低"}, Decimal("2"), Decimal("15")),
}


def service_levels_ensure() -> dict[str, SlaPolicy]:
    """The service levels of the migrations, made again where missing: a live-server test empties
    the database when it ends, migration data included, and a browser test that follows needs them."""
    return {
        code: SlaPolicy.objects.get_or_create(
            code=code,
            defaults={
                "position": position,
                "name": name,
                "ack_days": ack,
                "reply_days": reply,
                "is_default": code == "normal",
            },
        )[0]
        for code, (position, name, ack, reply) in SERVICE_LEVELS.items()
    }
