"""Demo content of the public site: the home page text, the main menu's pages (政策法规, 办事指南,
联系我们 with real, useful text drawn from 州政发〔2020〕21号), news items and the footer."""

import datetime as dt
from pathlib import Path

from django.utils import timezone
from wagtail.models import Site

from . import structure
from .models import ArticlePage, NewsPage, SiteFooterSettings

POLICY_TEXT = (Path(__file__).parent / "data" / "zhouzhengfa_2020_21.html").read_text("utf-8")

FOOTER = {
    "organisation": "湘西州农村产权流转交易中心（演示）",
    "address": "湖南省湘西土家族苗族自治州吉首市人民北路（演示地址）",
    "phone": "0743-8000000",
    "email": "service@example.invalid",
    "opening_hours": "工作日 8:30–12:00，14:30–17:30",
    "icp_number": "湘ICP备00000000号-1（演示）",
    "psb_number": "湘公网安备43310102000000号（演示）",
}

POLICY_INTRO = (
    "<p>农村产权流转交易遵循依法、自愿、有偿的原则，不得改变土地集体所有性质，不得改变土地用途，"
    "不得损害农民土地承包权益。本栏目收录本平台交易所依据的法律法规和湘西州的政策文件。</p>"
)

POLICY_ARTICLES = [
    {
        "slug": "zhouzhengfa-2020-21",
        "title": "湘西自治州强化易地扶贫搬迁后续扶持工作十条措施（试行）",
        "issuer": "湘西自治州人民政府",
        "doc_number": "州政发〔2020〕21号",
        "date": dt.date(2020, 9, 30),
        "summary": "盘活搬迁群众迁出地的承包地、林地：收储试点、州县两级交易中心和乡镇服务站、"
        "适度控制流转面积。",
        "body": POLICY_TEXT,
    },
    {
        "slug": "trading-rules-summary",
        "title": "本平台交易规则要点",
        "issuer": "湘西州农村产权流转交易中心",
        "doc_number": "",
        "date": dt.date(2026, 11, 1),
        "summary": "挂牌公告、竞买登记、保证金、网络竞价、成交公示、签约结算与鉴证的要点。",
        "body": (
            "<h2>一、挂牌与公告</h2>"
            "<p>农户可持本人身份证、承包经营权证（或林权证）到迁出地乡镇服务站委托挂牌，也可由村集体"
            "经济组织统一委托。交易中心审核、评估后在本平台发布挂牌公告，公告期内接受竞买登记。</p>"
            "<h2>二、竞买登记与保证金</h2>"
            "<p>竞买人为依法设立的龙头企业、农民专业合作社、家庭农场、公司等经营主体（以统一社会信用代码"
            "识别），或具有完全民事行为能力的种养大户。工商资本流转面积较大的，须先通过县级或州级资格审查，"
            "这是“适度控制土地流转面积”的具体做法。竞买人须在公告期截止前交纳保证金，方取得竞买资格。</p>"
            "<h2>三、交易方式</h2>"
            "<p>公告期满只有一名合格竞买人的，以不低于挂牌价的价格协议成交；两名以上的，组织网络竞价，"
            "价高者得；本集体经济组织成员在同等条件下享有优先权。</p>"
            "<h2>四、成交公示、签约与结算</h2>"
            "<p>成交结果在本平台公示，公示期内任何人可以提出异议。公示无异议后双方签订流转合同，"
            "受让方按约定交纳价款，交易中心出具交易鉴证书。鉴证书可在“鉴证核验”栏目凭编号或二维码核验真伪。</p>"
        ),
    },
]

GUIDE_INTRO = (
    "<p>办事前请备齐材料。不会使用电脑的农户，可直接到迁出地乡镇服务站，由经办人帮助办理；"
    "每个乡镇服务站的地址、办公时间和电话见“联系我们”。</p>"
)

