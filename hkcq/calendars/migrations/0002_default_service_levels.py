from decimal import Decimal

from django.db import migrations

# Every database starts with two service levels so an enquiry always gets deadlines; the
# secretariat changes them on the service-levels page.
# The codes are the priorities of an enquiry (hkcq.enquiries: low, normal, high).
POLICIES = [
    ("high", 1, {"en": "High", "zh-hant": "高", "zh-hans": "高"}, Decimal("1"), Decimal("5"), False),
    ("normal", 2, {"en": "Normal", "zh-hant": "一般", "zh-hans": "一般"}, Decimal("2"), Decimal("10"), True),
    ("low", 3, {"en": "Low", "zh-hant": "低", "zh-hans": "低"}, Decimal("2"), Decimal("15"), False),
]


def create(apps, schema_editor):
    SlaPolicy = apps.get_model("calendars", "SlaPolicy")
    for code, position, name, ack, reply, is_default in POLICIES:
        if not SlaPolicy.objects.filter(code=code).exists():
            name = {**name, "origin": {"en": "human", "zh-hant": "human", "zh-hans": "converted"}}
            SlaPolicy.objects.create(
                code=code, position=position, name=name, ack_days=ack, reply_days=reply, is_default=is_default
            )


class Migration(migrations.Migration):
    dependencies = [("calendars", "0001_initial")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
