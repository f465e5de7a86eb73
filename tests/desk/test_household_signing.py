"""A household with its own login signs its deal's contract online (issue 13, R-DEAL-2): the same
password + one-time code as the transferee, the code by SMS only; nobody else's login can sign
for it, and the station's witnessed path stays for households without a login."""

import re

import pytest
from django.urls import reverse

from contracts.documents import services
from contracts.documents.errors import AlreadySigned, NoPhone, NotAParty
from contracts.documents.models import Contract, Signature
from marketplace.models import Notification, SmsMessage
from tests import factories
from tests.documents.factories import SCAN_PDF, Upload, awarded_deal

pytestmark = pytest.mark.django_db


@pytest.fixture
def awarded(db, django_capture_on_commit_callbacks):
    return awarded_deal(django_capture_on_commit_callbacks, geometry=False)


def _household_user(awarded, **kw):
    household = awarded.deal.listing.transferor_household
    return factories.UserFactory(role="household", household=household, **kw)


def test_the_household_signs_online_with_a_code_sent_by_sms_only(
    awarded, django_capture_on_commit_callbacks
):
    user = _household_user(awarded, phone="13712345678")
    contract = awarded.contract
    with django_capture_on_commit_callbacks(execute=True):
        code = services.signing_code_send(contract=contract, user=user)
    # R-DEAL-2: the code goes by SMS to the household's phone, never to its inbox
    assert SmsMessage.objects.filter(phone="13712345678", text__contains=code).exists()
    assert not Notification.objects.filter(recipient=user, body__contains=code).exists()
    with django_capture_on_commit_callbacks(execute=True):
        signature = services.contract_sign_online(
            contract=contract,
            user=user,
            password="pw-12345678",
            code=code,
            pdf_sha256=contract.current.sha256,
        )
    assert signature.party == Signature.Party.TRANSFEROR
    assert signature.method == Signature.Method.ONLINE and signature.witnessed_by is None
    assert awarded.deal.listing.transferor_household.name in signature.signer_name
    # the station can no longer witness a second household signature on this version
    with pytest.raises(AlreadySigned):
        services.contract_sign_witnessed(
            contract=contract,
            operator=awarded.operator,
            scan=Upload(SCAN_PDF),
            mark="fingerprint",
            pdf_sha256=contract.current.sha256,
            confirmed=True,
        )
    # the transferee signs too: the contract is signed by both (R-DEAL-2)
    with django_capture_on_commit_callbacks(execute=True):
        buyer_code = services.signing_code_send(contract=contract, user=awarded.buyer)
        services.contract_sign_online(
            contract=contract,
            user=awarded.buyer,
            password="pw-12345678",
            code=buyer_code,
            pdf_sha256=contract.current.sha256,
        )
    assert Contract.objects.get(pk=contract.pk).state == Contract.State.SIGNED


def test_another_households_login_and_the_operator_cannot_sign_online(awarded):
    contract = awarded.contract
    stranger = factories.UserFactory(role="household", household=factories.HouseholdFactory())
    for user in (stranger, awarded.operator):
        assert services.online_party(contract, user) is None
        with pytest.raises(NotAParty):
            services.signing_code_send(contract=contract, user=user)
        with pytest.raises(NotAParty):
            services.contract_sign_online(
                contract=contract,
                user=user,
                password="pw-12345678",
                code="000000",
                pdf_sha256=contract.current.sha256,
            )


def test_without_a_phone_the_household_gets_no_code(awarded):
    household = awarded.deal.listing.transferor_household
    type(household).objects.filter(pk=household.pk).update(phone="")
    household.refresh_from_db()
    user = factories.UserFactory(role="household", household=household, phone="")
    with pytest.raises(NoPhone):
        services.signing_code_send(contract=awarded.contract, user=user)


def test_the_household_signs_through_its_pages(client, awarded, django_capture_on_commit_callbacks):
    user = _household_user(awarded)
    contract = awarded.contract
    client.force_login(user)
    # the dashboard says a contract waits for the household and leads to its page (R-DEAL-2)
    dashboard = client.get(reverse("dashboard")).content.decode()
    todo = re.search(
        r'data-todo="household_contracts_to_sign" data-count="(\d+)">\s*<a href="([^"]+)"',
        dashboard,
    )
    assert todo.groups() == ("1", reverse("desk:my_household"))
    page = client.get(reverse("desk:household", args=[user.household_id])).content.decode()
    assert f'href="{contract.get_absolute_url()}" data-testid="sign-online"' in page
    assert client.get(contract.get_absolute_url()).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("contract_documents:send_code", args=[contract.number]))
    assert response.status_code in (200, 302)
    sms = SmsMessage.objects.filter(text__contains=contract.number).latest("pk").text
    code = re.search(r"[:：]\s*(\d{6})", sms).group(1)
    wrong = client.post(
        reverse("contract_documents:sign", args=[contract.number]),
        {"password": "wrong", "code": code, "pdf_sha256": contract.current.sha256},
    )
    assert wrong.status_code == 422
    with django_capture_on_commit_callbacks(execute=True):
        ok = client.post(
            reverse("contract_documents:sign", args=[contract.number]),
            {"password": "pw-12345678", "code": code, "pdf_sha256": contract.current.sha256},
        )
    assert ok.status_code == 302
    assert contract.signatures.get().party == Signature.Party.TRANSFEROR
    page = client.get(reverse("desk:household", args=[user.household_id])).content.decode()
    assert 'data-testid="sign-online"' not in page
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert 'data-todo="household_contracts_to_sign" data-count="0"' in dashboard
    # another household's login cannot even read the contract
    client.force_login(
        factories.UserFactory(role="household", household=factories.HouseholdFactory())
    )
    assert client.get(contract.get_absolute_url()).status_code == 403
