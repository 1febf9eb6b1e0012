"""The creator dashboard: one server-rendered page, charts drawn as inline SVG.

No JavaScript and no inline style attributes (the CSP forbids both): every bar, line and
label position is computed here and written as SVG presentation attributes.
"""

from __future__ import annotations

import math
from datetime import date
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_GET

from qiao.creators import services
from qiao.web.views._base import member, members_only

# Chart box (SVG user units; the SVG scales to the card's width). A narrow variant is drawn
# too and shown on phones by CSS, so labels stay readable without scaling text down.
W, H, W_NARROW = 720, 220, 360
PAD_L, PAD_R, PAD_T, PAD_B = 44, 8, 10, 26


def _language_name(code: str) -> str:
    names = {
        "en": _("English"),
        "zh": _("Chinese"),
        "zh-hans": _("Simplified Chinese"),
        "": pgettext("language", "Not set"),
    }
    return names.get(code, code)


def _nice_max(value: float) -> int:
    """A round axis top at or above value whose quarters are whole numbers (at least 4)."""
    if value <= 4:
        return 4
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 1.2, 1.6, 2, 2.4, 3.2, 4, 6, 8, 10):
        top = step * power
        if top >= value:
            return int(math.ceil(top / 4) * 4)
    return int(math.ceil(10 * power / 4) * 4)  # pragma: no cover


def _short_date(d: date) -> str:
    return f"{d.month}/{d.day}"


def bar_chart(
    daily: list[dict[str, Any]],
    main: str,
    overlay: str | None,
    main_label: str,
    overlay_label: str = "",
    *,
    width: int = W,
    max_labels: int = 8,
) -> dict[str, Any]:
    """Geometry for a daily bar chart (an optional second series drawn inside each bar)."""
    n = len(daily)
    top = _nice_max(max((d[main] for d in daily), default=0))
    plot_w, plot_h = width - PAD_L - PAD_R, H - PAD_T - PAD_B
    slot = plot_w / max(n, 1)
    bar_w = max(1.0, slot * (0.7 if n <= 31 else 0.8))
    label_every = max(1, math.ceil(n / max_labels))
    bars, labels = [], []
    for i, d in enumerate(daily):
        day = date.fromisoformat(d["date"])
        x = PAD_L + i * slot + (slot - bar_w) / 2
        h = plot_h * d[main] / top
        oh = plot_h * d[overlay] / top if overlay else 0.0
        tip = f"{_short_date(day)} · {main_label}: {d[main]}"
        if overlay:
            tip += f" · {overlay_label}: {d[overlay]}"
        bars.append(
            {
                "x": round(x, 2),
                "w": round(bar_w, 2),
                "y": round(PAD_T + plot_h - h, 2),
                "h": round(h, 2),
                "oy": round(PAD_T + plot_h - oh, 2),
                "oh": round(oh, 2),
                "tip": tip,
            }
        )
        if (n - 1 - i) % label_every == 0:
            cx = x + bar_w / 2
            near_end = cx > width - PAD_R - 16  # keep the last date inside the box
            labels.append(
                {
                    "x": round(width - PAD_R if near_end else cx, 2),
                    "anchor": "end" if near_end else "middle",
                    "text": _short_date(day),
                }
            )
    ticks = [
        {"y": round(PAD_T + plot_h - plot_h * k / 4, 2), "value": int(top * k / 4)}
        for k in range(5)
    ]
    return {
        "w": width,
        "h": H,
        "bars": bars,
        "labels": labels,
        "ticks": ticks,
        "left": PAD_L,
        "right": width - PAD_R,
        "label_y": H - 8,
        "tick_x": PAD_L - 6,
        "total": sum(d[main] for d in daily),
    }


def line_chart(series: list[dict[str, Any]], key: str) -> dict[str, Any]:
    """Geometry for a small line chart (follower count), its y range fitted to the data."""
    w, h, pad = 720, 120, 10
    values = [s[key] for s in series] or [0]
    lo, hi = min(values), max(values)
    if hi == lo:
        lo, hi = max(0, lo - 1), hi + 1
    n = max(len(values) - 1, 1)
    pts = [
        (pad + (w - 2 * pad) * i / n, pad + (h - 2 * pad) * (1 - (v - lo) / (hi - lo)))
        for i, v in enumerate(values)
    ]
    points = " ".join(f"{x:.1f},{y:.1f}" for x, y in pts)
    area = f"{pad},{h - pad} {points} {w - pad},{h - pad}"
    return {
        "w": w,
        "h": h,
        "points": points,
        "area": area,
        "lo": lo,
        "hi": hi,
        "last_x": round(pts[-1][0], 1),
        "last_y": round(pts[-1][1], 1),
    }


