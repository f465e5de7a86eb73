"""Browser tests of the foundation: the public home page and role navigation."""

import pytest

from tests import factories
from tests.browser.conftest import login

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_home_page_renders_in_chinese(page):
    # given the migrated site with its HomePage
    # when a visitor opens the front page
    page.goto(page.base_url + "/")
    # then the page is in Simplified Chinese
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert "湘西州农村产权流转交易平台" in page.title()
    assert page.get_by_text("登录").first.is_visible()


def test_station_operator_logs_in_and_sees_the_station_console(page):
    # given a station operator
    operator = factories.OperatorFactory(username="op1")
    # when they log in through the form
    login(page, "op1")
    # then the dashboard names their role and station
    assert page.url.endswith("/console/")
    role = page.get_by_test_id("role").inner_text()
    assert "服务站经办人" in role
    assert operator.station.name in role


def test_language_switch_to_english(page):
    page.goto(page.base_url + "/")
    with page.expect_navigation():
        page.select_option("#lang-select", "en")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("link", name="Log in").is_visible()


def test_staff_change_a_rule_number_for_their_county(page):
    # given county staff of 古丈县 (RULES.md header: [practice] numbers are staff settings)
    county = factories.CountyFactory(code="433126", name="古丈县")
    factories.UserFactory(username="staff1", role="exchange_staff", county=county)
    login(page, "staff1")
    # when they open 规则参数 from the console and change the R-LIST-5 minimum
    # (the staff menu is grouped: open 系统管理 first)
    page.locator("summary", has_text="系统管理").click()
    page.get_by_role("link", name="规则参数").first.click()
    row = page.locator("tr[data-key='listing.announcement_min']")
    assert "R-LIST-5" in row.inner_text()
    row.get_by_role("link", name="调整").click()
    page.fill("#id_value", "abc")
    page.fill("#id_reason", "县农业农村局意见")
    page.click("button:has-text('保存')")
    # then a bad value is refused next to the field
    error = page.get_by_text("数值：应为整数")
    assert error.is_visible()
    # staff read the rule it names as a small reference (issue 16, item 6)
    assert error.locator("small.rule-ref").inner_text() == "R-LIST-5"
    page.fill("#id_value", "9")
    page.fill("#id_reason", "县农业农村局意见")
    page.click("button:has-text('保存')")
    # and the list shows the county's value
    row = page.locator("tr[data-key='listing.announcement_min']")
    assert "古丈县：9 个工作日" in row.inner_text()


def test_a_user_reads_their_notifications_from_the_dashboard(page):
    # given a station operator with a notification (e.g. a listing returned, R-LIST-3)
    from marketplace.notifications import notification_send

    operator = factories.OperatorFactory(username="op2")
    notification_send(
        recipient=operator,
        subject="挂牌项目 GP-433126-2026-000001 已退回修改",
        body="交易中心退回了挂牌项目：四至不清（R-LIST-3）。",
        url="/console/",
    )
    login(page, "op2")
    # when they open the unread count on the dashboard
    page.get_by_role("link", name="1 条新消息").click()
    # then the list shows it, and the dashboard no longer counts it as new
    notes = page.get_by_test_id("notifications")
    assert "四至不清" in notes.inner_text()
    page.goto(page.base_url + "/console/")
    assert page.get_by_role("link", name="1 条新消息").count() == 0


def test_staff_see_the_system_health_page_with_each_check(page):
    # given a staff login
    factories.UserFactory(username="ops", role="exchange_staff")
    login(page, "ops")
    # when they open the health page
    page.goto(page.base_url + "/console/health/")
    # then the checks are listed in Chinese, the embedded setup ready
    assert page.get_by_role("heading", name="系统运行状况").is_visible()
    assert page.locator("tr[data-check='database']").is_visible()
    assert page.get_by_test_id("health-status").inner_text() == "就绪"


def test_an_unknown_certificate_number_reads_no_such_certificate_and_can_be_searched_again(page):
    # when a visitor scans a QR code of a certificate the exchange never issued
    page.goto(page.base_url + "/verify/JZ-433126-2026-999999/")
    # then the page says so in the site's layout, with the number ready to correct
    assert page.get_by_test_id("verify-not-found").is_visible()
    assert page.get_by_role("heading", name="查无此证").is_visible()
    assert page.locator("#number").input_value() == "JZ-433126-2026-999999"


def test_a_page_of_another_role_is_the_sites_no_access_page(page):
    # given a station operator
    factories.OperatorFactory(username="op2")
    login(page, "op2")
    # when they open a staff page
    page.goto(page.base_url + "/console/health/")
    # then the refusal is the site's page in Chinese, with the way back to their console
    assert page.get_by_role("heading", name="无权访问").is_visible()
    assert page.get_by_role("link", name="我的工作台").is_visible()
