"""Private files (issue 14, item 5): deal documents, scans and reports live in a second storage
outside MEDIA_ROOT under random names, have no public URL, and are served only by views that
check the access policy; a data migration moves the files already stored as public media."""

import re
from pathlib import Path

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from contracts.documents.models import DealDocument, Signature
from listings.models import Entrustment, ParcelImport
from marketplace.storage import PrivateStorage, move_to_private, private_storage
from tests import factories
from tests.contracts.factories import live_auction
from valuation.models import ValuationReport

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n% a contract of a household\n%%EOF\n"
RANDOM = re.compile(r"^deal-documents/\d{4}/[0-9a-f]{32}\.pdf$")


def contract_document(name="JY-433126-2026-000001-contract-v1.pdf"):
    auction, _regs = live_auction()
    doc = DealDocument(deal=auction.deal, kind="contract", sha256="0" * 64, size=len(PDF))
    doc.file.save(name, ContentFile(PDF), save=False)
    doc.save()
    return doc


@pytest.mark.parametrize(
    ("model", "field"),
    [
        (DealDocument, "file"),
        (Signature, "scan"),
        (Entrustment, "scan"),
        (ParcelImport, "file"),
        (ValuationReport, "pdf"),
        (apps.get_model("listings", "Encumbrance"), "consent_document"),
    ],
)
def test_every_file_naming_a_person_uses_the_private_storage(model, field):
    assert isinstance(model._meta.get_field(field).storage, PrivateStorage)


def test_a_deal_document_is_stored_privately_under_a_random_name(settings):
    # given a contract PDF saved under its contract number
    doc = contract_document()
    # then the stored name is random (the number is not guessable from it) and keeps ".pdf"
    assert RANDOM.match(doc.file.name), doc.file.name
    assert "JY-433126" not in doc.file.name
    # it lies under PRIVATE_MEDIA_ROOT, not under MEDIA_ROOT, and has no /media/ URL
    assert Path(settings.PRIVATE_MEDIA_ROOT, doc.file.name).read_bytes() == PDF
    assert not Path(settings.MEDIA_ROOT, doc.file.name).exists()
    assert not doc.file.url.startswith(settings.MEDIA_URL)


def test_an_outsider_gets_no_private_file_from_the_serving_view(client, staff_user):
    doc = contract_document()
    url = f"/documents/file/{doc.pk}/"
    # an agribusiness that is no party of the deal
    client.force_login(factories.AgribusinessUserFactory())
    assert client.get(url).status_code in (403, 404)
    # anonymous: to the login page
    client.logout()
    assert client.get(url).status_code == 302
    # exchange staff read it, streamed by Django
    client.force_login(staff_user)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF


def test_behind_nginx_the_view_hands_the_file_over_with_x_accel_redirect(
    client, staff_user, settings
):
    settings.PRIVATE_MEDIA_ACCEL_PREFIX = "/_private/"
    doc = contract_document()
    client.force_login(staff_user)
    response = client.get(f"/documents/file/{doc.pk}/")
    assert response.status_code == 200
    assert response["X-Accel-Redirect"] == f"/_private/{doc.file.name}"
    assert response.content == b""


def test_the_data_migration_moves_public_files_to_the_private_storage(settings):
    # given a document whose file still lies in the public media under its contract number
    doc = contract_document()
    old = "deal-documents/2026/JY-433126-2026-000001-contract-v1.pdf"
    default_storage.save(old, ContentFile(PDF))
    DealDocument.objects.filter(pk=doc.pk).update(file=old)
    # and one whose file is missing
    lost = contract_document()
    DealDocument.objects.filter(pk=lost.pk).update(file="deal-documents/2026/lost.pdf")
    # when the migration's step runs (twice: it is idempotent)
    assert move_to_private(apps, "contract_documents.DealDocument", "file") == 1
    assert move_to_private(apps, "contract_documents.DealDocument", "file") == 0
    # then the file moved out of MEDIA_ROOT under a random name; the missing one is left as is
    doc.refresh_from_db()
    assert RANDOM.match(doc.file.name)
    assert private_storage.open(doc.file.name).read() == PDF
    assert not default_storage.exists(old)
    assert DealDocument.objects.get(pk=lost.pk).file.name == "deal-documents/2026/lost.pdf"
