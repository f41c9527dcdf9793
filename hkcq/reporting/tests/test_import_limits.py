"""Imports are limited before and while the file is read, and keep small results (issue 12)."""

import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hkcq.accounts.tests import personas
from hkcq.core.errors import InvalidInput
from hkcq.core.sheets import Budget
from hkcq.core.tests.test_sheets import identical_rows, with_sheet
from hkcq.registry.tests.factories import AreaFactory
from hkcq.reporting.models import Job
from hkcq.reporting.tables import read_table
from hkcq.reporting.tests.test_import import csv_bytes, last_job, signed_in, upload  # noqa: F401

__all__ = ["signed_in"]
secretariat_hk = personas.secretariat_hk  # signed_in's: factory-made, not the default data's demo account


class CountingFile(io.RawIOBase):
    """A large CSV produced as it is read, counting the bytes handed out."""

    def __init__(self, rows: int) -> None:
        self.line = b"measure-x,area-y,,1.1,Same title,,,,\n"
        self.size = len(b"id,area,parent,code,title_en,a,b,c,d\n") + rows * len(self.line)
        self.given = 0
        self.head = b"id,area,parent,code,title_en,a,b,c,d\n"

    def readable(self):
        return True

    def seek(self, offset, whence=0):
        assert offset == 0 and whence == 0
        self.given = 0
        return 0

    def read(self, n=-1):
        if self.given >= self.size:
            return b""
        n = 65536 if n is None or n < 0 else n
        stream = self.head if self.given == 0 else b""
        while len(stream) < n:
            stream += self.line * 1000
        chunk = stream[:n]
        self.given += len(chunk)
        return chunk


def test_a_million_row_csv_is_refused_after_reading_only_its_start(settings):
    settings.IMPORT_MAX_ROWS = 1000
    big = CountingFile(rows=1_000_000)  # about 37 MB
    with pytest.raises(InvalidInput, match="more than 1000 rows"):
        read_table(big, "m.csv")
    assert big.given < 200_000, "the whole file was read"


def test_a_csv_in_big5_is_still_named_when_read_as_a_stream():
    data = "id,area,title_zh_hant\nm-1,a,香港\n".encode("big5")
    with pytest.raises(InvalidInput, match="Big5"):
        read_table(io.BytesIO(data), "m.csv", Budget())


def test_an_import_over_the_row_limit_fails_with_a_clear_message(signed_in, settings):  # noqa: F811
    settings.IMPORT_MAX_ROWS = 20
    area = AreaFactory.create().ext_id
    rows = [["id", "area", "title_en"]] + [[f"n-{i}", area, f"T {i}"] for i in range(30)]
    upload(signed_in, csv_bytes(rows))
    job = last_job()
    assert job.state == Job.State.FAILED
    assert "The file has more than 20 rows" in job.message
    assert job.result == {}


def test_a_zip_bomb_import_fails_in_the_users_language(signed_in):  # noqa: F811
    upload(signed_in, with_sheet(identical_rows(60_000)), name="bomb.xlsx", lang="zh-hant")
    job = last_job()
    assert job.state == Job.State.FAILED
    assert "壓縮" in job.message


def test_the_stored_result_is_capped_errors_first_and_the_rest_counted(signed_in, settings):  # noqa: F811
    settings.IMPORT_RESULT_MAX_ROWS = 10
    area = AreaFactory.create().ext_id
    rows = [["id", "area", "title_en"]]
    rows += [[f"new-{i}", area, f"T {i}"] for i in range(40)]
    rows += [[f"bad-{i}", "no-such-area", "T"] for i in range(4)]
    upload(signed_in, csv_bytes(rows))
    job = last_job()
    assert job.result["counts"] == {"create": 40, "update": 0, "unchanged": 0, "error": 4}
    stored = job.result["rows"]
    assert len(stored) == 10
    assert [r["action"] for r in stored].count("error") == 4  # every error is kept
    assert [r["line"] for r in stored] == sorted(r["line"] for r in stored)
    assert job.result["omitted"] == {"create": 34, "update": 0, "unchanged": 0, "error": 0}
    page = signed_in.get(job.get_absolute_url()).content.decode()
    assert "34 more rows are not listed here" in page


def test_the_import_list_does_not_load_the_jobs_results(signed_in):  # noqa: F811
    area = AreaFactory.create().ext_id
    upload(signed_in, csv_bytes([["id", "area", "title_en"], ["n-1", area, "T"]]))
    with CaptureQueriesContext(connection) as queries:
        response = signed_in.get("/en/import/")
    assert response.status_code == 200
    job_queries = [q["sql"] for q in queries if 'FROM "reporting_job"' in q["sql"]]
    assert job_queries and not any('"reporting_job"."result"' in sql for sql in job_queries)
