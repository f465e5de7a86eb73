"""Browser test of the insurer's claim queue and claim page (R-INS-2..4)."""

import datetime as dt

import pytest

from contracts.insurance import services
from contracts.insurance.models import Claim
from marketplace.payments import ledger
from tests import factories
from tests.browser.conftest import login
from tests.insurance.factories import insured_policy

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def _reported_claim(insurer_user, cause="pests"):
    policy = insured_policy(insurer=insurer_user.insurer)
    parcel = policy.parcels.first().parcel
    return services.claim_report(
        policy=policy, cause=cause, loss_on=dt.date(2026, 4, 1), parcels=[(parcel, "10")],
        actor=insurer_user,
    )  # fmt: skip


def test_the_insurer_surveys_approves_and_sees_half_paid_half_held(page):
    # given a pest claim on 10 mu reported on the insurer's policy
    insurer_user = factories.InsurerUserFactory(username="ins1")
    claim = _reported_claim(insurer_user)
    login(page, "ins1")
    # when the insurer opens the claim from its queue
    page.get_by_role("link", name="保险理赔").first.click()
    page.get_by_role("link", name=claim.number).click()
    assert "已报案" in page.get_by_test_id("claim-state").inner_text()
    # a loss rate above 100 % is refused naming the rule
    rate = page.get_by_test_id("survey-form").locator("input[name^=rate_]")
    rate.fill("120")
    page.get_by_role("button", name="保存查勘结果").click()
    assert "R-INS-2" in page.locator(".messages").inner_text()
    # then 40 %: 400 yuan x 40 % x 10 mu = 1600 yuan
    page.get_by_test_id("survey-form").locator("input[name^=rate_]").fill("40")
    page.get_by_role("button", name="保存查勘结果").click()
    page.get_by_role("button", name="核定并支付首笔赔款").click()
    # then half is paid, half held with its reason
    assert "首笔赔款已付" in page.get_by_test_id("claim-state").inner_text()
    money = page.get_by_test_id("claim-money").inner_text()
    assert "¥1,600.00" in money and "¥800.00" in money
    assert "R-INS-4" in page.get_by_test_id("held").inner_text()
    assert page.get_by_test_id("paid-to").inner_text().count("R-INS-5") == 1
    stored = Claim.objects.get(pk=claim.pk)
    assert ledger.balance(stored.held_account_key) == 80_000
