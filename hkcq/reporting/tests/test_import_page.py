"""The import job page in the reader's language: the changed fields by their translated labels
(not ``planned_end``), and once applied, what happened (not "what would happen")."""

import pytest

from hkcq.accounts.tests import personas
from hkcq.reporting.models import Job

from .test_import import csv_bytes, good_rows, last_job, upload

PAGES = {
    "en": {"label": "Planned end", "would": "What would happen", "happened": "What happened", "created": "2 created"},
    "zh-hant": {"label": "計劃完成日期", "would": "處理結果預覽", "happened": "處理結果", "created": "已新增 2 項"},
    "zh-hans": {"label": "计划完成日期", "would": "处理结果预览", "happened": "处理结果", "created": "已新增 2 项"},
}
secretariat_hk = personas.secretariat_hk  # factory-made, not the default data's demo account


@pytest.fixture
def signed_in(client, secretariat_hk):
    client.force_login(secretariat_hk)
    return client


@pytest.mark.parametrize("lang", list(PAGES))
def test_the_job_page_names_fields_by_label_and_says_what_happened(signed_in, existing, lang):
    upload(signed_in, csv_bytes(good_rows(existing)), lang=lang)
    job = last_job()
    words = PAGES[lang]
    preview = signed_in.get(f"/{lang}/import/{job.pk}/").content.decode()
    assert words["label"] in preview and "planned_end" not in preview
    assert words["would"] in preview
    signed_in.post(f"/{lang}/import/{job.pk}/confirm/")
    job.refresh_from_db()
    assert job.state == Job.State.DONE, job.message
    done = signed_in.get(f"/{lang}/import/{job.pk}/").content.decode()
    assert words["would"] not in done and f'<h2 class="h5">{words["happened"]}</h2>' in done
    assert words["created"] in done
    assert words["label"] in done and "planned_end" not in done
