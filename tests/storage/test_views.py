"""The storage pages (/storage/): the station's offer step, the storage operator's signing and
guarantees, staff and auditor reads; every page asks the access policy."""

import pytest
from django.urls import reverse

from contracts.storage.models import StorageContract, StorageOffer
from tests import factories as kernel
from tests.storage.factories import offer, scan, signed_contract, storage_scene

pytestmark = pytest.mark.django_db


def test_the_station_quotes_then_makes_the_offer_showing_floor_and_totals(client):
    scene = storage_scene()
    client.force_login(scene.station_operator)
    url = reverse("storage:offer_new", args=[scene.household.pk])
    data = {
        "right": scene.right.pk,
        "parcels": [p.pk for p in scene.parcels],
        "term_start": "2027-01-01",
        "term_end": "2036-12-31",
    }
    # a quote writes nothing and shows the floor per mu per year and the totals
    page = client.get(url, data).content.decode()
    assert "¥300.00" in page and "¥1,000.00" in page and "¥10,000.00" in page
    assert not StorageOffer.objects.exists()
    response = client.post(url, {**data, "confirm": "1"})
    made = StorageOffer.objects.get()
    assert response.status_code == 302 and response.url == made.get_absolute_url()


def test_a_term_beyond_the_right_is_shown_on_the_field_naming_r_right_4(client):
    scene = storage_scene()
    client.force_login(scene.station_operator)
    response = client.post(
        reverse("storage:offer_new", args=[scene.household.pk]),
        {
            "right": scene.right.pk,
            "parcels": [scene.parcels[0].pk],
            "term_start": "2027-01-01",
            "term_end": "2050-12-31",
            "confirm": "1",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "2050年12月31日" in html  # R-RIGHT-4: the term beyond the right, with the dates
    assert "R-RIGHT-4" not in html  # rule numbers are for staff, not for the operator (issue 16)
    assert not StorageOffer.objects.exists()


def test_another_townships_station_cannot_offer_or_see_the_offer(client):
    scene = storage_scene()
    made = offer(scene)
    elsewhere = kernel.TownshipFactory(county=scene.county, name="红石林镇", code="009")
    stranger = kernel.OperatorFactory(station=kernel.ServiceStationFactory(township=elsewhere))
    client.force_login(stranger)
    assert client.get(reverse("storage:offer_new", args=[scene.household.pk])).status_code == 403
    assert client.get(made.get_absolute_url()).status_code == 403


def test_the_household_accepts_at_the_station_and_the_operator_witnesses_its_signature(
    client, django_capture_on_commit_callbacks
):
    scene = storage_scene()
    made = offer(scene)
    client.force_login(scene.station_operator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("storage:offer_decide", args=[made.pk]), {"decision": "accept"}
        )
    contract = StorageContract.objects.get()
    assert response.url == contract.get_absolute_url()
    contract = StorageContract.objects.get()
    assert contract.state == "ready"  # rendered eagerly after commit
    response = client.post(
        reverse("storage:sign_household", args=[contract.pk]),
        {
            "pdf_sha256": contract.pdf_sha256,
            "mark": "fingerprint",
            "scan": scan(),
            "confirmed": "1",
        },
    )
    assert StorageContract.objects.get().household_signed_at is not None
    # the storage operator signs for the centre; the station cannot
    assert client.post(reverse("storage:sign_centre", args=[contract.pk])).status_code == 403
    client.force_login(scene.storage_operator)
    client.post(
        reverse("storage:sign_centre", args=[contract.pk]), {"pdf_sha256": contract.pdf_sha256}
    )
    assert StorageContract.objects.get().state == "signed"


def test_the_storage_operator_dashboard_and_guarantees_show_the_households_years(client):
    scene = storage_scene()
    contract = signed_contract(scene)
    client.force_login(scene.storage_operator)
    assert client.get(reverse("storage:dashboard")).status_code == 200
    page = client.get(reverse("storage:instalments")).content.decode()
    assert page.count('data-testid="instalment-row"') == 10
    assert contract.number in page
    assert client.get(reverse("storage:contract_pdf", args=[contract.pk])).status_code == 200


def test_the_auditor_reads_but_cannot_sign_or_pay(client):
    scene = storage_scene()
    contract = signed_contract(scene)
    auditor = kernel.UserFactory(role="auditor")
    client.force_login(auditor)
    assert client.get(contract.get_absolute_url()).status_code == 200
    second = contract.instalments.get(year_index=2)
    assert client.post(reverse("storage:instalment_pay", args=[second.pk])).status_code == 403
    assert client.post(reverse("storage:sign_centre", args=[contract.pk])).status_code == 403


def test_an_agribusiness_user_sees_no_storage_page(client):
    client.force_login(kernel.AgribusinessUserFactory())
    assert client.get(reverse("storage:dashboard")).status_code == 403


def test_the_guarantee_list_is_paged_and_keeps_its_order(client, monkeypatch):
    """A county's storage lists grow with every household: they come in pages (issue 11)."""
    from contracts.storage import views

    monkeypatch.setattr(views, "PAGE_SIZE", 3)
    scene = storage_scene()
    signed_contract(scene)
    client.force_login(scene.storage_operator)
    first = client.get(reverse("storage:instalments")).content.decode()
    assert first.count('data-testid="instalment-row"') == 3
    assert 'href="?page=2"' in first and "1 / 4" in first
    last = client.get(reverse("storage:instalments"), {"page": 4}).content.decode()
    assert last.count('data-testid="instalment-row"') == 1
    assert 'href="?page=3"' in last and "4 / 4" in last
    offers = client.get(reverse("storage:offers")).content.decode()
    assert offers.count('data-testid="offer-row"') == 1
    assert 'class="pager"' not in offers
