"""Browser test of the forestry inspector's desk and inspection form (R-INS-4)."""

import datetime as dt

import pytest

from contracts.insurance import services
from contracts.insurance.models import Claim
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


def test_the_inspector_sees_overdue_replanting_in_red_and_accepts_it(page):
    # given a fire claim whose replanting is reported and overdue
    insurer_user = factories.InsurerUserFactory(username="ins2")
    claim = _reported_claim(insurer_user, cause="fire")
    services.claim_survey(claim=claim, loss_rates={}, actor=insurer_user)
    services.claim_approve(claim=claim, actor=insurer_user)
    services.claim_replanting_report(claim=claim, actor=insurer_user)
    Claim.objects.filter(pk=claim.pk).update(replanting_due_on=dt.date(2026, 1, 5))
    factories.ForestryInspectorFactory(username="forest1", county=claim.policy.county)
    login(page, "forest1")
    # when the inspector opens the desk
    page.get_by_role("link", name="补植验收").first.click()
    row = page.get_by_test_id(f"row-{claim.number}")
    assert "已逾期" in row.inner_text()
    color = row.evaluate("el => getComputedStyle(el.querySelector('td')).color")
    assert color == "rgb(192, 57, 43)"
    assert page.get_by_test_id("parcel-map").count() == 1
    # and records an accepted inspection
    row.get_by_role("link", name=claim.number).click()
    form = page.get_by_test_id("inspect-form")
    form.locator("input[name=replanted_mu]").fill("10")
    form.locator("input[name=survival_rate_pct]").fill("91")
    form.locator("input[name=accepted][value=yes]").check()
    page.get_by_role("button", name="保存验收结果").click()
    # then the second half is paid: nothing is held any more
    assert "第二笔赔款已付" in page.get_by_test_id("claim-state").inner_text()
    assert "¥0.00" in page.get_by_test_id("held").inner_text()
    assert Claim.objects.get(pk=claim.pk).state == Claim.State.SECOND_PAID
