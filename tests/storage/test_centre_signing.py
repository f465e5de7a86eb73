"""The storage centre signs the lease contract of its let block as Party A, online (R-STORE-5,
R-DEAL-2): a storage operator of THAT centre, with the login password again and a one-time code
sent by SMS only, binding the SHA-256 of the current PDF. Another centre's operator, the station,
the households and staff cannot sign for it, and the station's witnessed path is refused: there
is no household and no station consent in a block's lease."""

import re
import subprocess

import pytest
from django.urls import reverse
from django.utils import translation

from contracts.documents import services
from contracts.documents.errors import CentreSignsOnline, NotAParty
from contracts.documents.facts import contract_facts
from contracts.documents.models import Contract, Signature
from contracts.documents.services.generation import signature_rows
from contracts.models import Deal
from marketplace.models import AuditEvent, Notification, SmsMessage, User
from marketplace.todos import todos_for
from tests import factories as kernel
from tests.documents.factories import SCAN_PDF, Upload, pdf_bytes
from tests.storage.factories import let_block

pytestmark = pytest.mark.django_db

PASSWORD = "pw-12345678"


@pytest.fixture(autouse=True)
def _eager_celery(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True


@pytest.fixture
def let(django_capture_on_commit_callbacks):
    lb = let_block(django_capture_on_commit_callbacks)
    User.objects.filter(pk=lb.scene.storage_operator.pk).update(phone="13707430009")
    lb.scene.storage_operator.refresh_from_db()
    return lb


def _sign_online(contract, user, capture, **kw):
    with capture(execute=True):
        code = services.signing_code_send(contract=contract, user=user)
        return services.contract_sign_online(
            contract=contract,
            user=user,
            password=kw.get("password", PASSWORD),
            code=code,
            pdf_sha256=contract.current.sha256,
            ip="10.0.0.7",
        )


def _other_centres_operator():
    county = kernel.CountyFactory(code="433127", name="永顺县")
    centre = kernel.StorageCenterFactory(county=county, name="永顺县农村土地收储中心")
    return kernel.StorageOperatorFactory(storage_center=centre, phone="13707430010")


def test_r_store_5_the_centres_storage_operator_signs_party_a_online_with_an_sms_code(
    let, django_capture_on_commit_callbacks
):
    # given the block's lease contract, ready, with the storage centre as Party A
    contract = let.contract
    operator = let.scene.storage_operator
    assert contract.state == Contract.State.READY
    assert let.listing.transferor_storage_center_id == let.scene.centre.pk
    assert services.online_party(contract, operator) == Signature.Party.TRANSFEROR
    # when the centre's operator asks for a code: it goes by SMS only (R-DEAL-2)
    with django_capture_on_commit_callbacks(execute=True):
        code = services.signing_code_send(contract=contract, user=operator)
    assert SmsMessage.objects.filter(phone="13707430009", text__contains=code).exists()
    assert not Notification.objects.filter(recipient=operator, body__contains=code).exists()
    # and signs with its password and the code, on the current version
    with django_capture_on_commit_callbacks(execute=True):
        signature = services.contract_sign_online(
            contract=contract,
            user=operator,
            password=PASSWORD,
            code=code,
            pdf_sha256=contract.current.sha256,
            ip="10.0.0.7",
        )
    # then Party A is signed online for the centre, bound to the PDF's SHA-256, not witnessed
    assert signature.party == Signature.Party.TRANSFEROR
    assert (signature.method, signature.mark) == ("online", "electronic")
    assert signature.witnessed_by is None and not signature.scan
    assert signature.pdf_sha256 == contract.current.sha256
    assert signature.signer == operator
    assert signature.signer_name.startswith(let.scene.centre.name)
    assert "经办人" in signature.signer_name
    # audited as the other signatures are, naming the centre (R-DEAL-2, R-STORE-5)
    event = AuditEvent.objects.filter(action="contract.signed").latest("id")
    assert event.actor_id == operator.pk
    assert event.payload["party"] == "transferor" and event.payload["method"] == "online"
    assert event.payload["pdf_sha256"] == contract.current.sha256
    assert event.payload["storage_center"] == let.scene.centre.pk
    # when the transferee signs too, the contract is signed and the deal goes to payment
    _sign_online(let.contract, let.buyer, django_capture_on_commit_callbacks)
    assert Contract.objects.get(pk=contract.pk).state == Contract.State.SIGNED
    assert Deal.objects.get(pk=let.deal.pk).state == Deal.State.PAYMENT
    # and the signed contract's signature page names the centre as Party A, signed online
    contract = Contract.objects.get(pk=contract.pk)
    rows = {row.party_label: row for row in signature_rows(contract)}
    assert rows["甲方"].signer_name == f"{let.scene.centre.name}（经办人 {operator}）"
    assert rows["甲方"].method_label.startswith("在线签署") and not rows["甲方"].witness
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=pdf_bytes(contract.final), capture_output=True, check=True
    ).stdout.decode()
    page = "".join(text.split()).rpartition("签署页")[2]
    assert "经办人" in page and "在线签署" in page