def _mix_rows(rows: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
    out = []
    for r in rows:
        value = r[key]
        if isinstance(value, list):
            label = (
                " + ".join(_language_name(v) for v in value)
                if value
                else pgettext("language", "Not set")
            )
        else:
            label = _language_name(value)
        share = r["share"] or 0.0
        out.append(
            {
                "label": label,
                "users": r["users"],
                "pct": round(100 * share, 1),
                "w": round(100 * share, 2),
            }
        )
    return out


def _period_links(days: int, order: str) -> list[dict[str, Any]]:
    base = reverse("creators:dashboard")
    labels = {7: _("7 days"), 28: _("28 days"), 90: _("90 days")}
    return [
        {
            "days": d,
            "label": labels[d],
            "current": d == days,
            "url": f"{base}?{urlencode({'days': str(d), 'order': order})}",
        }
        for d in services.PERIODS
    ]


@require_GET
@members_only
def dashboard(request: HttpRequest) -> HttpResponse:
    try:
        days = int(request.GET.get("days", services.DEFAULT_DAYS))
    except ValueError:
        days = services.DEFAULT_DAYS
    if days not in services.PERIODS:
        days = services.DEFAULT_DAYS
    order = "engagement" if request.GET.get("order") == "engagement" else "views"
    data = services.account_analytics(member(request), days=days, order=order)
    s, cross = data["summary"], data["cross_language"]
    engaged = data["audience"]["engaged"]
    viewers = data["audience"]["viewers"]
    base = reverse("creators:dashboard")
    context = {
        "data": data,
        "s": s,
        "cross": cross,
        "days": days,
        "order": order,
        "periods": _period_links(days, order),
        "order_views_url": f"{base}?{urlencode({'days': str(days), 'order': 'views'})}",
        "order_engagement_url": f"{base}?{urlencode({'days': str(days), 'order': 'engagement'})}",
        "pct": {
            k: (None if v is None else round(100 * v, 1))
            for k, v in {
                "open": s["open_rate"],
                "engagement": s["engagement_rate"],
                "cross": cross["cross_viewer_share"],
                "translated": cross["translated_share"],
                "cross_engagers": cross["cross_engager_share"],
            }.items()
        },
        "views_chart": bar_chart(data["daily"], "impressions", "opens", _("Views"), _("Opens")),
        "views_chart_narrow": bar_chart(
            data["daily"],
            "impressions",
            "opens",
            _("Views"),
            _("Opens"),
            width=W_NARROW,
            max_labels=4,
        ),
        "engagement_chart": bar_chart(data["daily"], "engagements", None, _("Engagements")),
        "engagement_chart_narrow": bar_chart(
            data["daily"], "engagements", None, _("Engagements"), width=W_NARROW, max_labels=4
        ),
        "followers_chart": line_chart(data["followers"]["series"], "total"),
        "mix": {
            "engaged_users": engaged["users"],
            "viewer_users": viewers["users"],
            "engaged_read": _mix_rows(engaged["read_languages"], "language"),
            "engaged_combo": _mix_rows(engaged["read_combinations"], "languages"),
            "engaged_ui": _mix_rows(engaged["ui_languages"], "language"),
            "viewer_read": _mix_rows(viewers["read_languages"], "language"),
        },
        "top_notes": [
            {
                **n,
                "language_name": _language_name(n["language"] or ""),
                "author_version_names": ", ".join(_language_name(x) for x in n["author_versions"]),
                "rate_pct": None
                if n["engagement_rate"] is None
                else round(100 * n["engagement_rate"], 1),
                "cross_pct": None
                if n["cross_viewer_share"] is None
                else round(100 * n["cross_viewer_share"], 1),
            }
            for n in data["top_notes"]
        ],
    }
    response = render(request, "creators/dashboard.html", context)
    response["Cache-Control"] = "private, no-store"
    return response
