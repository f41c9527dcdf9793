"""Rounds without a co-operation area get one, before 0006 makes it required in the database (the
services, pages, upload and API already require it; issue 14: pairs and placements are counted
under their area).

A round saved without one before those checks gets the area its kind serves: a sister-school
round ``education``, an internship round ``youth-development``, an exchange programme
``talent-exchange``; where that area does not exist, the first area by position. With rounds to
fill and no area at all, the migration stops and says so rather than invent one."""

from django.db import migrations

AREA_OF_KIND = {"sister_school": "education", "internship": "youth-development", "exchange": "talent-exchange"}


def areas_fill(apps, schema_editor):
    Round = apps.get_model("exchanges", "Round")
    Area = apps.get_model("registry", "Area")
    missing = Round.objects.filter(area__isnull=True)
    if not missing.exists():
        return
    first = Area.objects.order_by("position", "pk").first()
    if first is None:
        raise RuntimeError(
            "Rounds without a co-operation area, and no area to give them: load the registry's areas "
            "(manage.py load_defaults) or set each round's area, then migrate again."
        )
    for kind, ext_id in AREA_OF_KIND.items():
        area = Area.objects.filter(ext_id=ext_id).first() or first
        missing.filter(kind=kind).update(area=area)
    missing.update(area=first)  # a kind not named above


class Migration(migrations.Migration):
    dependencies = [
        ("exchanges", "0004_interpreter_name_translated"),
        ("registry", "0002_history_of_many_to_many"),
    ]

    operations = [migrations.RunPython(areas_fill, migrations.RunPython.noop)]
