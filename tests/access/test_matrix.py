"""The role × URL matrix (issue 14): every named route of the URLconf, HTML and API, asked with
GET and with POST by anonymous users and each demo role, against an object of 古丈县 and one of
永顺县, answers as `tests/access/access_table.py` says. A route without a row fails the test.

One scene per module (two awarded deals, two live auctions, two announced listings, ...); each
request runs in a savepoint rolled back afterwards, so a POST that is let through changes
nothing for the next one. Record a new table (to review, never to copy blindly) with
`ACCESS_MATRIX_RECORD=1 pytest tests/access/test_matrix.py -s`.
"""

import copy
import os
import pprint
from collections import Counter

import pytest
from django.conf import settings
from django.db import transaction
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.access import access_table

pytestmark = pytest.mark.django_db

# Routes not walked, each with its reason.
SKIP_PREFIXES = {
    "django-admin/": "Django admin: its own login and ModelAdmin permissions (tests/*/test_admin)",
    "cms-admin/": "Wagtail admin: its own login and page permissions",
    "i18n/": "language switch: no object, no scope",
    "api/schema/": "OpenAPI schema: public description of the API, no data",
    "api/docs/": "OpenAPI documentation page: public, no data",
    "_util/": "Wagtail's login for private pages (Django's login view, no object)",
}
SKIP_MODULES = {
    "wagtail.": "Wagtail: the public page tree (tests/cms) and Wagtail documents",
    "django.views.static": "media files in DEBUG only",
    "marketplace.error_views": "JSON 404 for an unknown /api/ address: no object, the same answer "
    "to everyone (tests/api/test_unknown_addresses.py)",
}

USERS = access_table.USERS
SCOPES = ("gz", "ys")


def _module(pattern):
    callback = pattern.callback
    return getattr(callback, "view_class", callback).__module__


