"""The public site's chrome (issue 16): the main menu from the Wagtail page tree, the footer from
the site settings, breadcrumbs, the home page's news, notices and figures, and the error pages in
the layout."""

import datetime as dt
import sys
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client, RequestFactory
from django.utils import timezone
from wagtail.models import Page

from cms import demo, structure
from cms.chrome import breadcrumb_trail, menu_items
from cms.models import MenuLinkPage, NewsPage, SiteFooterSettings
from marketplace import error_views
from tests import factories

pytestmark = pytest.mark.django_db


def menu_titles(path="/"):
    return [item["title"] for item in menu_items(RequestFactory().get(path))]


def test_the_menu_is_the_home_pages_menu_children_in_their_order():
    structure.menu_pages()
    assert menu_titles() == [
        "首页",
        "挂牌项目",
        "交易公告",
        "成交公示",
        "鉴证核验",
        "政策法规",
        "办事指南",
        "联系我们",
    ]
    # staff hide a page from the menu in the Wagtail admin: it leaves the menu
    MenuLinkPage.objects.filter(slug="verification").update(show_in_menus=False)
    assert "鉴证核验" not in menu_titles()


def test_menu_pages_are_made_once_and_reordered_only_when_needed():
    first = [p.pk for p in structure.menu_pages()]
    again = [p.pk for p in structure.menu_pages()]
    assert first == again
    assert MenuLinkPage.objects.count() == 2


def test_the_current_menu_item_is_marked_also_for_a_link_with_a_query():
    structure.menu_pages()
    items = menu_items(RequestFactory().get("/announcements/", {"kind": "result"}))
    assert [i["title"] for i in items if i["active"]] == ["成交公示"]
    items = menu_items(RequestFactory().get("/announcements/gg-x/"))
    assert [i["title"] for i in items if i["active"]] == ["交易公告"]
    items = menu_items(RequestFactory().get("/verify/"))
    assert [i["title"] for i in items if i["active"]] == ["鉴证核验"]


def test_a_menu_link_page_redirects_to_its_app_route():
    structure.menu_pages()
    response = Client().get("/verification/")
    assert response.status_code == 302 and response["Location"] == "/verify/"


def test_the_footer_shows_the_site_settings_with_the_filing_numbers():
    # given the migration's demo footer (cms.0005) on the default site, edited by staff
    footer = SiteFooterSettings.objects.get()
    footer.icp_number = "湘ICP备12345678号-1"
    footer.save()
    html = Client().get("/").content.decode()
    assert "湘西州农村产权流转交易中心" in html
    assert "湘ICP备12345678号-1" in html and "https://beian.miit.gov.cn/" in html
    assert "湘公网安备43310102000000号" in html and "code=43310102000000" in html


def test_breadcrumbs_lead_from_home_to_the_page():
    demo.menu_seed(lambda msg: None)
    article = structure.section("policy", "政策法规").get_children().first().specific
    trail = breadcrumb_trail(article, RequestFactory().get(article.url))
    assert [t["title"] for t in trail] == ["首页", "政策法规", article.title]
    assert trail[-1]["url"] == "" and trail[1]["url"].endswith("/policy/")
    html = Client().get(article.url).content.decode()
    assert 'data-testid="breadcrumbs"' in html and 'aria-current="page">' + article.title in html
    # the home page has none
    assert 'data-testid="breadcrumbs"' not in Client().get("/").content.decode()


def test_the_home_page_shows_news_notices_and_the_months_figures(
    django_capture_on_commit_callbacks,
):
    from tests.contracts.test_public_hygiene import awarded_deal

    demo.news_seed(lambda msg: None)
    # given a deal awarded this month: its 成交公示 is the newest announcement
    deal = awarded_deal(capture=django_capture_on_commit_callbacks)
    html = Client().get("/").content.decode()
    news = NewsPage.objects.live().order_by("-date").first()
    assert news.title in html
    assert deal.listing.title in html.split('data-testid="home-notices"')[1]
    figures = html.split('data-testid="home-figures"')[1].split("</section>")[0]
    assert '<dd data-testid="figure-deals">1</dd>' in figures


