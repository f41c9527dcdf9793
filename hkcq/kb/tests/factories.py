"""Knowledge-base test data (factory_boy); see hkcq/registry/tests/factories.py."""

from __future__ import annotations

import factory

from hkcq.kb.models import Entry, Topic
from hkcq.registry.models import Unit
from hkcq.registry.tests.factories import UnitFactory


class EntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Entry

    slug = factory.Sequence(lambda n: f"test-entry-{n}")
    topic = Topic.HOUSING
    title = factory.Sequence(lambda n: {"en": f"Test entry {n}", "zh-hant": f"測試條目{n}"})
    body = {"en": "An answer.", "zh-hant": "一個答案。"}
    unit = factory.SubFactory(UnitFactory)
    state = Entry.State.PUBLISHED


# Two published entries an officer may cite in a reply, in three languages: what a resident asks
# most (renewing the Home Return Permit; the make_case question of the enquiries' tests is one of
# its question forms) and legal aid.
PERMIT_RENEWAL = "test-permit-renewal"
LEGAL_AID = "test-legal-aid"


def citable_entries_make(unit: Unit | None = None) -> dict[str, Entry]:
    """The entries ``PERMIT_RENEWAL`` and ``LEGAL_AID`` (of ``unit``, or of a unit made for them)."""
    unit = unit or UnitFactory.create()
    permit = EntryFactory.create(
        slug=PERMIT_RENEWAL,
        topic=Topic.IDENTITY_TRAVEL,
        unit=unit,
        title={
            "en": "Renewing your Mainland Travel Permit (Home Return Permit)",
            "zh-hant": "續領港澳居民來往內地通行證（回鄉證）",
            "zh-hans": "续领港澳居民来往内地通行证（回乡证）",
        },
        question_forms={"en": "How do I renew my Home Return Permit in Chongqing?", "zh-hant": "回鄉證點樣續領？"},
        body={
            "en": "You do not have to go back to Hong Kong to renew your Home Return Permit: apply at an "
            "exit-entry service window in Chongqing with your permit, your identity card and a photo.",
            "zh-hant": "續領回鄉證不一定要返回香港：可帶同回鄉證、香港身份證及近照，前往重慶的出入境服務窗口辦理。",
            "zh-hans": "续领回乡证不一定要返回香港：可带同回乡证、香港身份证及近照，前往重庆的出入境服务窗口办理。",
        },
    )
    legal = EntryFactory.create(
        slug=LEGAL_AID,
        topic=Topic.LEGAL,
        unit=unit,
        title={"en": "Legal aid in Chongqing", "zh-hant": "在重慶申請法律援助", "zh-hans": "在重庆申请法律援助"},
        question_forms={"en": "Can I get legal aid in Chongqing?"},
        body={
            "en": "Legal aid centres in Chongqing help people who cannot afford a lawyer; ask at the district's centre.",
            "zh-hant": "重慶的法律援助中心協助負擔不起律師費的人士；請向所在區的中心查詢。",
            "zh-hans": "重庆的法律援助中心协助负担不起律师费的人士；请向所在区的中心查询。",
        },
    )
    return {PERMIT_RENEWAL: permit, LEGAL_AID: legal}


# Everyday matters of Hong Kong people in Chongqing, one entry each.
EVERYDAY = [
    ("Opening a bank account", "開立銀行戶口"),
    ("Seeing a doctor", "求醫"),
    ("Renting a flat", "租樓"),
    ("Enrolling a child at school", "子女入學"),
    ("Paying income tax", "繳交個人所得稅"),
    ("Getting a mobile phone number", "申請手機號碼"),
    ("Converting a driving licence", "換領駕駛執照"),
    ("Finding work", "求職"),
    ("Social insurance", "社會保險"),
    ("Legal help", "法律協助"),
    ("Buying train tickets", "購買火車票"),
    ("Registering a business", "登記企業"),
]


def everyday_entries_make() -> list[Entry]:
    """A knowledge base of a dozen entries about life in Chongqing, each of which names Hong Kong
    residents and Chongqing in both scripts: words too general to say what a question is about
    (``selectors.GENERIC_SHARE``), as in the sample knowledge base."""
    return [
        EntryFactory.create(
            title={"en": en, "zh-hant": zh},
            body={
                "en": f"{en}: what Hong Kong residents in Chongqing need to know.",
                "zh-hant": f"在重慶的香港居民{zh}須知。",
            },
        )
        for en, zh in EVERYDAY
    ]
