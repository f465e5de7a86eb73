"""Rule numbers on pages (issue 16, item 6): small references for staff, gone for the public."""

from types import SimpleNamespace

from marketplace.rule_refs import reads_rules, rewrite

HTML = (
    '<p class="muted">截止时间顺延（R-BID-4）。</p><div data-rule="R-LIST-3">三个三 (R-SVC-1)：受理</div>'
    "<label>新挂牌价（元，最多降低 20 %，R-FAIL-1）</label><p>另一乡镇 (R-LIST-1, R-RIGHT-6).</p>"
    '<script>var a = "(R-BID-4)";</script><code>R-DEAL-2</code>'
)


def test_the_public_reads_the_sentence_without_rule_numbers():
    out = rewrite(HTML, staff=False)
    assert "截止时间顺延。" in out and "三个三：受理" in out
    assert "最多降低 20 %）" in out and "另一乡镇." in out
    text_only = out.split("<script>")[0].replace('data-rule="R-LIST-3"', "")
    assert "R-" not in text_only
    # attributes, scripts and code stay as they are
    assert 'data-rule="R-LIST-3"' in out and '"(R-BID-4)"' in out and "<code>R-DEAL-2</code>" in out


def test_staff_see_rule_numbers_as_small_references():
    out = rewrite(HTML, staff=True)
    assert '截止时间顺延 <small class="rule-ref">R-BID-4</small>。' in out
    assert '<small class="rule-ref">R-LIST-1, R-RIGHT-6</small>' in out
    assert '20 % <small class="rule-ref">R-FAIL-1</small>）' in out


def test_who_reads_rule_numbers():
    def user(role, superuser=False):
        return SimpleNamespace(is_authenticated=True, is_superuser=superuser, role=role)

    assert reads_rules(user("exchange_staff")) and reads_rules(user("auditor"))
    assert reads_rules(user("insurer")) and reads_rules(user("", superuser=True))
    assert not reads_rules(user("station_operator"))
    assert not reads_rules(user("agribusiness")) and not reads_rules(user("household"))
    assert not reads_rules(SimpleNamespace(is_authenticated=False))
