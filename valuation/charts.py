"""A horizontal bar chart as plain numbers for an inline SVG (no JavaScript library)."""

from decimal import Decimal

LABEL_WIDTH = 150
BAR_AREA = 330
ROW_HEIGHT = 30


def bar_chart(items):
    """items: [{"label", "value" (Decimal yuan), "kind"}] → rows with SVG coordinates."""
    top = max((item["value"] for item in items), default=Decimal(0)) or Decimal(1)
    rows = []
    for index, item in enumerate(items):
        width = int(item["value"] / top * BAR_AREA) if item["value"] > 0 else 0
        rows.append(
            {
                **item,
                "y": index * ROW_HEIGHT,
                "text_y": index * ROW_HEIGHT + 21,
                "x": LABEL_WIDTH,
                "width": max(width, 1),
                "value_x": LABEL_WIDTH + max(width, 1) + 6,
            }
        )
    return {
        "rows": rows,
        "width": LABEL_WIDTH + BAR_AREA + 110,
        "height": max(len(rows), 1) * ROW_HEIGHT + 4,
        "label_x": LABEL_WIDTH - 8,
    }