def test_figures_count_the_deals_awarded_in_the_month():
    from cms.figures import trading_figures
    from tests.contracts.test_public_hygiene import awarded_deal

    deal = awarded_deal()
    deal.refresh_from_db()
    figures = trading_figures(timezone.localdate())
    assert figures["month"]["deals"] == 1
    assert figures["month"]["area_mu"] == deal.listing.area_mu
    assert figures["month"]["value_fen"] == deal.total_value_fen
    last_year = trading_figures(timezone.localdate() - dt.timedelta(days=400))
    assert last_year["month"]["deals"] == 0


def test_news_index_and_news_page_render():
    demo.news_seed(lambda msg: None)
    index = structure.news_index()
    html = Client().get(index.url).content.decode()
    item = NewsPage.objects.first()
    assert item.title in html
    page = Client().get(item.url).content.decode()
    assert item.title in page and "发布日期" in page


def test_the_contact_page_lists_the_service_stations():
    station = factories.ServiceStationFactory()
    demo.menu_seed(lambda msg: None)
    html = Client().get(structure.contact().url).content.decode()
    assert station.name in html and station.phone in html


def test_404_is_in_the_layout_in_chinese():
    structure.menu_pages()
    response = Client().get("/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "页面不存在" in html or "找不到" in html
    assert 'data-testid="main-menu"' in html and 'data-testid="site-footer"' in html
    assert "挂牌项目" in html


def test_500_is_in_the_layout_in_chinese_without_touching_the_database(django_assert_num_queries):
    request = RequestFactory().get("/listings/")
    try:
        raise ValueError("boom")
    except ValueError:
        assert sys.exc_info()[0] is ValueError
        with django_assert_num_queries(0):
            response = error_views.server_error(request)
    html = response.content.decode()
    assert response.status_code == 500
    assert 'data-testid="main-menu"' in html and 'data-testid="site-footer"' in html
    assert "湘西州农村产权流转交易平台" in html
    assert "出错" in html and 'href="/"' in html


def test_site_pages_makes_the_main_menu_on_a_fresh_installation_once():
    # given: a fresh installation (the migrations make only the home page)
    # when: the release step runs, twice
    out = StringIO()
    call_command("site_pages", stdout=out)
    count = Page.objects.count()
    call_command("site_pages", stdout=StringIO())
    # then: every page of the menu, in its order, and nothing twice
    titles = [title for _slug, title, _kind, _link in structure.MENU]
    assert menu_titles() == ["首页", *titles]
    assert Page.objects.count() == count
    assert "挂牌项目" in out.getvalue()


def test_the_home_pages_title_is_the_exchanges_name_once():
    structure.home()
    html = Client().get("/").content.decode()
    title = html[html.index("<title>") + 7 : html.index("</title>")].strip()
    assert title == "湘西州农村产权流转交易平台"


def test_the_menu_is_kept_until_an_editor_publishes_moves_or_deletes_a_page(settings):
    # given: the per-process menu on (production's 30 s) and the menu pages made
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from cms import chrome

    settings.MENU_CACHE_SECONDS = 30
    chrome.forget_menus()
    structure.menu_pages()
    first = menu_titles()
    # when: more pages ask for it, it costs no page query (the site is looked up, not the menu)
    request = RequestFactory().get("/")
    with CaptureQueriesContext(connection) as captured:
        menu_items(request)
    assert not [q for q in captured.captured_queries if 'FROM "wagtailcore_page"' in q["sql"]]
    # then: a new page published in the menu shows at once; so does its deletion
    news = structure.news_index()
    Page.objects.filter(pk=news.pk).update(show_in_menus=True)
    news.refresh_from_db()
    news.save_revision().publish()
    assert menu_titles() == [*first, news.title]
    news.delete()
    assert menu_titles() == first
