"""Humane labels (issue 16, item 6): raw names of the machinery never reach a reader alone."""

import datetime as dt

from django.template import Context, Template
from django.utils import translation

from marketplace import labels


def render(source, **context):
    with translation.override("zh-hans"):
        return Template("{% load humane %}" + source).render(Context(context))


def test_audit_actions_read_as_words_known_or_not():
    with translation.override("zh-hans"):
        assert labels.action_label("listing.created") == "挂牌项目已登记"
        assert labels.action_label("contract.signed") == "合同已签署"  # object + verb
        assert labels.action_label("deal.something_new") == "交易：已记录"
        assert labels.action_label("x.y") == "已记录事件"
        labels.register_action_labels({"x.y": "测试事件"})
        assert labels.action_label("x.y") == "测试事件"


def test_actors_webhook_events_and_ledger_accounts_in_words():
    assert render("{{ a|actor_name }}", a="system") == "系统"
    assert render("{{ a|actor_name }}", a="州交易中心 审核员") == "州交易中心 审核员"
    assert render("{{ e|webhook_event }}", e="payment_intent.succeeded") == "支付成功"
    assert render("{{ e|webhook_event }}", e="whatever.new") == "支付平台通知"
    html = render("{{ k|ledger_account }}", k="deposit_held:payable:1")
    assert "deposit_held" not in html and "#1" in html
    assert render("{{ a|action_label }}", a="listing.published").startswith("已发布")


def test_dates_in_text_are_written_in_chinese():
    assert labels.cn_date_text(dt.date(2027, 1, 1)) == "2027年1月1日"
    assert labels.cn_date_text(None) == ""
