"""Date-axis arithmetic for the charts: where the ticks go and how they are labelled."""

from __future__ import annotations

from datetime import date

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def scale_x(day: date, start: date, end: date, left: float, right: float) -> float:
    span = (end - start).days or 1
    return left + (day - start).days / span * (right - left)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def date_ticks(start: date, end: date, max_ticks: int) -> list[date]:
    """Month starts inside [start, end], every 1, 2, 3, 6 or 12 months, at most max_ticks.

    A span shorter than two months gets weekly ticks instead.
    """
    max_ticks = max(max_ticks, 2)
    if (end - start).days < 62:
        step_days = 7
        while (end - start).days // step_days + 1 > max_ticks:
            step_days += 7
        monday = start.toordinal() + (7 - start.weekday()) % 7  # the first Monday
        return [date.fromordinal(o) for o in range(monday, end.toordinal() + 1, step_days)]
    first = start if start.day == 1 else _add_months(start, 1)
    months = (end.year - first.year) * 12 + end.month - first.month + 1
    step = next((s for s in (1, 2, 3, 6, 12, 24) if months / s <= max_ticks), 60)
    ticks: list[date] = []
    tick = date(first.year, first.month, 1)
    if step >= 12 and tick.month != 1:
        tick = date(tick.year + 1, 1, 1)
    while tick <= end:
        ticks.append(tick)
        tick = _add_months(tick, step)
    return ticks


def format_tick_date(day: date, start: date, end: date) -> str:
    """'3 Mar' on short spans, 'Mar 2024' on long ones (month ticks)."""
    if (end - start).days < 62:
        return f"{day.day} {MONTHS[day.month - 1]}"
    return f"{MONTHS[day.month - 1]} {day.year}"
