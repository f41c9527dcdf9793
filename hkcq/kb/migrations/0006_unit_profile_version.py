# Every write to kb_unitprofile bumps row 2 of kb_searchversion (the routing profiles' version) in
# the same statement, so in the same transaction, as migration 0004 does row 1 for kb_entry:
# hkcq.kb.routing reads that one row by primary key before each question instead of counting the
# profiles. The row is (re)created if missing; the token is random at every change.

from django.db import migrations

POSTGRESQL = [
    """
    CREATE OR REPLACE FUNCTION kb_unit_profile_version_bump() RETURNS trigger AS $$
    BEGIN
        INSERT INTO kb_searchversion (id, counter, token)
        VALUES (2, 1, md5(random()::text || clock_timestamp()::text))
        ON CONFLICT (id) DO UPDATE SET counter = kb_searchversion.counter + 1, token = EXCLUDED.token;
        RETURN NULL;
    END
    $$ LANGUAGE plpgsql
    """,
    """
    CREATE TRIGGER kb_unitprofile_version
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON kb_unitprofile
    FOR EACH STATEMENT EXECUTE FUNCTION kb_unit_profile_version_bump()
    """,
]
POSTGRESQL_REVERSE = [
    "DROP TRIGGER IF EXISTS kb_unitprofile_version ON kb_unitprofile",
    "DROP FUNCTION IF EXISTS kb_unit_profile_version_bump()",
]
_SQLITE_BODY = """
    BEGIN
        INSERT OR IGNORE INTO kb_searchversion (id, counter, token) VALUES (2, 0, '');
        UPDATE kb_searchversion SET counter = counter + 1, token = lower(hex(randomblob(16))) WHERE id = 2;
    END
"""
SQLITE = [
    f"CREATE TRIGGER kb_unitprofile_version_{event.lower()} AFTER {event} ON kb_unitprofile {_SQLITE_BODY}"
    for event in ("INSERT", "UPDATE", "DELETE")
]
SQLITE_REVERSE = [f"DROP TRIGGER IF EXISTS kb_unitprofile_version_{e}" for e in ("insert", "update", "delete")]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        statements = statements_by_vendor.get(schema_editor.connection.vendor)
        if statements is None:
            raise RuntimeError(f"kb 0006: no unit-profile version triggers for {schema_editor.connection.vendor}")
        for sql in statements:
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("kb", "0005_unit_profile"),
    ]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRESQL, "sqlite": SQLITE}),
            _run({"postgresql": POSTGRESQL_REVERSE, "sqlite": SQLITE_REVERSE}),
        ),
    ]