def walk(patterns=None, prefix="", namespace=""):
    """(route name, path pattern, URLPattern) of every named route not skipped."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for p in patterns:
        path = prefix + str(p.pattern)
        if any(path.startswith(skip) for skip in SKIP_PREFIXES):
            continue
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            yield from walk(p.url_patterns, path, ns)
        elif isinstance(p, URLPattern):
            if any(_module(p).startswith(m) for m in SKIP_MODULES):
                continue
            yield (namespace + p.name if p.name else path), path, p


def test_every_route_has_a_row_in_the_access_table():
    missing = [name for name, _, _ in walk() if name not in access_table.ROUTES]
    assert not missing, "\n".join(f"route {m} has no row in the access table" for m in missing)
    stale = set(access_table.ROUTES) - {name for name, _, _ in walk()}
    assert not stale, f"rows for routes that no longer exist: {sorted(stale)}"


# ---------------------------------------------------------------- the scene


def build_scene(capture):
    from contracts.documents.models import CertificateBatch
    from contracts.models import Registration
    from listings.models import ParcelImport
    from marketplace.models import RuleSetting
    from marketplace.payments.models import LedgerAccount, PayoutBatch
    from marketplace.rulebook import REGISTRY
    from tests import factories as kernel
    from tests.contracts.factories import announced_listing, live_auction
    from tests.documents.factories import awarded_deal, bidder_user
    from tests.listings.factories import valuation_report

    guzhang = kernel.CountyFactory(code="433126", name="古丈县")
    yongshun = kernel.CountyFactory(code="433127", name="永顺县")
    counties = {"gz": guzhang, "ys": yongshun}
    users = {
        "staff_pref": kernel.UserFactory(role="exchange_staff", is_staff=True),
        "staff_gz": kernel.UserFactory(role="exchange_staff", is_staff=True, county=guzhang),
        "staff_ys": kernel.UserFactory(role="exchange_staff", is_staff=True, county=yongshun),
        "agri_reg": bidder_user(),
        "agri_none": bidder_user(),
        "insurer": kernel.InsurerUserFactory(),
        "forestry": kernel.ForestryInspectorFactory(county=guzhang),
        "auditor": kernel.UserFactory(role="auditor", county=guzhang),
        "storage": kernel.StorageOperatorFactory(
            storage_center=kernel.StorageCenterFactory(county=guzhang)
        ),
    }
    objects = {}
    key = next(iter(REGISTRY))
    for scope, county in counties.items():
        township = kernel.TownshipFactory(county=county)
        village = kernel.VillageFactory(township=township)
        household = kernel.HouseholdFactory(village=village)
        a = awarded_deal(
            capture,
            household=household,
            buyer=users["agri_reg"] if scope == "gz" else None,
        )
        if scope == "gz":
            users["operator"] = a.operator
            users["household"] = kernel.UserFactory(role="household", household=household)
        auction, _ = live_auction(household=household)
        if scope == "gz":
            Registration.objects.create(
                deal=auction.deal,
                enterprise=users["agri_reg"].enterprise,
                user=users["agri_reg"],
                state=Registration.State.QUALIFIED,
                bidder_number="9999",
            )
        announced = announced_listing(household=household)
        staff = users[f"staff_{scope}"]
        local_operator = _operator_of(township, a.operator)
        objects[scope] = {
            "deal": a.deal.pk,
            "deal_number": a.deal.number,
            "contract_number": a.contract.number,
            "payable": a.registration.deposit.payable_id,
            "auction_listing": auction.deal.listing_id,
            "listing": announced.pk,
            "household": household.pk,
            "report": valuation_report(listing=announced).pk,
            "import": ParcelImport.objects.create(
                file="parcel-imports/x.xlsx", original_name="x.xlsx", created_by=staff
            ).pk,
            "cert_batch": CertificateBatch.objects.create(
                created_by=staff, deal_ids=[a.deal.pk]
            ).pk,
            "payout_batch": PayoutBatch.objects.create(
                reference=f"PB-{scope}", created_by=users["staff_pref"]
            ).pk,
            "rule_key": key,
            "rule_row": RuleSetting.objects.create(
                key=key, county=county, value=str(REGISTRY[key].default), reason="测试"
            ).pk,
            "ledger_key": LedgerAccount.objects.order_by("key").first().key,
            "document": a.contract.current_id,
            "deal_app": "contracts",
            "deal_model": "deal",
            "notice_kind": "filing",
            "relist_action": "relist",
            "encumbrance": 0,
            **_account_objects(scope),
            **_desk_objects(local_operator, household),
            **_insurance_objects(users["insurer"], household, village, scope),
            **_storage_objects(
                village, local_operator, users["storage"] if scope == "gz" else None
            ),
        }
    return users, objects


def _account_objects(scope):
    """A pending account application (issue 16) and reset-link parts that do not verify."""
    from marketplace.accounts.models import AccountApplication
    from tests import factories as kernel

    user = kernel.AgribusinessUserFactory(is_active=False)
    application = AccountApplication.objects.create(user=user, enterprise=user.enterprise)
    return {
        "account_application": application.pk,
        "email_token": f"not-a-signed-token-{scope}",
        "reset_uid": "MQ",
        "reset_token": f"set-{scope}",
    }


def _storage_objects(village, operator, storage_operator):
    """A relocated household's signed storage contract (with its instalments) and an open offer,
    in the scope's village; the 古丈县 ones under the scene's operator and storage centre."""
    from contracts.storage.models import GuaranteeInstalment
    from contracts.storage.services import block_form
    from tests.storage.factories import offer, signed_contract, storage_scene, store_more

    scene = storage_scene(
        village=village, station_operator=operator, storage_operator=storage_operator
    )
    contract = signed_contract(scene, parcels=scene.parcels[:1])
    open_offer = offer(scene, parcels=scene.parcels[1:])
    household = scene.household
    neighbour = store_more(scene, lon="109.9505")  # touching the stored parcel: a block
    block = block_form(
        storage_center=contract.storage_center,
        stored_parcel_ids=[contract.stored_parcels.get().pk, neighbour.pk],
        name=f"连片{village.code}",
    )
    scene.household = household
    return {
        "storage_block": block.pk,
        "storage_household": scene.household.pk,
        "storage_offer": open_offer.pk,
        "storage_contract": contract.pk,
        "storage_instalment": GuaranteeInstalment.objects.filter(contract=contract)
        .order_by("year_index")
        .first()
        .pk,
    }


def _operator_of(township, deal_operator):
    """The operator of the township's station (the deal's, when it is that township's)."""
    from marketplace.models import ServiceStation
    from tests import factories as kernel

    if deal_operator.station.township_id == township.pk:
        return deal_operator
    station = ServiceStation.objects.filter(township=township).first()
    station = station or kernel.ServiceStationFactory(township=township)
    return kernel.OperatorFactory(station=station)


