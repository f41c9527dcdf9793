from django.db import migrations, models


def create_row(apps, schema_editor):
    apps.get_model("core", "PageVersion").objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("core", "0002_loaded_default")]

    operations = [
        migrations.CreateModel(
            name="PageVersion",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("value", models.BigIntegerField(default=0)),
            ],
        ),
        migrations.RunPython(create_row, migrations.RunPython.noop),
    ]
