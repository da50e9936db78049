"""Dose arithmetic: mg/kg/day, cumulative mg/kg after a prescription, target dates.

Threshold decisions are exact: every number is taken as the decimal it was written as
(`Decimal(repr(x))`), and comparisons multiply instead of divide, so 2.0 mg/kg/day at
124.6 mg for 62.3 kg is exactly 2.0, never 2.0000000000000004.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_CEILING, ROUND_HALF_UP, Context, Decimal
from fractions import Fraction

_CTX = Context(prec=80)
_CENT = Decimal("0.01")


def exact(x: float | int) -> Decimal:
    """The decimal a number was written as (0.1 is 0.1, not its binary neighbour)."""
    return Decimal(repr(x)) if isinstance(x, float) else Decimal(x)


def above(amount: float, per: float, limit: float) -> bool:
    """amount / per > limit, decided exactly."""
    return _CTX.multiply(exact(limit), exact(per)) < exact(amount)


def round2(value: Decimal | Fraction) -> float:
    """Rounded half up to 2 decimals, as the check output shows numbers."""
    if isinstance(value, Fraction):
        value = _CTX.divide(Decimal(value.numerator), Decimal(value.denominator))
    # Enough digits for the whole part too: a valid cumulative_mg may be near 1e308.
    digits = max(_CTX.prec, value.adjusted() + 3)
    return float(value.quantize(_CENT, rounding=ROUND_HALF_UP, context=Context(prec=digits)))


def mg_per_kg_day(mg_per_day: float, weight_kg: float) -> Decimal:
    return _CTX.divide(exact(mg_per_day), exact(weight_kg))


def cumulative_mg(cumulative_before: float, mg_per_day: float, days_supply: int) -> Decimal:
    """Cumulative mg after this prescription: before + mg/day x days."""
    return _CTX.add(exact(cumulative_before), _CTX.multiply(exact(mg_per_day), exact(days_supply)))


def cumulative_mg_per_kg(
    cumulative_before: float, mg_per_day: float, days_supply: int, weight_kg: float
) -> Decimal:
    total = cumulative_mg(cumulative_before, mg_per_day, days_supply)
    return _CTX.divide(total, exact(weight_kg))


def cumulative_above(
    cumulative_before: float, mg_per_day: float, days_supply: int, weight_kg: float, limit: float
) -> bool:
    """Cumulative mg/kg after this prescription above `limit`, decided exactly."""
    total = cumulative_mg(cumulative_before, mg_per_day, days_supply)
    return total > _CTX.multiply(exact(limit), exact(weight_kg))


@dataclass(frozen=True, slots=True)
class TargetDate:
    """When cumulative `mg_per_kg` is reached; `on` is None if already reached before the
    first dose of this prescription (`already_reached`) or beyond the calendar."""

    mg_per_kg: float
    on: date | None
    already_reached: bool


def dates_reaching(
    start: date,
    weight_kg: float,
    mg_per_day: float,
    cumulative_before: float,
    targets: tuple[float, ...] = (120.0, 150.0),
) -> tuple[TargetDate, ...]:
    """The dates on which each cumulative target (mg/kg) is reached at the current dose.

    One daily dose from `start` (the visit date, day 1 of this prescription) onward: the
    target is reached on the first day whose dose brings the cumulative total to it.
    """
    out: list[TargetDate] = []
    per_day = exact(mg_per_day)
    before = exact(cumulative_before)
    weight = exact(weight_kg)
    for target in targets:
        need = _CTX.subtract(_CTX.multiply(exact(target), weight), before)
        if need <= 0:
            out.append(TargetDate(target, None, True))
            continue
        # 80 significant digits: a quotient that is not a whole number never rounds to one.
        days = int(_CTX.divide(need, per_day).to_integral_value(rounding=ROUND_CEILING))
        try:
            out.append(TargetDate(target, start + timedelta(days=days - 1), False))
        except OverflowError:
            out.append(TargetDate(target, None, False))
    return tuple(out)