def _desk_objects(operator, household):
    """A request recorded at the household's station."""
    from django.utils import timezone

    from marketplace.desk import services as desk

    request = desk.request_record(
        operator=operator,
        household=household,
        channel="walk_in",
        topic="contract",
        text="租金什么时候到账？",
        received_at=timezone.now(),
    )
    return {"desk_request": request.number, "desk_action": "acknowledge"}


def _insurance_objects(insurer_user, household, village, scope):
    """A forest policy of the household (the 古丈县 one by the scene's insurer) with a claim."""
    import datetime as dt

    from contracts.insurance import services as insurance
    from contracts.insurance.models import PolicyImport
    from tests import factories as kernel
    from tests.insurance.factories import insured_policy

    if scope != "gz":  # another insurer's policy in 永顺县
        insurer_user = kernel.InsurerUserFactory(insurer=kernel.InsurerFactory(name="另一保险公司"))
    insurer = insurer_user.insurer
    policy = insured_policy(
        holders=[household], number=f"BD-{scope}", insurer=insurer, village=village
    )
    parcel = policy.parcels.first().parcel
    claim = insurance.claim_report(
        policy=policy,
        cause="fire",
        loss_on=dt.date(2026, 3, 1),
        parcels=[(parcel, "5")],
        actor=insurer_user,
    )
    policy_import = PolicyImport.objects.create(
        file="policy-imports/x.xlsx",
        original_name="x.xlsx",
        insurer=insurer,
        created_by=insurer_user,
    )
    return {
        "policy_number": policy.number,
        "claim_number": claim.number,
        "policy_import": policy_import.pk,
        "photo": 0,
    }


def kwargs_for(row, objects):
    return {name: objects[source] for name, source in row.get("kwargs", {}).items()}


def _code(response):
    login = resolve_url(settings.LOGIN_URL)
    if response.status_code == 302 and response["Location"].startswith(login):
        return "L"
    return str(response.status_code)


def ask(client, method, url):
    """The answer's code; the request's writes are rolled back and the client keeps its
    session cookie (a POST to the logout route would otherwise sign it out)."""
    cookies = copy.deepcopy(client.cookies)
    # Marked as a test's own block (as TestCase marks its atomics), so the services' durable
    # entry points and the no-I/O-in-a-transaction guard treat the request as top level.
    rollback = transaction.atomic()
    rollback._from_testcase = True
    with rollback:
        response = client.get(url) if method == "GET" else client.post(url, {})
        transaction.set_rollback(True)
    client.cookies = cookies
    return _code(response)


def _compact(answers: dict) -> dict:
    """{user: code} with the most common code as "*"."""
    common = Counter(answers.values()).most_common(1)[0][0]
    out = {"*": common}
    out.update({u: c for u, c in answers.items() if c != common})
    return out


def expected(row, method, user):
    table = row[method]
    return table.get(user, table["*"])


def test_every_route_answers_each_role_as_the_table_says(django_capture_on_commit_callbacks):
    """A route whose row has no "POST" refuses POST (405): asked as prefecture staff only."""
    users, objects = build_scene(django_capture_on_commit_callbacks)
    clients = {"anon": Client(raise_request_exception=False)}
    for label, user in users.items():
        clients[label] = Client(raise_request_exception=False)
        clients[label].force_login(user)
    assert set(clients) == set(USERS)
    record = os.environ.get("ACCESS_MATRIX_RECORD")
    recorded, wrong = {}, []
    for name, _path, _pattern in sorted(walk()):
        row = access_table.ROUTES.get(name, {})
        scopes = SCOPES if row.get("kwargs") else ("gz",)
        urls = [reverse(name, kwargs=kwargs_for(row, objects[s])) for s in scopes]
        recorded[name] = {"kwargs": row["kwargs"]} if row.get("kwargs") else {}
        for method in ("GET", "POST"):
            asked = USERS if (record or method in row or method == "GET") else ("staff_pref",)
            answers = {u: " ".join(ask(clients[u], method, url) for url in urls) for u in asked}
            if record:
                if method == "GET" or set(answers["staff_pref"].split()) != {"405"}:
                    recorded[name][method] = _compact(answers)
                continue
            for user, answer in answers.items():
                want = (
                    expected(row, method, user) if method in row else " ".join(["405"] * len(urls))
                )
                if answer != want:
                    wrong.append(f"{method} {name} as {user}: {answer}, expected {want}")
    if record:
        print("ROUTES = " + pprint.pformat(recorded, width=100, sort_dicts=False))
        return
    assert not wrong, "\n".join(wrong)