GUIDE_ARTICLES = [
    {
        "slug": "household-listing",
        "title": "农户：委托服务站挂牌出租土地或林地",
        "summary": "带身份证和权证到迁出地乡镇服务站，签委托书，不用跑县城。",
        "body": (
            "<h2>需要带的材料</h2><ul><li>户主居民身份证（代办的，带代办人身份证和户主签字的委托书）</li>"
            "<li>农村土地承包经营权证或林权证</li><li>本人银行卡或社保卡（租金打到这张卡上）</li></ul>"
            "<h2>办理步骤</h2><ol><li>到迁出地乡镇服务站，经办人查询您家的地块，打印委托书给您核对签字；</li>"
            "<li>交易中心审核、评估后发布挂牌公告，公告期满组织交易；</li>"
            "<li>成交后经办人通知您到服务站签合同；</li>"
            "<li>租金按合同约定打到您的银行卡，每次到账会发短信；也可到服务站查询。</li></ol>"
            "<p>易地扶贫搬迁户的承包地、林地，也可申请由县收储中心以保底价收储（州政发〔2020〕21号）。</p>"
        ),
    },
    {
        "slug": "agribusiness-bidding",
        "title": "经营主体：注册、竞买登记和网络竞价",
        "summary": "网上注册账户，公告期内登记并交纳保证金，按时参加网络竞价。",
        "body": (
            "<h2>注册账户</h2><p>点击页面右上角“注册”，填写单位名称、统一社会信用代码、联系人、手机和电子邮箱；"
            "确认邮箱链接和短信验证码后，农民专业合作社的账户即时开通，公司和个体工商户由交易中心核对营业执照后开通"
            "（一般1至3个工作日）。</p>"
            "<h2>竞买登记</h2><p>在“挂牌项目”找到项目，公告期内点击“我要竞买”，在线交纳保证金。"
            "保证金到账后取得竞买号。</p>"
            "<h2>网络竞价</h2><p>竞价开始后进入竞价室出价，每次加价不少于规定幅度；临近结束时有人出价的，"
            "结束时间自动延长。竞得后按通知签约、付款；未竞得的，保证金原路退回。</p>"
        ),
    },
    {
        "slug": "deposit-and-payment",
        "title": "保证金、价款和服务费怎样交、怎样退",
        "summary": "均通过本平台在线支付，收据可下载；未成交的保证金原路退回。",
        "body": (
            "<p>保证金、成交价款和交易服务费都在本平台在线支付，付款后可下载电子收据。成交的，"
            "保证金抵作价款；未成交或未取得竞买资格的，保证金在交易结束后原路退回。竞得人无正当理由不签约或"
            "不付款的，保证金不予退还。</p>"
        ),
    },
]

CONTACT_INTRO = (
    "<p>交易中心负责全州农村产权流转交易的信息发布、组织交易、合同鉴证和资金结算；"
    "各乡镇（街道）服务站受理农户委托、提供政策咨询。农户办事请就近到迁出地乡镇服务站。</p>"
)

NEWS = [
    {
        "slug": "platform-online",
        "title": "湘西州农村产权流转交易平台上线试运行",
        "days_ago": 20,
        "summary": "全州土地经营权、林权流转可在网上挂牌、竞价、签约和结算。",
        "body": (
            "<p>按照《湘西自治州强化易地扶贫搬迁后续扶持工作十条措施（试行）》（州政发〔2020〕21号）"
            "“建立州、县两级农村集体产权流转交易中心和乡镇（街道）农村集体产权交易服务站”的要求，"
            "湘西州农村产权流转交易平台即日起试运行。</p>"
            "<p>易地扶贫搬迁群众可在迁出地乡镇服务站委托挂牌，龙头企业、农民专业合作社、家庭农场等经营主体"
            "可在网上注册、竞买登记、交纳保证金和参加网络竞价，成交结果和鉴证书均可在本平台查询。</p>"
        ),
    },
    {
        "slug": "storage-pilot",
        "title": "古丈县开展搬迁群众承包地保底收储试点",
        "days_ago": 12,
        "summary": "搬迁户的承包地、林地可由县收储中心以保底价收储，再集中连片流转。",
        "body": (
            "<p>根据州政发〔2020〕21号“开展易地扶贫搬迁群众承包地收储试点工作”的部署，古丈县收储中心对搬迁对象"
            "的承包地、林地以保底价进行兜底收储，收储土地的流转信息统一在本平台发布，引进符合条件的龙头企业"
            "集中连片流转开发。</p><p>有意愿的搬迁户可到迁出地乡镇服务站咨询办理。</p>"
        ),
    },
    {
        "slug": "forest-insurance",
        "title": "搬迁后的林地请积极投保政策性森林保险",
        "days_ago": 5,
        "summary": "林木受灾后，保险机构及时将50%的理赔资金支付给搬迁群众。",
        "body": (
            "<p>州政发〔2020〕21号要求大力推广政策性森林保险，鼓励搬迁群众对搬迁后的林地积极投保，"
            "降低因脱管失管引起的林木受灾损失。林权流转的，可在合同中约定由受让方投保。</p>"
        ),
    },
    {
        "slug": "agribusiness-registration-open",
        "title": "经营主体网上注册开通",
        "days_ago": 1,
        "summary": "经营主体可在网上自助注册账户，确认邮箱和手机后即可办理。",
        "body": (
            "<p>即日起，龙头企业、农民专业合作社、家庭农场和公司可点击页面右上角“注册”自助开户。"
            "公司和个体工商户的账户由交易中心核对营业执照后开通。详见“办事指南”。</p>"
        ),
    },
]


