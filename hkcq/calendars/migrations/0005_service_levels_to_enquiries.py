"""Service levels, unit supervisors and escalations move to the enquiries app (its migration
0007 takes them over and renames their tables). Here the calendars app only lets go of them in
the migration state: no table is dropped."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('calendars', '0004_escalation_told'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name='Escalation'),
                migrations.DeleteModel(name='HistoricalSlaPolicy'),
                migrations.DeleteModel(name='HistoricalUnitSupervisor'),
                migrations.DeleteModel(name='SlaPolicy'),
                migrations.DeleteModel(name='UnitSupervisor'),
            ],
        ),
    ]
