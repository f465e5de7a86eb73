"""Checks the layout tests share (issue 16 §3, §12): no sideways scrolling at a width, and axe-core
(bundled by axe-playwright-python, served from the package: nothing from the network) clean of
serious and critical violations."""

from axe_playwright_python.sync_playwright import Axe

PHONE = {"width": 390, "height": 844}
TABLET = {"width": 768, "height": 1024}
TABLET_WIDE = {"width": 1024, "height": 768}
ZOOM_200 = {"width": 640, "height": 450}  # a 1280 x 900 window zoomed to 200 % (WCAG 1.4.10)
BLOCKING = {"serious", "critical"}

_axe = Axe()


def horizontal_overflow(page) -> int:
    """How many CSS pixels the page is wider than the window (0: no sideways scroll)."""
    return page.evaluate(
        "() => { const e = document.scrollingElement;"
        " return Math.max(0, e.scrollWidth - e.clientWidth); }"
    )


def assert_no_horizontal_scroll(page, where=""):
    overflow = horizontal_overflow(page)
    if overflow:
        culprits = page.evaluate(
            "() => { const w = document.scrollingElement.clientWidth; return Array.from("
            "document.querySelectorAll('body *')).filter(e => e.getBoundingClientRect().right > w + 1)"
            ".slice(0, 5).map(e => e.tagName + '.' + e.className + '#' + e.id); }"
        )
        raise AssertionError(
            f"{where or page.url} scrolls sideways by {overflow}px at width "
            f"{page.viewport_size['width']}: {culprits}"
        )


def blocking_violations(page) -> list[str]:
    results = _axe.run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(node["target"][0] if node["target"] else "" for node in v["nodes"][:3])
        for v in results.response["violations"]
        if v.get("impact") in BLOCKING
    ]


def assert_accessible(page, where=""):
    problems = blocking_violations(page)
    assert not problems, f"axe-core on {where or page.url}:\n" + "\n".join(problems)


def at_widths(page, path, widths=(PHONE, ZOOM_200, TABLET, TABLET_WIDE)):
    """Open `path` at each width and check that nothing scrolls sideways."""
    for size in widths:
        page.set_viewport_size(size)
        page.goto(page.base_url + path)
        assert_no_horizontal_scroll(page, f"{path} @ {size['width']}px")
