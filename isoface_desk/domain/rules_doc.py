"""The rules reference (docs/rules.md) and a short plain listing, built from the catalog.

`rules_markdown(catalog)` writes every rule with its code, severity, the visits and
patients it looks at, its numbers under each profile and its basis texts, after the
profiles themselves; `rules_listing(catalog)` is one line per rule and per profile. Both
are deterministic: the same forms/ always give the same text, so a test can tell when the
checked-in docs/rules.md no longer says what the engine enforces.
"""

from __future__ import annotations

from collections.abc import Iterable

from isoface_desk.domain.catalog import Catalog
from isoface_desk.domain.findings import CODES, TOPIC
from isoface_desk.domain.profiles import Profile
from isoface_desk.domain.rules_doc_text import (
    CONTRACEPTION_RULES_TEXT,
    F_E,
    I_F,
    I_F_E,
    I_ONLY,
    RuleDoc,
    Section,
    method_classes,
    ordered_profiles,
    sections,
)

REGENERATE = "isoface-desk rules --markdown > docs/rules.md"
_SHORT = {I_F_E: "I F E", I_F: "I F", I_ONLY: "I", F_E: "F E"}
_TOPIC_TITLES = {"mental_health": "mental health", "sexual_function": "sexual function"}


def documented_codes() -> tuple[str, ...]:
    """The codes the reference describes, in its order (the same as findings.CODES)."""
    return tuple(rule.code for section in sections() for rule in section.rules)


def rules_markdown(catalog: Catalog) -> str:
    """The whole reference as Markdown, ending with one newline."""
    _check_complete()
    profiles = ordered_profiles(catalog)
    parts = [_head(), _profiles(profiles), _contraception(catalog)]
    parts += [_section(s, catalog, profiles) for s in sections()]
    return "\n\n".join(parts) + "\n"


def rules_listing(catalog: Catalog) -> str:
    """A short plain listing: every rule (code, severity, visits) and every profile."""
    _check_complete()
    lines = [f"{'code':<30} {'severity':<22} applies (I initiation, F follow-up, E end)"]
    profiles = ordered_profiles(catalog)
    for section in sections():
        for rule in section.rules:
            who = "" if rule.who == "every patient" else f", {rule.who}"
            if rule.only_if is not None:
                who += "; only " + ", ".join(_enforcing(rule, profiles))
            lines.append(f"{rule.code:<30} {rule.severity:<22} {_SHORT[rule.applies]}{who}")
    lines += ["", f"{'profile':<18} {'from':<11} {'until':<11} title"]
    for p in profiles:
        until = p.valid_until.isoformat() if p.valid_until else "-"
        lines.append(f"{p.id:<18} {p.valid_from.isoformat():<11} {until:<11} {p.title}")
    return "\n".join(lines) + "\n"


def _check_complete() -> None:
    """Every finding code of the engine described once, in the engine's order."""
    if documented_codes() != CODES:
        missing = sorted(set(CODES) - set(documented_codes()))
        raise RuntimeError(f"domain/rules_doc_text.py does not follow findings.RULES: {missing}")


def _head() -> str:
    return "\n".join([
        "# Safety rules reference",
        "",
        f"> Generated from the files under `forms/` by `isoface-desk rules --markdown`. Do not "
        f"edit it by hand: change `forms/` (or the rules), then run `{REGENERATE}`. A test "
        "fails while this file is stale.",
        "",
        "This is what Isoface Desk checks before isotretinoin is prescribed: every rule of "
        "the safety engine, the visits and patients it looks at, the numbers it uses under "
        "each jurisdiction profile, and the basis shown beside its finding. The same rules "
        "run in the visit checklist while it is filled in, when it is signed and printed, and "
        "in the headless `isoface-desk check` (see [check-format.md](check-format.md)).",
        "",
        "## Severities and verdict",
        "",
        "| severity | what it means |",
        "|---|---|",
        "| block | A hard stop: the checklist cannot be signed or printed while it stands. "
        "There is no override. |",
        "| warn | The prescriber must write a justification, which is stored with the record "
        "and printed, before signing. |",
        "| info | Shown and stored; it never stops anything. |",
        "",
        "A visit with any block is *blocked*; otherwise one with any warning *needs review*; "
        "otherwise it is *clear*. Findings are listed blocks first, then warnings, then "
        "information, each in the order of this reference.",
        "",
        "Visits: *initiation* starts a course, *follow-up* continues it, *end-of-course* "
        "closes it without a prescription.",
    ])  # fmt: skip


