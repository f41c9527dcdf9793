"""The enquiry service's default data: canned replies from ``seed/canned_replies.yaml``.

Each is created once, keyed on its stable id; after that it belongs to the secretariat, so a
re-load never overwrites their edits (nor brings back one they took out of use)."""

from __future__ import annotations

from pathlib import Path

from hkcq.core.loading import SEED_DIR, LoadReport, read_yaml, text
from hkcq.enquiries.models import CannedReply

SEED_FILE = SEED_DIR / "canned_replies.yaml"


def canned_replies_load(report: LoadReport, path: Path = SEED_FILE) -> None:
    if not path.exists():
        return
    for row in read_yaml(path).get("canned_replies") or []:
        if CannedReply.objects.filter(ext_id=row["id"]).exists():
            continue
        CannedReply.objects.create(
            ext_id=row["id"],
            title=text({key: row.get(f"title_{key}") for key in ("en", "zh_hant", "zh_hans")}),
            body=text({key: row.get(f"body_{key}") for key in ("en", "zh_hant", "zh_hans")}),
        )
        report.count(str(CannedReply._meta.verbose_name_plural), created=True, changed=True)
