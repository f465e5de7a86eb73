"""The exchange-wide default clauses (art.19 items 8–10, disputes); staff may change them."""

from django.db import migrations

from contracts.documents.defaults import DEFAULT_TERMS as DEFAULT



def seed(apps, schema_editor):
    ContractTerms = apps.get_model("contract_documents", "ContractTerms")
    if not ContractTerms.objects.filter(county__isnull=True).exists():
        ContractTerms.objects.create(county=None, **DEFAULT)


class Migration(migrations.Migration):
    dependencies = [("contract_documents", "0001_initial")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
