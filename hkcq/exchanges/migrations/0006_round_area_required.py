"""A round's co-operation area is required in the database, as the services, pages, upload and
API already require it (issue 14). Its own migration after 0005 filled the rounds without one: on
PostgreSQL a table whose rows were just updated (deferred foreign-key checks pending) cannot be
altered in the same transaction."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("exchanges", "0005_round_area_filled")]

    operations = [
        migrations.AlterField(
            model_name="round",
            name="area",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT, to="registry.area", verbose_name="co-operation area"
            ),
        ),
    ]
