"""Where an order goes on the nurses' due list, by its target date and status.

The groups, in the order the list shows them:
  overdue    still to be taken and the due window has closed (before today)
  today      the target date is today or has passed, the window is still open
  week       the target date is in the next 7 days
  month      the target date is 8 to `horizon_days` (30) days away
  collected  the sample was taken; the results are awaited
  resulted   results entered (the list shows the recent ones)
A planned or printed order further ahead than the horizon, and a cancelled one, has no
group (None): it is not on the list.
"""

from __future__ import annotations

from datetime import date, timedelta

GROUPS: tuple[tuple[str, str], ...] = (
    ("overdue", "Overdue"),
    ("today", "Due today"),
    ("week", "This week"),
    ("month", "Next 30 days"),
    ("collected", "Collected, awaiting results"),
    ("resulted", "Recent results"),
)
GROUP_KEYS: tuple[str, ...] = tuple(key for key, _ in GROUPS)
GROUP_TITLES: dict[str, str] = dict(GROUPS)
WEEK_DAYS = 7
HORIZON_DAYS = 30
TO_TAKE = ("planned", "printed")  # statuses whose sample is still to be taken


def due_group(
    status: str,
    due: date,
    due_until: date,
    today: date,
    horizon_days: int = HORIZON_DAYS,
) -> str | None:
    """The due-list group of an order (see the module docstring), or None if not listed."""
    if status == "collected":
        return "collected"
    if status == "resulted":
        return "resulted"
    if status not in TO_TAKE:
        return None
    if due_until < today:
        return "overdue"
    if due <= today:
        return "today"
    if due <= today + timedelta(days=WEEK_DAYS):
        return "week"
    if due <= today + timedelta(days=horizon_days):
        return "month"
    return None


def target_date(due_from: date, due_until: date, due: date | None) -> date:
    """The order's target date: its schedule due date when known and inside the window,
    else the last day of the window."""
    if due is not None and due_from <= due <= due_until:
        return due
    return due_until
