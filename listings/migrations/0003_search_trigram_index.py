"""R-LIST-7 keyword search: a pg_trgm GIN index on UPPER(search_text) serves `icontains`.

PostgreSQL only (SQLite has no trigram index and scans; its data sets are small). Django's
`icontains` compiles to `UPPER(col::text) LIKE UPPER(%s)`, so the index is on that expression.
"""

from django.db import migrations

INDEX = "listing_search_text_trgm"


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX} ON listings_listing "
        "USING gin ((UPPER(search_text::text)) gin_trgm_ops)"
    )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("listings", "0002_registry_search_imports")]

    operations = [migrations.RunPython(forwards, backwards, elidable=False)]
