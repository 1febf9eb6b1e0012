"""Screenshots of a running Qiao at phone and desktop widths, in both interface languages.

    .venv/bin/python scripts/screenshots.py http://127.0.0.1:8000 --out test-output/pages
    .venv/bin/python scripts/screenshots.py URL --pages home,note,search --readme

Signs in as the demo account (the documented password) for the pages that need it. With
`--readme` it writes the first screen of the journey (the For-you feed, signed in) at 390 px
and 1440 px in English and Chinese to docs/screenshots/, as small PNGs, the pictures the
README shows. Uses Debian's Chromium through Playwright (`QIAO_CHROMIUM` to point elsewhere).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = os.environ.get("QIAO_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WIDTHS = {"phone": (390, 844), "desktop": (1440, 900)}
LANGUAGES = {"en": "en-US", "zh": "zh-CN"}
DEMO = ("demo", "qiao-demo-pass")


def _pages(page: Any, base: str) -> dict[str, tuple[str, bool]]:
    """name -> (path, needs sign-in), resolved against the running site."""
    page.goto(f"{base}/")
    note = page.locator("a[data-card], [data-card] a").first.get_attribute("href") or "/"
    return {
        "home": ("/", True),
        "home-visitor": ("/", False),
        "note": (note, True),
        "topic": ("/?topic=travel", False),
        "search": ("/search?q=hot+pot", True),
        "search-topics": ("/search?q=travel&kind=topics", True),
        "notifications": ("/notifications", True),
        "profile": ("/u/demo", True),
        "board": ("/u/demo?tab=boards", True),
        "settings": ("/settings", True),
        "compose": ("/compose", True),
        "edit": (None, True),  # type: ignore[dict-item] # filled in below
        "login": ("/login", False),
        "signup": ("/signup", False),
        "photos": ("/about/photos", False),
        "creator": ("/creator/", True),
        "names": ("/names/", False),
    }


def _sign_in(context: Any, base: str, language: str) -> None:
    """Sign in as the demo account and switch its interface language (saved on the
    account, which outranks the cookie once signed in)."""
    page = context.new_page()
    # Land on a page that is not the feed: every feed page shown counts as seen.
    page.goto(f"{base}/login?next=/settings")
    page.fill("input[name=login]", DEMO[0])
    page.fill("input[name=password]", DEMO[1])
    with page.expect_navigation():
        page.press("input[name=password]", "Enter")
    with page.expect_navigation():
        page.click(f"footer button[name=language][value={language}]")
    page.close()


def _shrink(path: Path) -> None:
    """A 256-colour PNG: about a third of the size, and photos still look like photos."""
    from PIL import Image

    with Image.open(path) as img:
        small = img.convert("RGB").quantize(colors=256, dither=Image.Dither.FLOYDSTEINBERG)
    small.save(path, optimize=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("url", help="the running site, e.g. http://127.0.0.1:8000")
    ap.add_argument(
        "--out",
        default=str(ROOT / "test-output" / "pages"),
        help="folder for the screenshots (default: %(default)s)",
    )
    ap.add_argument("--pages", default="", help="comma-separated page names (default: every page)")
    ap.add_argument(
        "--readme",
        action="store_true",
        help="write the README's four pictures to docs/screenshots/ instead",
    )
    ap.add_argument("--full", action="store_true", help="whole pages, not the first screen")
    args = ap.parse_args(argv)
    from playwright.sync_api import sync_playwright

    base = args.url.rstrip("/")
    out = Path(args.out)
    wanted = [p for p in args.pages.split(",") if p]
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for lang, locale in LANGUAGES.items():
            for form, (width, height) in WIDTHS.items():
                phone = form == "phone"
                contexts = {}
                for signed_in in (True, False):
                    ctx = browser.new_context(
                        locale=locale,
                        viewport={"width": width, "height": height},
                        is_mobile=phone,
                        has_touch=phone,
                        device_scale_factor=2 if phone and not args.readme else 1,
                    )
                    ctx.add_cookies(
                        [
                            {
                                "name": "django_language",
                                "value": "zh-hans" if lang == "zh" else "en",
                                "url": base,
                            }
                        ]
                    )
                    if signed_in:
                        _sign_in(ctx, base, "zh-hans" if lang == "zh" else "en")
                    contexts[signed_in] = ctx
                page = contexts[True].new_page()
                if args.readme:
                    page.goto(f"{base}/")
                    page.wait_for_timeout(1500)
                    target = ROOT / "docs" / "screenshots" / f"for-you-{width}-{lang}.png"
                    target.parent.mkdir(parents=True, exist_ok=True)
                    page.screenshot(path=str(target))
                    _shrink(target)
                    print(target, f"{target.stat().st_size // 1024} KB")
                    for ctx in contexts.values():
                        ctx.close()
                    continue
                pages = _pages(page, base)
                page.goto(f"{base}/u/demo")
                own = page.locator("a[href^='/notes/']").first.get_attribute("href")
                pages["edit"] = (f"{own}/edit" if own else "/compose", True)
                for name, (path, needs) in pages.items():
                    if wanted and name not in wanted:
                        continue
                    view = page if needs else contexts[False].new_page()
                    view.goto(f"{base}{path}")
                    view.wait_for_timeout(800)
                    out.mkdir(parents=True, exist_ok=True)
                    target = out / f"{name}-{width}-{lang}.png"
                    view.screenshot(path=str(target), full_page=args.full)
                    scroll = view.evaluate(
                        "document.documentElement.scrollWidth - window.innerWidth"
                    )
                    note = f"  SCROLLS SIDEWAYS by {scroll}px" if scroll > 0 else ""
                    print(f"{target}{note}")
                    if view is not page:
                        view.close()
                for ctx in contexts.values():
                    ctx.close()
        browser.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
