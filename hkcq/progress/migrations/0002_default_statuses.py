"""The default status scale. The secretariat can rename, reorder, retire or add statuses."""

from django.db import migrations

DEFAULT_STATUSES = [
    # key, en, zh-hant, zh-hans, default percent, position, terminal, ongoing
    ("on_hold", "On hold", "暫停", "暂停", None, 5, False, False),
    ("not_started", "Not started", "未開始", "未开始", 0, 10, False, False),
    ("planning", "Planning", "規劃中", "规划中", 10, 20, False, False),
    ("in_progress", "In progress", "進行中", "进行中", 50, 30, False, False),
    ("substantially_done", "Substantially done", "大致完成", "大致完成", 80, 40, False, False),
    ("ongoing", "Ongoing by nature", "持續進行", "持续进行", None, 45, False, True),
    ("completed", "Completed", "已完成", "已完成", 100, 50, True, False),
]


def add(apps, schema_editor):
    Status = apps.get_model("progress", "Status")
    for key, en, hant, hans, percent, position, terminal, ongoing in DEFAULT_STATUSES:
        Status.objects.get_or_create(
            key=key,
            defaults={
                "name": {
                    "en": en,
                    "zh-hant": hant,
                    "zh-hans": hans,
                    "origin": {"en": "human", "zh-hant": "human", "zh-hans": "human"},
                },
                "default_percent": percent,
                "position": position,
                "is_terminal": terminal,
                "is_ongoing": ongoing,
            },
        )


def remove(apps, schema_editor):
    apps.get_model("progress", "Status").objects.filter(key__in=[s[0] for s in DEFAULT_STATUSES]).delete()


class Migration(migrations.Migration):
    dependencies = [("progress", "0001_initial")]
    operations = [migrations.RunPython(add, remove)]
