"""Input and output hygiene of the public deal pages (issue 14, item 8).

Objections (R-DEAL-1, anonymous allowed) are validated field by field and limited per address;
the result announcement shows a natural-person winner masked (R-LIST-7).
"""

import pytest
from django.test import override_settings
from django.utils import timezone

from cms.models import AnnouncementPage
from contracts import services
from contracts.models import Objection
from marketplace.demo import make_id_number
from tests.contracts.factories import announced_listing, bidder, end_announcement, qualify

pytestmark = pytest.mark.django_db


def awarded_deal(user=None, capture=None):
    listing = announced_listing()
    registration = qualify(listing, user=user)
    end_announcement(listing)
    deal = services.deal_select_mode(deal=registration.deal)
    if capture is None:
        services.negotiated_price_confirm(deal=deal, user=registration.user, price_fen=50_000)
    else:
        with capture(execute=True):
            services.negotiated_price_confirm(deal=deal, user=registration.user, price_fen=50_000)
    return deal


def objection(client, deal, ip="203.0.113.9", **data):
    form = {"name": "王某", "contact": "13900000000", "text": "价格过低", **data}
    return client.post(f"/deals/{deal.pk}/objection/", form, REMOTE_ADDR=ip)


@pytest.mark.parametrize(
    ("field", "value", "says"),
    [
        ("name", "王" * 51, "at most 50"),
        ("contact", "1" * 101, "at most 100"),
        ("text", "长" * 5001, "at most 5000"),
        ("name", "   ", "required"),
        ("text", "", "required"),
    ],
)
def test_an_objection_with_a_bad_field_is_refused_naming_the_field_r_deal_1(
    client, field, value, says
):
    # given an awarded deal in its result announcement
    deal = awarded_deal()
    client.cookies["django_language"] = "en"
    # when an objection arrives with a field too long or empty
    response = objection(client, deal, **{field: value})
    # then the form answers 422 with the field marked and named, and nothing is stored
    assert response.status_code == 422
    assert says in response.text
    assert f'field field-error"><label for="{field}"' in response.text
    assert not Objection.objects.exists()


@override_settings(OBJECTIONS_PER_ADDRESS_PER_HOUR=2)
def test_objections_are_limited_per_address_r_deal_1(client):
    deal = awarded_deal()
    assert objection(client, deal).status_code == 200
    assert objection(client, deal).status_code == 200
    # the third from the same address within the hour is refused
    response = objection(client, deal)
    assert response.status_code == 429
    assert Objection.objects.count() == 2
    # another address may still object
    assert objection(client, deal, ip="198.51.100.3").status_code == 200
    assert set(Objection.objects.values_list("filed_from", flat=True)) == {
        "203.0.113.9",
        "198.51.100.3",
    }


def test_the_result_announcement_masks_a_natural_person_winner_r_list_7(
    django_capture_on_commit_callbacks,
):
    # given a natural-person grower (no USCC, an ID number) awarded a deal
    born = timezone.localdate().replace(year=timezone.localdate().year - 40)
    user = bidder(
        kind="large_grower", uscc="", name="张三丰", id_number=make_id_number("433126", born, 3)
    )
    deal = awarded_deal(user=user, capture=django_capture_on_commit_callbacks)
    # then the public result page shows "张**", never the full name
    page = AnnouncementPage.objects.get(kind="result", deal_number=deal.number)
    assert "张**" in page.body
    assert "张三丰" not in page.body
