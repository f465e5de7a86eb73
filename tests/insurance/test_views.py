"""The insurance screens: who sees what (marketplace.permissions) and what each page says."""

import datetime as dt
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from contracts.insurance import services
from contracts.insurance.models import Claim
from tests import factories as kernel
from tests.insurance.factories import insured_policy
from tests.insurance.test_claims import LOSS_DAY

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene():
    insurer_user = kernel.InsurerUserFactory()
    policy = insured_policy(insurer=insurer_user.insurer)
    parcel = policy.parcels.first().parcel
    claim = services.claim_report(
        policy=policy, cause="fire", loss_on=LOSS_DAY, parcels=[(parcel, "5")], actor=insurer_user
    )
    return {"insurer": insurer_user, "policy": policy, "claim": claim}


def _login(client, user):
    client.force_login(user)
    return client


def test_the_insurer_surveys_and_approves_a_fire_claim_from_its_pages(client, scene):
    c = _login(client, scene["insurer"])
    claim = scene["claim"]
    assert claim.number in c.get(reverse("insurance:insurer_queue")).content.decode()
    c.post(reverse("insurance:claim_survey", args=[claim.number]))
    c.post(reverse("insurance:claim_approve", args=[claim.number]))
    page = c.get(claim.get_absolute_url()).content.decode()
    # 400 yuan x 100 % x 5 mu = 2000 yuan, half paid, half held with the reason
    assert Claim.objects.get(pk=claim.pk).state == Claim.State.FIRST_PAID
    assert "R-INS-4" in page
    assert "1,000.00" in page


def test_another_insurer_cannot_open_the_claim(client, scene):
    other = kernel.InsurerUserFactory(insurer=kernel.InsurerFactory(name="别的保险公司"))
    response = _login(client, other).get(scene["claim"].get_absolute_url())
    assert response.status_code == 403
    response = client.post(reverse("insurance:claim_approve", args=[scene["claim"].number]))
    assert response.status_code == 403


def test_a_bad_loss_rate_is_refused_on_the_page_with_the_rule(client, scene):
    policy = scene["policy"]
    parcel = policy.parcels.first().parcel
    claim = services.claim_report(
        policy=policy, cause="pests", loss_on=LOSS_DAY, parcels=[(parcel, "2")],
        actor=scene["insurer"],
    )  # fmt: skip
    c = _login(client, scene["insurer"])
    row = claim.parcels.get()
    response = c.post(
        reverse("insurance:claim_survey", args=[claim.number]), {f"rate_{row.pk}": "120"},
        follow=True,
    )  # fmt: skip
    assert "R-INS-2" in response.content.decode()
    assert Claim.objects.get(pk=claim.pk).state == Claim.State.REPORTED


def test_the_inspector_desk_shows_overdue_replanting_of_its_county_only(client, scene):
    claim = scene["claim"]
    actor = scene["insurer"]
    services.claim_survey(claim=claim, loss_rates={}, actor=actor)
    services.claim_approve(claim=claim, actor=actor)
    Claim.objects.filter(pk=claim.pk).update(replanting_due_on=dt.date(2020, 1, 1))
    inspector = kernel.ForestryInspectorFactory(county=scene["policy"].county)
    page = _login(client, inspector).get(reverse("insurance:inspector_desk")).content.decode()
    assert claim.number in page
    assert 'class="overdue"' in page
    assert "parcel-map" in page
    other_county = kernel.CountyFactory(code="433127", name="花垣县")
    elsewhere = kernel.ForestryInspectorFactory(county=other_county)
    page = _login(client, elsewhere).get(reverse("insurance:inspector_desk")).content.decode()
    assert claim.number not in page
    assert client.get(claim.get_absolute_url()).status_code == 403


def test_the_station_sees_its_households_claims_and_staff_export_the_report(client, scene):
    township = scene["policy"].parcels.first().parcel.village.township
    station = kernel.ServiceStationFactory(township=township)
    operator = kernel.OperatorFactory(station=station)
    page = _login(client, operator).get(reverse("insurance:station_claims")).content.decode()
    assert scene["claim"].number in page
    staff = kernel.UserFactory(role="exchange_staff")
    c = _login(client, staff)
    assert "古丈县" in c.get(reverse("insurance:county_report")).content.decode()
    response = c.get(reverse("insurance:county_report") + "?format=xlsx")
    rows = list(load_workbook(BytesIO(response.content)).active.values)
    assert rows[1][0] == "古丈县" and rows[1][1] == 1
    assert _login(client, operator).get(reverse("insurance:county_report")).status_code == 403


def test_a_household_cannot_open_the_insurer_queue(client):
    user = kernel.UserFactory(role="household")
    assert _login(client, user).get(reverse("insurance:insurer_queue")).status_code == 403


def test_the_claim_states_doc_is_generated_from_the_code():
    from django.core.management import call_command

    call_command("claim_states_doc", "--check")


def test_the_station_reports_a_loss_for_its_household_and_hears_of_the_approval(
    client, scene, django_capture_on_commit_callbacks
):
    from marketplace.models import Notification

    # given the station of the township where the insured parcels lie
    policy = scene["policy"]
    township = policy.parcels.first().parcel.village.township
    operator = kernel.OperatorFactory(station=kernel.ServiceStationFactory(township=township))
    row = policy.parcels.first()
    # when the operator reports a storm on 3 mu from the policy page
    _login(client, operator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("insurance:claim_report", args=[policy.number]),
            {"cause": "wind_snow_freeze", "loss_on": "2026-04-02", f"damaged_{row.pk}": "3"},
        )
    claim = Claim.objects.get(cause="wind_snow_freeze")
    assert response.status_code == 302 and response.url == claim.get_absolute_url()
    # then the insurer is told, and after approval the station is told what is paid and held
    assert Notification.objects.filter(recipient=scene["insurer"], url=response.url).exists()
    with django_capture_on_commit_callbacks(execute=True):
        services.claim_survey(
            claim=claim, loss_rates={r.pk: "50" for r in claim.parcels.all()},
            actor=scene["insurer"],
        )  # fmt: skip
        services.claim_approve(claim=claim, actor=scene["insurer"])
    note = Notification.objects.get(recipient=operator)
    assert claim.number in note.subject and "R-INS-4" in note.body


def test_a_station_elsewhere_cannot_report_on_the_policy(client, scene):
    operator = kernel.OperatorFactory()  # a station in another township
    _login(client, operator)
    url = reverse("insurance:claim_report", args=[scene["policy"].number])
    assert client.post(url, {"cause": "fire", "loss_on": "2026-04-02"}).status_code == 403


def test_the_reporter_withdraws_a_claim_before_approval_with_a_reason(client, scene):
    claim = scene["claim"]
    c = _login(client, scene["insurer"])
    url = reverse("insurance:claim_withdraw", args=[claim.number])
    c.post(url, {"reason": ""})
    assert Claim.objects.get(pk=claim.pk).state == Claim.State.REPORTED  # a reason is required
    c.post(url, {"reason": "重复报案"})
    withdrawn = Claim.objects.get(pk=claim.pk)
    assert (withdrawn.state, withdrawn.closing_reason) == (Claim.State.WITHDRAWN, "重复报案")
