"""docs/rules.md defines every rule id the code, the templates, the tests and the docs cite.

Users of the repository do not have the rulebook the rules were drawn from: an `R-BID-3` in a
docstring or a test name must resolve inside the repository.
"""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RULE_ID = re.compile(r"\bR-[A-Z]+-\d+\b")
DEFINED = re.compile(r"^- \*\*(R-[A-Z]+-\d+)\*\* ", re.MULTILINE)
SOURCES = ("marketplace", "listings", "valuation", "contracts", "cms", "tests", "bench", "scripts")
SUFFIXES = {".py", ".html", ".txt", ".md", ".po"}


def _defined() -> set[str]:
    return set(DEFINED.findall((ROOT / "docs" / "rules.md").read_text(encoding="utf-8")))


def _cited() -> dict[str, str]:
    """{rule id: the first file citing it}."""
    files = [p for source in SOURCES for p in sorted((ROOT / source).rglob("*"))]
    files += sorted((ROOT / "docs").glob("*.md")) + [ROOT / "README.md"]
    cited = {}
    for path in files:
        if path.suffix not in SUFFIXES or not path.is_file():
            continue
        for rule in RULE_ID.findall(path.read_text(encoding="utf-8", errors="replace")):
            cited.setdefault(rule, path.relative_to(ROOT).as_posix())
    return cited


def test_every_rule_id_cited_is_defined_in_docs_rules_md():
    # given every rule id cited in the repository
    cited = _cited()
    # then docs/rules.md defines each of them
    missing = {rule: where for rule, where in cited.items() if rule not in _defined()}
    assert missing == {}


def test_docs_rules_md_defines_every_family_of_rules():
    families = {rule.rsplit("-", 1)[0] for rule in _defined()}
    assert families == {
        "R-TIME", "R-RIGHT", "R-LIST", "R-REG", "R-MODE", "R-BID",
        "R-DEAL", "R-FAIL", "R-STORE", "R-VAL", "R-INS", "R-SVC",
    }  # fmt: skip


def test_the_check_would_find_an_undefined_rule():
    unknown = "R-" + "XYZ-12"  # spelt in two pieces so that this file cites no unknown rule
    assert RULE_ID.findall(f"see R-BID-3 and {unknown}") == ["R-BID-3", unknown]
    assert unknown not in _defined()
