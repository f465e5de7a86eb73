"""Notifications moved to the kernel (marketplace.Notification) so every app can notify:
copy the rows, then drop this app's table."""

from django.db import migrations

FIELDS = ("recipient_id", "subject", "body", "url", "created_at", "read_at", "emailed_at")


def copy_to_kernel(apps, schema_editor):
    Old = apps.get_model("contract_documents", "Notification")
    New = apps.get_model("marketplace", "Notification")
    batch = [New(**{f: getattr(n, f) for f in FIELDS}) for n in Old.objects.order_by("id")]
    New.objects.bulk_create(batch, batch_size=1000)


def copy_back(apps, schema_editor):
    Old = apps.get_model("contract_documents", "Notification")
    New = apps.get_model("marketplace", "Notification")
    batch = [Old(**{f: getattr(n, f) for f in FIELDS}) for n in New.objects.order_by("id")]
    Old.objects.bulk_create(batch, batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("contract_documents", "0004_default_reason_labels"),
        ("marketplace", "0005_notifications"),
    ]

    operations = [
        migrations.RunPython(copy_to_kernel, copy_back),
        migrations.DeleteModel(name="Notification"),
    ]