def test_r_store_5_another_centres_operator_the_station_a_household_and_staff_cannot_sign(let):
    contract = let.contract
    household = let.scene.household  # one of the block's households
    others = [
        _other_centres_operator(),
        let.scene.station_operator,
        kernel.UserFactory(role="household", household=household, phone="13707430011"),
        kernel.UserFactory(role="exchange_staff", is_staff=True, county=let.scene.county),
    ]
    for user in others:
        assert services.online_party(contract, user) is None, user.role
        with pytest.raises(NotAParty):
            services.signing_code_send(contract=contract, user=user)
        with pytest.raises(NotAParty):
            services.contract_sign_online(
                contract=contract,
                user=user,
                password=PASSWORD,
                code="000000",
                pdf_sha256=contract.current.sha256,
            )
    assert not Signature.objects.filter(contract=contract).exists()


def test_r_deal_2_the_stations_witnessed_path_is_refused_for_the_centres_contract(let):
    contract = let.contract
    for operator in (let.scene.station_operator, let.scene.storage_operator):
        with pytest.raises(CentreSignsOnline) as exc:
            services.contract_sign_witnessed(
                contract=contract,
                operator=operator,
                scan=Upload(SCAN_PDF),
                mark="fingerprint",
                pdf_sha256=contract.current.sha256,
                confirmed=True,
            )
        assert exc.value.code == "centre_signs_online"
        assert "R-STORE-5" in str(exc.value.message)
    with translation.override("zh-hans"):
        assert "收储中心" in str(CentreSignsOnline().message)
    # nothing written: no signature, no scan, no audit event
    assert not Signature.objects.filter(contract=contract).exists()
    assert not AuditEvent.objects.filter(action="contract.signed").exists()
    assert not services.can_witness(contract, let.scene.station_operator)


def test_r_store_5_the_contract_names_the_centre_as_party_a(let):
    contract = let.contract
    facts = contract_facts(let.deal, registration=contract.registration, number=contract.number)
    assert facts.transferor.kind == "storage_center"
    assert facts.transferor.name == let.scene.centre.name
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=pdf_bytes(contract.current), capture_output=True, check=True
    ).stdout.decode()
    flat = "".join(text.split())
    assert f"甲方（出租方）{let.scene.centre.name}" in flat
    assert "古丈县古阳镇农村土地收储中心大楼" in flat and "0743-4620001" in flat
    assert "收储期限" in flat and "甲方（盖章）" in flat
    # no household is named as Party A, nor the household's fingerprint block
    assert let.scene.household.name not in flat and "按指印" not in flat


def test_r_store_5_the_storage_operator_signs_on_the_page_from_its_to_do(
    client, let, django_capture_on_commit_callbacks
):
    contract = let.contract
    operator = let.scene.storage_operator
    # the to-do and the menu lead to the centre's lease contracts
    todo = {t.key: t for t in todos_for(operator)}["centre_contracts_to_sign"]
    assert todo.count == 1 and todo.url == reverse("contract_documents:centre_contracts")
    client.force_login(operator)
    listing_page = client.get(todo.url).content.decode()
    assert contract.number in listing_page and contract.get_absolute_url() in listing_page
    block_page = client.get(reverse("storage:block", args=[let.block.pk])).content.decode()
    assert 'data-testid="block-contract"' in block_page
    page = client.get(contract.get_absolute_url()).content.decode()
    assert 'data-testid="sign-form"' in page and 'data-testid="centre-signs"' in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("contract_documents:send_code", args=[contract.number]))
    sms = SmsMessage.objects.filter(text__contains=contract.number).latest("pk").text
    code = re.search(r"[:：]\s*(\d{6})", sms).group(1)
    with django_capture_on_commit_callbacks(execute=True):
        ok = client.post(
            reverse("contract_documents:sign", args=[contract.number]),
            {"password": PASSWORD, "code": code, "pdf_sha256": contract.current.sha256},
        )
    assert ok.status_code == 302
    assert contract.signatures.get().signer == operator
    assert {t.key: t.count for t in todos_for(operator)}["centre_contracts_to_sign"] == 0


def test_r_store_5_the_station_does_not_see_the_centres_contract_nor_another_centre(client, let):
    contract = let.contract
    station = let.scene.station_operator
    assert {t.key: t.count for t in todos_for(station)}["contracts_to_witness"] == 0
    client.force_login(station)
    assert (
        contract.number
        not in client.get(reverse("contract_documents:station_signing")).content.decode()
    )
    url = reverse("contract_documents:station_contract", args=[contract.number])
    assert client.get(url).status_code == 403
    # staff read the station page and are told the centre signs online
    client.force_login(kernel.UserFactory(role="exchange_staff", county=let.scene.county))
    assert 'data-testid="centre-held"' in client.get(url).content.decode()
    # another centre's operator cannot even read the contract
    other = _other_centres_operator()
    client.force_login(other)
    assert client.get(contract.get_absolute_url()).status_code == 403
    assert (
        contract.number
        not in client.get(reverse("contract_documents:centre_contracts")).content.decode()
    )
    assert {t.key: t.count for t in todos_for(other)}["centre_contracts_to_sign"] == 0
