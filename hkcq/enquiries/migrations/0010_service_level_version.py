# Every write to enquiries_slapolicy or calendars_holiday bumps the one row of
# enquiries_servicelevelversion in the same statement (so in the same transaction), whatever makes
# it: hkcq.enquiries.sla keeps the policies and the calendars in each process and reads this one row
# by primary key to know whether they are still current (issue 15: two queries less per
# submission). The row is (re)created if missing (a test flush truncates it); the token is random
# at every change, so a rolled-back change's version is never reused.

import uuid

from django.db import migrations, models

TABLES = ("enquiries_slapolicy", "calendars_holiday")

POSTGRESQL = [
    """
    CREATE OR REPLACE FUNCTION enquiries_service_level_version_bump() RETURNS trigger AS $$
    BEGIN
        INSERT INTO enquiries_servicelevelversion (id, counter, token)
        VALUES (1, 1, md5(random()::text || clock_timestamp()::text))
        ON CONFLICT (id) DO UPDATE
        SET counter = enquiries_servicelevelversion.counter + 1, token = EXCLUDED.token;
        RETURN NULL;
    END
    $$ LANGUAGE plpgsql
    """,
    *(
        f"""
        CREATE TRIGGER {table}_service_level_version
        AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {table}
        FOR EACH STATEMENT EXECUTE FUNCTION enquiries_service_level_version_bump()
        """
        for table in TABLES
    ),
]
POSTGRESQL_REVERSE = [
    *(f"DROP TRIGGER IF EXISTS {table}_service_level_version ON {table}" for table in TABLES),
    "DROP FUNCTION IF EXISTS enquiries_service_level_version_bump()",
]
_SQLITE_BODY = """
    BEGIN
        INSERT OR IGNORE INTO enquiries_servicelevelversion (id, counter, token) VALUES (1, 0, '');
        UPDATE enquiries_servicelevelversion
        SET counter = counter + 1, token = lower(hex(randomblob(16))) WHERE id = 1;
    END
"""
SQLITE = [
    f"CREATE TRIGGER {table}_service_level_version_{event.lower()} AFTER {event} ON {table} {_SQLITE_BODY}"
    for table in TABLES
    for event in ("INSERT", "UPDATE", "DELETE")
]
SQLITE_REVERSE = [
    f"DROP TRIGGER IF EXISTS {table}_service_level_version_{event}"
    for table in TABLES
    for event in ("insert", "update", "delete")
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        statements = statements_by_vendor.get(schema_editor.connection.vendor)
        if statements is None:
            raise RuntimeError(f"enquiries 0010: no version triggers for {schema_editor.connection.vendor}")
        for sql in statements:
            schema_editor.execute(sql)

    return run


def first_version(apps, schema_editor):
    ServiceLevelVersion = apps.get_model("enquiries", "ServiceLevelVersion")
    ServiceLevelVersion.objects.update_or_create(pk=1, defaults={"counter": 1, "token": uuid.uuid4().hex})


class Migration(migrations.Migration):
    dependencies = [
        ("enquiries", "0009_routing_after_commit"),
        ("calendars", "0005_service_levels_to_enquiries"),
    ]

    operations = [
        migrations.CreateModel(
            name="ServiceLevelVersion",
            fields=[
                ("id", models.PositiveSmallIntegerField(default=1, primary_key=True, serialize=False)),
                ("counter", models.BigIntegerField(default=0)),
                ("token", models.CharField(default="", max_length=40)),
            ],
            options={
                "verbose_name": "service level version",
            },
        ),
        migrations.RunPython(first_version, migrations.RunPython.noop),
        migrations.RunPython(
            _run({"postgresql": POSTGRESQL, "sqlite": SQLITE}),
            _run({"postgresql": POSTGRESQL_REVERSE, "sqlite": SQLITE_REVERSE}),
        ),
    ]
