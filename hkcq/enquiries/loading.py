"""The enquiry service's default data: canned replies from ``seed/canned_replies.yaml``, and the
service levels per priority.

Each is created once, keyed on its stable id (a service level on its code); after that it
belongs to the secretariat, so a re-load never overwrites their edits (nor brings back one they
took out of use)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from django.db import transaction

from hkcq.core.loading import SEED_DIR, LoadReport, read_yaml, text
from hkcq.core.translated import TText
from hkcq.enquiries.models import CannedReply, SlaPolicy

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


# The codes are the priorities of an enquiry; the same as migration 0002 creates.
DEFAULT_SLA_POLICIES = [
    {
        "code": "high",
        "name": TText.of(en="High", zh_hant="高"),
        "position": 1,
        "ack_days": Decimal("1"),
        "reply_days": Decimal("5"),
        "is_default": False,
    },
    {
        "code": "normal",
        "name": TText.of(en="Normal", zh_hant="一般"),
        "position": 2,
        "ack_days": Decimal("2"),
        "reply_days": Decimal("10"),
        "is_default": True,
    },
    {
        "code": "low",
        "name": TText.of(en="Low", zh_hant="低"),
        "position": 3,
        "ack_days": Decimal("2"),
        "reply_days": Decimal("15"),
        "is_default": False,
    },
]


@transaction.atomic
def sla_policies_load() -> int:
    """Create the default service levels that are missing; never change existing ones (the
    secretariat may have changed them). Returns how many were created."""
    created = 0
    for spec in DEFAULT_SLA_POLICIES:
        if not SlaPolicy.objects.filter(code=spec["code"]).exists():
            values = dict(spec)
            if values["is_default"] and SlaPolicy.objects.filter(is_default=True).exists():
                values["is_default"] = False
            SlaPolicy.objects.create(**values)
            created += 1
    return created
