"""Reporting test data (factory_boy); see hkcq/registry/tests/factories.py. Snapshots are made
by closing a cycle (``services.close_cycle``), never by hand: their JSON is the service's."""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

import factory

from hkcq.accounts.tests.factories import SecretariatFactory
from hkcq.core.choices import Side
from hkcq.core.translated import TText
from hkcq.registry.models import Agreement, Area, Measure, Meeting, Milestone
from hkcq.registry.tests.factories import (
    AgreementFactory,
    AreaFactory,
    DecisionFactory,
    MeasureFactory,
    MeetingFactory,
    UnitFactory,
)
from hkcq.reporting.models import Job


class JobFactory(factory.django.DjangoModelFactory[Job]):
    """A finished plenary-report job of a Hong Kong secretariat member."""

    class Meta:
        model = Job

    kind = Job.Kind.REPORT
    state = Job.State.DONE
    created_by = factory.SubFactory(SecretariatFactory)
    language = "en"


class ImportJobFactory(JobFactory):
    kind = Job.Kind.IMPORT_MEASURES
    state = Job.State.PREVIEW
    upload_name = "measures.csv"


# -- a plan of co-operation, as the reports read it ---------------------------------------------
# (area, [(measure title in English and Traditional Chinese, its items)]): the shape of the
# registry the reports are about, with its words, but none of the default data's records.
PLAN_AREAS = [
    (
        ("Economic, Trade and Investment Co-operation", "經濟貿易及投資合作"),
        [
            (("Trade partnerships and summit participation", "貿易合作夥伴及參與高峰論壇"), 3),
            (("Professional services for enterprises going abroad", "企業「走出去」的專業服務"), 3),
            (("Investment promotion in both places", "兩地投資推廣"), 2),
        ],
    ),
    (
        ("Innovation and Technology", "創新科技"),
        [
            (("Government science and technology exchange mechanism", "兩地政府科技交流機制"), 3),
            (("Joint laboratories of universities", "大學聯合實驗室"), 3),
            (("Start-ups in science parks", "科學園的初創企業"), 2),
        ],
    ),
    (
        ("Logistics", "物流"),
        [
            (("Rail and sea freight through the western corridor", "經西部陸海新通道的鐵海聯運"), 3),
            (("Air cargo between the two airports", "兩地機場之間的航空貨運"), 2),
        ],
    ),
    (
        ("Education", "教育"),
        [
            (("Sister schools and teacher exchanges", "姊妹學校及教師交流"), 3),
            (("Student internships in both places", "兩地學生實習"), 3),
        ],
    ),
]


class Plan(NamedTuple):
    areas: list[Area]  # in the order of PLAN_AREAS (their positions)
    measures: list[Measure]  # the top-level measures, in report order
    meeting: Meeting  # the first plenary (11 May 2023), where the decisions were made


def plan_make() -> Plan:
    """A plan of co-operation to report on: four areas (among them Innovation and Technology,
    Logistics and Education), ten measures each led by a Hong Kong and a Chongqing unit from 11 May
    2023, with two or three items each and a milestone; a first plenary on 11 May 2023 with four
    decisions (owned by units, open, one due); two agreements signed there."""
    hk_units = [UnitFactory.create(side=Side.HONG_KONG) for _ in range(3)]
    cq_units = [UnitFactory.create(side=Side.CHONGQING) for _ in range(3)]
    areas: list[Area] = []
    measures: list[Measure] = []
    for area_position, ((area_en, area_zh), specs) in enumerate(PLAN_AREAS, start=1):
        area = AreaFactory.create(position=200 + area_position, name=TText.of(en=area_en, zh_hant=area_zh))
        areas.append(area)
        for position, ((title_en, title_zh), items) in enumerate(specs, start=1):
            code = f"{area_position}.{position}"
            measure = MeasureFactory.create(
                area=area,
                code=code,
                position=position,
                title=TText.of(en=title_en, zh_hant=title_zh),
                text=TText.of(en=f"{title_en}: both sides work on it together.", zh_hant=f"{title_zh}：雙方共同推進。"),
                lead_unit_hk=hk_units[len(measures) % 3],
                lead_unit_cq=cq_units[len(measures) % 3],
                planned_start=dt.date(2023, 5, 11),
            )
            measures.append(measure)
            for item in range(1, items + 1):
                MeasureFactory.create(
                    area=area,
                    parent=measure,
                    code=f"{code}.{item}",
                    position=item,
                    title=TText.of(en=f"{title_en}, item {item}", zh_hant=f"{title_zh}，第{item}項"),
                )
            Milestone.objects.create(
                measure=measure, title=TText.of(en=f"First step of {code}", zh_hant=f"{code}的第一步")
            )
    meeting = MeetingFactory.create(
        kind=Meeting.Kind.PLENARY,
        sequence=1,
        date=dt.date(2023, 5, 11),
        title=TText.of(en="Plenary session 1", zh_hant="第1次全體會議"),
    )
    for number, (en, zh) in enumerate(
        [
            ("Set up the co-operation mechanism", "建立合作機制"),
            ("Hold the next plenary in Chongqing", "下次全體會議在重慶舉行"),
            ("Report progress twice a year", "每年報告進展兩次"),
            ("Study a freight corridor", "研究貨運走廊"),
        ],
        start=1,
    ):
        decision = DecisionFactory.create(
            meeting=meeting,
            number=number,
            text=TText.of(en=en, zh_hant=zh),
            due_on=dt.date(2024, 3, 31) if number == 4 else None,
        )
        decision.owner_units.set([hk_units[number % 3], cq_units[number % 3]])
    for en, zh in [("Co-operation mechanism", "合作機制"), ("Memorandum on logistics", "物流備忘錄")]:
        AgreementFactory.create(
            kind=Agreement.Kind.MEMORANDUM,
            meeting=meeting,
            signed_on=dt.date(2023, 5, 11),
            title=TText.of(en=en, zh_hant=zh),
        )
    return Plan(areas, measures, meeting)