def seed(log):
    home = structure.home()
    intro = (
        "<p>湘西州农村产权流转交易平台为全州农户、村集体和新型农业经营主体提供土地经营权、林权"
        "流转的挂牌、竞价、签约、结算和鉴证服务。易地扶贫搬迁户可在迁出地乡镇服务站办理。</p>"
    )
    hotline = "0743-8000000（演示）"
    if home.intro != intro or home.hotline != hotline:
        home.intro, home.hotline = intro, hotline
        home.save_revision().publish()
        log("home page text")
    footer_seed(log)
    menu_seed(log)
    news_seed(log)


def footer_seed(log):
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        return
    footer = SiteFooterSettings.for_site(site)
    if not footer.organisation:
        for name, value in FOOTER.items():
            setattr(footer, name, value)
        footer.save()
        log("site footer")


def _text(page, **fields):
    """Fill the page's empty fields with the demo text: a field staff wrote is left alone."""
    empty = [name for name, value in fields.items() if not getattr(page, name)]
    if not empty:
        return False
    for name in empty:
        setattr(page, name, fields[name])
    page.save_revision().publish()
    return True


def _article(parent, spec):
    page = ArticlePage.objects.child_of(parent).filter(slug=spec["slug"]).first()
    if page is not None:
        return False
    parent.add_child(
        instance=ArticlePage(
            title=spec["title"],
            slug=spec["slug"],
            issuer=spec.get("issuer", ""),
            doc_number=spec.get("doc_number", ""),
            date=spec.get("date"),
            summary=spec["summary"],
            body=spec["body"],
        )
    )
    return True


def menu_seed(log):
    structure.menu_pages()
    policy = structure.section("policy", "政策法规")
    guide = structure.section("guide", "办事指南")
    made = _text(policy, intro=POLICY_INTRO) | _text(guide, intro=GUIDE_INTRO)
    made |= _text(structure.contact(), intro=CONTACT_INTRO)
    for spec in POLICY_ARTICLES:
        made |= _article(policy, spec)
    for spec in GUIDE_ARTICLES:
        made |= _article(guide, spec)
    if made:
        log("menu pages: 政策法规, 办事指南, 联系我们")


def news_seed(log):
    index = structure.news_index()
    if not index.intro:
        index.intro = "<p>交易中心的工作动态和通知。</p>"
        index.save_revision().publish()
    today = timezone.localdate()
    made = 0
    for spec in NEWS:
        if NewsPage.objects.filter(slug=spec["slug"]).exists():
            continue
        index.add_child(
            instance=NewsPage(
                title=spec["title"],
                slug=spec["slug"],
                date=today - dt.timedelta(days=spec["days_ago"]),
                summary=spec["summary"],
                body=spec["body"],
            )
        )
        made += 1
    if made:
        log(f"{made} news items")
