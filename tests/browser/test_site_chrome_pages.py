"""Browser tests of the site chrome and the account pages (issue 16): the main menu and footer on
the home page, a news page with its breadcrumbs, agribusiness self-registration end to end (the
e-mail link from Django's locmem outbox, the SMS code from the SMS log) and password reset."""

import re

import pytest
from django.core import mail

from marketplace.demo import make_uscc
from tests import factories
from tests.browser.conftest import login

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

MENU = ["首页", "挂牌项目", "交易公告", "成交公示", "鉴证核验", "政策法规", "办事指南", "联系我们"]


def _site():
    from cms import demo

    demo.seed(lambda msg: None)


def test_home_page_has_the_main_menu_the_footer_and_news(page):
    # given the public site with its menu pages, news and footer
    _site()
    # when a visitor opens the home page
    page.goto(page.base_url + "/")
    # then the main menu lists the exchange's sections in order, 首页 marked current
    menu = page.get_by_test_id("main-menu")
    assert [t.strip() for t in menu.locator("a").all_inner_texts()] == MENU
    assert menu.locator("a[aria-current=page]").inner_text() == "首页"
    # and the footer names the host organisation and both filing numbers
    footer = page.get_by_test_id("site-footer")
    assert "主办单位" in footer.inner_text()
    assert "ICP备" in footer.get_by_test_id("icp").inner_text()
    assert "公网安备" in footer.get_by_test_id("psb").inner_text()
    # and news, announcements and the month's figures are on the page
    assert page.get_by_test_id("home-news").locator("li").count() >= 3
    assert page.get_by_test_id("home-notices").is_visible()
    assert "交易情况" in page.get_by_test_id("home-figures").inner_text()
    # and the menu leads to 政策法规, with the policy document listed
    menu.get_by_role("link", name="政策法规").click()
    assert page.get_by_role("heading", name="政策法规").is_visible()
    assert "州政发〔2020〕21号" in page.get_by_test_id("section-articles").inner_text()


def test_a_news_page_has_breadcrumbs_back_to_home(page):
    _site()
    page.goto(page.base_url + "/")
    # when a visitor opens a news item from the home page
    item = page.get_by_test_id("home-news").locator("a").first
    title = item.inner_text()
    item.click()
    # then the article is shown under breadcrumbs 首页 › 新闻动态 › the title
    assert page.get_by_role("heading", name=title).is_visible()
    crumbs = page.get_by_test_id("breadcrumbs")
    assert [t.strip() for t in crumbs.locator("li").all_inner_texts()] == [
        "首页",
        "新闻动态",
        title,
    ]
    crumbs.get_by_role("link", name="新闻动态").click()
    assert page.get_by_test_id("news-list").is_visible()


def _sms_code(phone):
    from marketplace.models import SmsMessage

    text = SmsMessage.objects.filter(phone=phone).first().text
    return re.search(r"(\d{6})", text).group(1)


def test_an_agribusiness_registers_confirms_email_and_phone_and_staff_open_the_account(page):
    _site()
    factories.UserFactory(username="staff1", role="exchange_staff")
    # when a company fills in the registration form, reached from the login page
    page.goto(page.base_url + "/accounts/login/")
    page.get_by_test_id("signup").click()
    page.fill("#id_company_name", "古丈县茶旅发展有限公司")
    page.select_option("#id_kind", "company")
    page.fill("#id_uscc", make_uscc("433126", "91", 81001))
    page.fill("#id_legal_representative", "向明")
    page.fill("#id_contact_name", "彭丽")
    page.fill("#id_phone", "13807431234")
    page.fill("#id_email", "pengli@example.com")
    page.fill("#id_username", "chalv_gz")
    page.fill("#id_password1", "Tea-garden-2027")
    page.fill("#id_password2", "Tea-garden-2027")
    page.get_by_role("button", name="提交申请").click()
    # then it is asked for the SMS code; a wrong one is refused next to the field
    assert page.get_by_role("heading", name="确认开户申请").is_visible()
    code = _sms_code("13807431234")
    page.fill("#id_code", "000000" if code != "000000" else "111111")
    page.get_by_role("button", name="验证手机").click()
    assert "验证码不正确" in page.locator(".field").inner_text()
    page.fill("#id_code", code)
    page.get_by_role("button", name="验证手机").click()
    assert page.get_by_test_id("phone-ok").is_visible()
    # and the link of the e-mail confirms the address
    assert mail.outbox and mail.outbox[-1].to == ["pengli@example.com"]
    link = re.search(r"https?://\S+(/accounts/register/email/\S+/)", mail.outbox[-1].body).group(1)
    page.goto(page.base_url + link)
    status = page.get_by_test_id("application-status")
    # R-REG-3: a company waits for the exchange
    assert status.get_attribute("data-state") == "pending"
    assert "交易中心正在核对" in status.inner_text()
    # when staff open the application from their console and open the account
    login(page, "staff1")
    page.goto(page.base_url + "/accounts/applications/")
    page.get_by_role("link", name="古丈县茶旅发展有限公司").click()
    page.get_by_role("button", name="开通账户").click()
    assert "账户已开通。" in page.locator(".messages").inner_text()
    page.get_by_role("button", name="退出").click()
    # then the company logs in with its own password
    login(page, "chalv_gz", "Tea-garden-2027")
    assert page.url.endswith("/console/")


def test_password_reset_by_email_end_to_end(page):
    factories.AgribusinessUserFactory(username="bidder9", email="bidder9@example.com")
    page.goto(page.base_url + "/accounts/login/")
    page.get_by_test_id("forgot-password").click()
    page.fill("#id_email", "bidder9@example.com")
    page.get_by_role("button", name="发送链接").click()
    assert page.get_by_role("heading", name="请查收邮件").is_visible()
    body = mail.outbox[-1].body
    assert "bidder9" in body
    link = re.search(r"https?://\S+(/accounts/reset/\S+/\S+/)", body).group(1)
    page.goto(page.base_url + link)
    page.fill("#id_new_password1", "Fresh-pass-2027")
    page.fill("#id_new_password2", "Fresh-pass-2027")
    page.get_by_role("button", name="保存新密码").click()
    assert page.get_by_role("heading", name="密码已修改").is_visible()
    login(page, "bidder9", "Fresh-pass-2027")
    assert page.url.endswith("/console/")


def test_an_unknown_address_is_the_sites_404_page_with_menu_and_footer(page):
    _site()
    page.goto(page.base_url + "/no-such-page/")
    assert page.get_by_role("heading", name="页面不存在").is_visible()
    assert page.get_by_test_id("main-menu").get_by_role("link", name="挂牌项目").is_visible()
    assert page.get_by_test_id("site-footer").is_visible()
