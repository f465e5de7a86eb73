"""Rule numbers on pages (issue 16, item 6): staff, auditors and the professional roles see them
as small references; the public, bidders, households and station operators read the sentence
without them.

Messages and help texts cite their rule, "… within 5 working days (R-DEAL-2)." — useful to the
exchange's staff, noise to a household or a bidder. This middleware rewrites the text of HTML
pages (never <script>, <style>, <code>, <textarea> or attribute values): for rule readers a
parenthesised rule number becomes <small class="rule-ref">R-DEAL-2</small>; for everyone else
it is removed with its brackets. Rule numbers in data attributes (tests, scripts) stay.
"""

import re

from django.utils.html import escape

_CODE = r"R-[A-Z]+-\d+[a-z]?"
# "（R-DEAL-2）", "(R-LIST-1, R-RIGHT-6)", "，R-FAIL-1" inside a bracket, or "R-SVC-1：" alone.
_BRACKETED = re.compile(
    r"\s?[（(]\s*(?:" + _CODE + r")(?:\s*(?:[,，、/]|和|及|and)\s*" + _CODE + r")*\s*[）)]"
)
_TRAILING = re.compile(r"\s*[,，、]\s*" + _CODE + r"(?=\s*[）)])")
_BARE = re.compile(r"\b" + _CODE + r"\b")
_SKIP = re.compile(
    r"(<(script|style|code|textarea|pre)\b.*?</\2>|<[^>]*>)", re.IGNORECASE | re.DOTALL
)


def _rewrite_text(text: str, staff: bool) -> str:
    if "R-" not in text:
        return text
    if staff:

        def small(match):
            codes = ", ".join(_BARE.findall(match.group(0)))
            return f' <small class="rule-ref">{escape(codes)}</small>'

        text = _BRACKETED.sub(small, text)
        return _TRAILING.sub(small, text)
    text = _BRACKETED.sub("", text)
    text = _TRAILING.sub("", text)
    return _BARE.sub("", text)


def rewrite(html: str, staff: bool) -> str:
    """Rewrite the text between tags, leaving tags, scripts, styles and code as they are."""
    out, last = [], 0
    for match in _SKIP.finditer(html):
        out.append(_rewrite_text(html[last : match.start()], staff))
        out.append(match.group(0))
        last = match.end()
    out.append(_rewrite_text(html[last:], staff))
    return "".join(out)


# Who sees rule numbers (small): the exchange's staff and auditors, and the professional roles
# whose screens show "the rule that applies next to the button" (UX.md). Not the public,
# bidders, households or station operators.
RULE_READERS = ("exchange_staff", "auditor", "storage_operator", "insurer", "forestry_inspector")


def reads_rules(user) -> bool:
    return bool(
        getattr(user, "is_authenticated", False)
        and (user.is_superuser or getattr(user, "role", "") in RULE_READERS)
    )


class RuleReferenceMiddleware:
    """Applies `rewrite` to complete HTML responses (not streamed, not files)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        content_type = response.get("Content-Type", "")
        if (
            getattr(response, "streaming", False)
            or not content_type.startswith("text/html")
            or response.status_code in (204, 304)
            or request.path.startswith(("/cms-admin/", "/django-admin/"))
        ):
            return response
        charset = response.charset or "utf-8"
        html = response.content.decode(charset, errors="replace")
        if "R-" not in html:
            return response
        new = rewrite(html, reads_rules(getattr(request, "user", None)))
        if new != html:
            response.content = new.encode(charset)
            if response.has_header("Content-Length"):
                response["Content-Length"] = str(len(response.content))
        return response
