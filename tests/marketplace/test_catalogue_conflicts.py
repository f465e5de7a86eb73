"""One msgid, one meaning: the catalogue check fails when two apps translate a msgid two ways,
or when an app silently replaces Django's or Wagtail's word (the Wagtail menu read 页数/文书)."""

from pathlib import Path

import pytest

from marketplace.management.commands import compilemessages_all as command

HEADER = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'


def _po(tmp_path: Path, app: str, entries: str) -> Path:
    po = tmp_path / app / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
    po.parent.mkdir(parents=True)
    po.write_text(HEADER + entries, encoding="utf-8")
    return po


@pytest.fixture
def two_apps(tmp_path, monkeypatch, settings):
    settings.BASE_DIR = tmp_path

    def use(first: str, second: str):
        pos = [_po(tmp_path, "one", first), _po(tmp_path, "two", second)]
        monkeypatch.setattr(command, "catalogues", lambda: iter(pos))

    return use


def test_the_same_msgid_translated_two_ways_is_a_conflict(two_apps):
    two_apps('msgid "Method"\nmsgstr "评估方法"\n', 'msgid "Method"\nmsgstr "签署方式"\n')
    problems = command.translation_conflicts()
    assert any("'Method' is translated differently" in p for p in problems)


def test_message_contexts_keep_two_meanings_apart(two_apps):
    two_apps(
        'msgctxt "valuation"\nmsgid "Method"\nmsgstr "评估方法"\n',
        'msgctxt "signing"\nmsgid "Method"\nmsgstr "签署方式"\n',
    )
    assert command.translation_conflicts() == []


def test_replacing_wagtails_word_without_a_context_is_a_conflict(two_apps):
    two_apps('msgid "Pages"\nmsgstr "页数"\n', 'msgid "Unrelated words"\nmsgstr "无关"\n')
    problems = command.translation_conflicts()
    assert any("'Pages'" in p and "Wagtail" in p for p in problems)