def _profiles(profiles: Iterable[Profile]) -> str:
    rows = [
        "## Profiles",
        "",
        "A profile holds one jurisdiction's numbers and basis texts (`forms/profiles/`). The "
        "clinic chooses one, and a visit may name another. A family name (`uk-mhra`) means "
        "the version in force on the visit date; an exact id (`uk-mhra-2026`) is applied "
        "whatever the date. A visit dated before a family's first version is refused, unless "
        "that version says earlier dates belong to it.",
        "",
        "| id | family | title | in force from | until | earlier dates |",
        "|---|---|---|---|---|---|",
    ]
    footers = ["", "The basis printed at the foot of each document:", ""]
    for p in profiles:
        until = p.valid_until.isoformat() if p.valid_until else "-"
        earlier = "resolve here" if p.earlier_dates_resolve_here else "refused"
        rows.append(f"| `{p.id}` | `{p.family}` | {_cell(p.title)} | "
                    f"{p.valid_from.isoformat()} | {until} | {earlier} |")  # fmt: skip
        footers.append(f"- **{p.id}**: {_basis(p, 'footer')}")
    return "\n".join(rows + footers)


def _contraception(catalog: Catalog) -> str:
    lines = [
        "## Contraception rules",
        "",
        "Each profile names one of three rules for when the contraception of a patient who "
        "can get pregnant is enough:",
        "",
        *CONTRACEPTION_RULES_TEXT,
        *method_classes(catalog),
    ]
    return "\n".join(lines)


def _section(section: Section, catalog: Catalog, profiles: tuple[Profile, ...]) -> str:
    parts = [f"## {section.title}\n\n{section.intro}"]
    parts += [_rule(rule, catalog, profiles) for rule in section.rules]
    parts.append(_basis_block(section, profiles))
    return "\n\n".join(parts)


def _rule(rule: RuleDoc, catalog: Catalog, profiles: tuple[Profile, ...]) -> str:
    topic = TOPIC[rule.code]
    lines = [
        f"### {rule.code}",
        "",
        f"- **Severity:** {rule.severity}",
        f"- **Applies to:** {rule.applies}; {rule.who}",
    ]
    if rule.only_if is not None:
        on = ", ".join(_enforcing(rule, profiles)) or "no profile"
        lines.append(f"- **Only where** {rule.only_if.reason}: {on}")
    lines += [
        f"- **Fires when:** {rule.when}",
        f"- **Basis:** the profile's *{_topic_title(topic)}* text, at the end of this section",
    ]
    lines += _numbers(rule, profiles)
    if rule.details is not None:
        lines += rule.details(catalog)
    return "\n".join(lines)


def _enforcing(rule: RuleDoc, profiles: tuple[Profile, ...]) -> list[str]:
    only = rule.only_if
    return [p.id for p in profiles if only is None or only.enforced(p)]


def _numbers(rule: RuleDoc, profiles: tuple[Profile, ...]) -> list[str]:
    """The rule's numbers: one line when every profile gives the same, else a table with a
    row per profile (and whether it enforces the rule, when some do not)."""
    if not rule.numbers:
        return []
    if rule.only_if is None:
        values = {tuple(n.value(p) for n in rule.numbers) for p in profiles}
        if len(values) == 1:
            same = "; ".join(f"{n.header}: {v}" for n, v in zip(rule.numbers, *values, strict=True))
            return [f"- **The same under every profile:** {same}"]
    headers = ([] if rule.only_if is None else ["enforced"]) + [n.header for n in rule.numbers]
    lines = ["", "| profile | " + " | ".join(headers) + " |", "|---|" + "---|" * len(headers)]
    for p in profiles:
        on = rule.only_if is None or rule.only_if.enforced(p)
        cells = [] if rule.only_if is None else ["yes" if on else "no"]
        cells += [_cell(n.value(p)) if on else "-" for n in rule.numbers]
        lines.append(f"| {p.id} | " + " | ".join(cells) + " |")
    return lines


def _basis_block(section: Section, profiles: tuple[Profile, ...]) -> str:
    """The basis texts of the section's topics; profiles giving the same text share a line."""
    lines = [f"### Basis: {section.title.lower()}"]
    for topic in section.basis_topics:
        lines += ["", f"*{_topic_title(topic).capitalize()}*", ""]
        lines += [f"- **{', '.join(ids)}**: {text}" for text, ids in _grouped(profiles, topic)]
    return "\n".join(lines)


def _grouped(profiles: tuple[Profile, ...], topic: str) -> list[tuple[str, list[str]]]:
    by_text: dict[str, list[str]] = {}
    for p in profiles:
        by_text.setdefault(_basis(p, topic), []).append(p.id)
    return list(by_text.items())


def _basis(profile: Profile, topic: str) -> str:
    return profile.basis.get(topic) or "(no basis text in this profile)"


def _topic_title(topic: str) -> str:
    return _TOPIC_TITLES.get(topic, topic)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")
