"""Loading and validating the checklist files (forms/checklists/<visit kind>.toml).

Every problem names the file, the key path and what is wrong, for instance
``checklists/initiation.toml: sections[1].questions[1].when.answer: 'pregnancy_potentail'
is not an earlier question``. Unknown keys are errors. A question's `field` must be a
check-format field its answer type can fill (checklist_fields.FIELD_SPECS), used once
per form; conditions may refer only to earlier questions, so they cannot loop. With
`refs` (from the catalog), code lists, code values and profile patterns are checked
against forms/codes and forms/profiles as well.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from isoface_desk.domain.checklist_conditions import ConditionReader
from isoface_desk.domain.checklist_fields import FIELD_SPECS, REQUIRED_FIELDS, FieldSpec
from isoface_desk.domain.checklist_help import read_help
from isoface_desk.domain.checklist_model import ANSWER_TYPES, Form, Option, Question, Section
from isoface_desk.domain.formdata import Reader, file_hash, load_toml
from isoface_desk.domain.visit import VISIT_KINDS
from isoface_desk.errors import FormDataError

if TYPE_CHECKING:
    from isoface_desk.domain.catalog import Catalog

#: The code lists of forms/codes (file names), used when no catalog is given.
CODE_LISTS: tuple[str, ...] = ("contraception-methods", "counselling", "conditions",
                               "allergies", "excipients", "potential-reasons")  # fmt: skip
SUGGESTIONS: tuple[str, ...] = ("medicines",)
_QUESTION_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_SECTION_ID = re.compile(r"^[a-z][a-z0-9-]*$")
_COMMON = ("id", "label", "help", "profile_help", "type", "field", "covers", "required",
           "required_when", "when")  # fmt: skip
_BY_TYPE: dict[str, tuple[str, ...]] = {
    "bool": ("default",),
    "choice": ("options", "codes", "default"),
    "multi-choice": ("options", "codes", "allow_other"),
    "date": (),
    "number": ("unit", "min", "max", "exclusive_min", "integer", "default"),
    "text": ("suggest", "default"),
    "records": ("fields",),
    "questionnaire": ("questionnaire",),
    "signature": ("signer",),
}
_ALL_KEYS = {*_COMMON, *(k for keys in _BY_TYPE.values() for k in keys)}


@dataclass(frozen=True)
class FormRefs:
    """What forms may refer to outside their own file: code lists (by file name, with their
    codes), profile ids and questionnaire ids."""

    code_lists: Mapping[str, frozenset[str]]
    profile_ids: frozenset[str]
    questionnaires: frozenset[str] = frozenset({"phq9"})


def refs_from_catalog(catalog: Catalog, forms_dir: Path | None = None) -> FormRefs:
    """FormRefs from a loaded catalog (and the questionnaire files beside it)."""
    c = catalog.codes
    folder = (forms_dir or catalog.forms_dir) / "questionnaires"
    return FormRefs(
        code_lists={
            "contraception-methods": frozenset(c.methods),
            "counselling": frozenset(i.code for i in c.counselling),
            "conditions": frozenset(c.conditions),
            "allergies": frozenset(c.allergies),
            "excipients": frozenset(c.excipients),
            "potential-reasons": frozenset(c.reasons),
        },
        profile_ids=frozenset(catalog.profiles),
        questionnaires=frozenset(p.stem for p in folder.glob("*.toml")),
    )


def default_refs(forms_dir: Path) -> FormRefs:
    """References checked without a catalog: list names only, the profile ids of the spec."""
    from isoface_desk.domain.catalog import REQUIRED_PROFILES

    return FormRefs(
        code_lists={name: frozenset() for name in CODE_LISTS},
        profile_ids=frozenset(REQUIRED_PROFILES),
        questionnaires=frozenset(p.stem for p in (forms_dir / "questionnaires").glob("*.toml")),
    )


def load_checklists(forms_dir: Path, refs: FormRefs | None = None) -> dict[str, Form]:
    """Every checklist, by visit kind; one FormDataError lists every file's problems."""
    folder = forms_dir / "checklists"
    refs = refs or default_refs(forms_dir)
    problems: list[str] = []
    forms: dict[str, Form] = {}
    for path in sorted(folder.glob("*.toml")):
        try:
            form = load_form_file(path, refs)
        except FormDataError as exc:
            problems.extend(exc.problems)
        else:
            forms[form.kind] = form
    names = {p.stem for p in folder.glob("*.toml")}
    problems += [f"checklists/: {k}.toml is missing" for k in VISIT_KINDS if k not in names]
    if problems:
        raise FormDataError(problems)
    return {kind: forms[kind] for kind in VISIT_KINDS}


def load_form_file(path: Path, refs: FormRefs) -> Form:
    label = f"checklists/{path.name}"
    data = load_toml(path, label)
    r = Reader(label)
    r.unknown_keys(data, ("id", "version", "title", "sections"))
    kind = _text(r, data, "id")
    r.one_of(kind or None, VISIT_KINDS, "id")
    r.check(kind in ("", path.stem), "id", f"{kind!r} differs from the file name")
    version, title = _text(r, data, "version"), _text(r, data, "title")
    parser = _FormParser(r, refs)
    tables = r.list_of(data, "sections", dict)
    r.check(bool(tables) or "sections" not in data, "sections", "at least one section is needed")
    sections = [parser.section(t, f"sections[{i}]") for i, t in enumerate(tables)]
    for fld, (where, _) in parser.covered.items():
        r.check(fld not in parser.fields_used, f"{where}.covers",
                f"{fld} is filled by question {parser.fields_used.get(fld)!r}")  # fmt: skip
    for fld in REQUIRED_FIELDS.get(kind, ()):
        r.check(fld in parser.fields_used, "sections",
                f"no question fills {fld} (docs/check-format.md needs it at {kind})")  # fmt: skip
    r.finish()
    return Form(
        id=kind,
        version=version,
        kind=kind,
        title=title,
        sections=tuple(s for s in sections if s is not None),
        sha256=file_hash(path),
        source=label,
    )


def _text(r: Reader, table: Mapping[str, Any], key: str, where: str = "", *,
          required: bool = True) -> str:  # fmt: skip
    value = r.get(dict(table), key, str, where, required=required) or ""
    if isinstance(table.get(key), str) and not value.strip():
        r.problem(f"{where}.{key}" if where else key, "must not be empty")
    return value.strip()


class _FormParser:
    """Builds sections and questions of one file, collecting problems in its Reader."""

    def __init__(self, r: Reader, refs: FormRefs) -> None:
        self.r = r
        self.refs = refs
        self.conditions = ConditionReader(r, refs.code_lists, refs.profile_ids)
        self.earlier: dict[str, Question] = {}  # questions so far, for conditions
        self.fields_used: dict[str, str] = {}  # field -> question id
        self.covered: dict[str, tuple[str, str]] = {}  # field -> (key path, question id)

    def section(self, table: dict[str, Any], where: str) -> Section | None:
        r = self.r
        r.unknown_keys(table, ("id", "title", "help", "profile_help", "when", "questions"), where)
        sid = _text(r, table, "id", where)
        r.check(not sid or bool(_SECTION_ID.match(sid)), f"{where}.id",
                f"{sid!r} must be lower-case letters, digits and hyphens")  # fmt: skip
        title = _text(r, table, "title", where)
        when = self.conditions.read(table, "when", where, self.earlier)
        rows = r.list_of(table, "questions", dict, where)
        r.check(bool(rows) or "questions" not in table, f"{where}.questions",
                "at least one question is needed")  # fmt: skip
        questions = []
        for i, row in enumerate(rows):
            q = self.question(row, f"{where}.questions[{i}]", self.earlier, None)
            if q is not None:
                self.earlier[q.id] = q
                questions.append(q)
        help_text, variants = read_help(r, table, where, self.refs.profile_ids)
        if not (sid and title and questions):
            return None
        return Section(sid, title, tuple(questions), help_text, when, variants)

    def question(
        self,
        table: dict[str, Any],
        where: str,
        scope: dict[str, Question],
        record: Mapping[str, FieldSpec] | None,
    ) -> Question | None:
        r = self.r
        qtype = r.get(table, "type", str, where) or ""
        r.one_of(qtype or None, ANSWER_TYPES if record is None else _SUB_TYPES, f"{where}.type")
        self._keys(table, where, qtype)
        qid = self._id(table, where, scope)
        label = _text(r, table, "label", where)
        fld, spec = self._field(table, where, qtype, qid, record)
        covers = self._covers(table, where, qid, record)
        opts = self._choices(table, where, qtype, spec, scope if record is not None else None)
        num = self._number(table, where, qtype, spec)
        fields = self._records(table, where, qtype, spec)
        extra = self._extras(table, where, qtype)
        required = bool(r.get(table, "required", bool, where, default=False, required=False))
        required_when = self.conditions.read(table, "required_when", where, scope)
        r.check(not (required and required_when), f"{where}.required_when",
                "give either required or required_when, not both")  # fmt: skip
        when = self.conditions.read(table, "when", where, scope)
        help_text, variants = read_help(r, table, where, self.refs.profile_ids)
        if not (qid and label and qtype in ANSWER_TYPES) or qid in scope:
            return None
        q = Question(
            id=qid, label=label, type=qtype, help=help_text, profile_help=variants,
            field=fld if spec is not None else None, covers=covers,
            required=required, required_when=required_when, when=when, fields=fields,
            **opts, **num, **extra,
        )  # fmt: skip
        return self._default(table, where, q)

    def _keys(self, table: dict[str, Any], where: str, qtype: str) -> None:
        allowed = set(_COMMON) | set(_BY_TYPE.get(qtype, ()))
        if qtype == "signature":
            allowed.discard("field")
        for key in sorted(set(table) - allowed):
            known = key in _ALL_KEYS
            what = f"does not apply to a {qtype} question" if known else "unknown key"
            self.r.problem(f"{where}.{key}", what)

    def _id(self, table: dict[str, Any], where: str, scope: Mapping[str, Question]) -> str:
        qid = _text(self.r, table, "id", where)
        if qid and not _QUESTION_ID.match(qid):
            self.r.problem(f"{where}.id", f"{qid!r} must be lower-case letters, digits and _")
        if qid in scope:
            self.r.problem(f"{where}.id", f"{qid!r} is used by an earlier question")
        return qid

    def _field(
        self,
        table: dict[str, Any],
        where: str,
        qtype: str,
        qid: str,
        record: Mapping[str, FieldSpec] | None,
    ) -> tuple[str | None, FieldSpec | None]:
        fld = self.r.get(table, "field", str, where, required=False)
        if fld is None or qtype == "signature":
            return None, None
        specs = FIELD_SPECS if record is None else record
        spec = specs.get(fld)
        if spec is None:
            what = "a check-format field" if record is None else "a key of this record"
            self.r.problem(f"{where}.field", f"{fld!r} is not {what} ({', '.join(specs)})")
            return fld, None
        if qtype in ANSWER_TYPES and qtype not in spec.types:
            takes = " or ".join(spec.types)
            self.r.problem(f"{where}.field", f"a {qtype} question cannot fill {fld} ({takes})")
        if record is None:
            if fld in self.fields_used:
                other = self.fields_used[fld]
                self.r.problem(f"{where}.field", f"{fld} is already filled by question {other!r}")
            self.fields_used[fld] = qid
        if spec.integer and table.get("integer") is not True:
            self.r.problem(f"{where}.integer", f"must be true: {fld} takes a whole number")
        return fld, spec

    def _covers(
        self,
        table: dict[str, Any],
        where: str,
        qid: str,
        record: Mapping[str, FieldSpec] | None,
    ) -> tuple[str, ...]:
        paths = self.r.list_of(table, "covers", str, where, required=False)
        if paths and record is not None:
            self.r.problem(f"{where}.covers", "applies only to a question outside a record")
            return ()
        for i, path in enumerate(paths):
            if path not in FIELD_SPECS:
                self.r.problem(f"{where}.covers[{i}]", f"{path!r} is not a check-format field")
            elif path in self.covered:
                self.r.problem(f"{where}.covers[{i}]", f"{path} is already covered by "
                               f"question {self.covered[path][1]!r}")  # fmt: skip
            else:
                self.covered[path] = (f"{where}", qid)
        return tuple(paths)

    def _choices(
        self, table: dict[str, Any], where: str, qtype: str, spec: FieldSpec | None,
        record: Mapping[str, Question] | None,
    ) -> dict[str, Any]:  # fmt: skip
        if qtype not in ("choice", "multi-choice"):
            return {}
        r = self.r
        codes = r.get(table, "codes", str, where, required=False)
        has_options = "options" in table
        r.check((codes is not None) != has_options, where,
                "give the answers as codes (a code list) or as options: exactly one")  # fmt: skip
        if codes is not None:
            r.one_of(codes, self.refs.code_lists, f"{where}.codes")
            if spec is not None and spec.codes and codes != spec.codes:
                r.problem(f"{where}.codes", f"this field takes codes from {spec.codes!r}")
        options = self._options(table, where, spec, record) if has_options else ()
        allow_other = r.get(table, "allow_other", bool, where, default=False, required=False)
        return {"codes": codes, "options": options, "allow_other": bool(allow_other)}

    def _options(
        self,
        table: dict[str, Any],
        where: str,
        spec: FieldSpec | None,
        record: Mapping[str, Question] | None,
    ) -> tuple[Option, ...]:
        """Inline options; in a record an option may have a `when` on earlier sub-fields."""
        r = self.r
        allowed: frozenset[str] | tuple[str, ...] = ()
        if spec is not None:
            allowed = spec.values or self.refs.code_lists.get(spec.codes or "", frozenset())
        out: list[Option] = []
        for i, row in enumerate(r.list_of(table, "options", dict, where)):
            at = f"{where}.options[{i}]"
            r.unknown_keys(row, ("value", "label", *(("when",) if record is not None else ())), at)
            when = None if record is None else self.conditions.read(row, "when", at, record)
            value, label = _text(r, row, "value", at), _text(r, row, "label", at)
            if value and allowed and value not in allowed:
                r.problem(f"{at}.value", f"{value!r} is not one of {', '.join(sorted(allowed))}")
            if value in {o.value for o in out}:
                r.problem(f"{at}.value", f"{value!r} is listed twice")
            elif value and label:
                out.append(Option(value, label, when=when))
        r.check(bool(out) or not table.get("options"), f"{where}.options", "must not be empty")
        return tuple(out)

    def _number(
        self, table: dict[str, Any], where: str, qtype: str, spec: FieldSpec | None
    ) -> dict[str, Any]:
        if qtype != "number":
            return {}
        r = self.r
        low = r.get(table, "min", float, where, required=False)
        high = r.get(table, "max", float, where, required=False)
        if low is not None and high is not None and low > high:
            r.problem(f"{where}.max", f"{high:g} is below min {low:g}")
        return {
            "unit": _text(r, table, "unit", where, required=False) or None,
            "min": low,
            "max": high,
            "exclusive_min": bool(r.get(table, "exclusive_min", bool, where, required=False)),
            "integer": bool(r.get(table, "integer", bool, where, required=False)),
        }

    def _records(
        self, table: dict[str, Any], where: str, qtype: str, spec: FieldSpec | None
    ) -> tuple[Question, ...]:
        if qtype != "records":
            return ()
        r = self.r
        record = spec.record if spec is not None else {}
        rows = r.list_of(table, "fields", dict, where)
        r.check(bool(rows) or "fields" not in table, f"{where}.fields", "must not be empty")
        subs: dict[str, Question] = {}
        for i, row in enumerate(rows):
            sub = self.question(row, f"{where}.fields[{i}]", subs, record)
            if sub is not None:
                subs[sub.id] = sub
        filled = {s.field for s in subs.values()}
        for key in spec.required_keys if spec is not None else ():
            r.check(key in filled, f"{where}.fields", f"no sub-field fills {key!r}, which every "
                    "record needs")  # fmt: skip
        return tuple(subs.values())

    def _extras(self, table: dict[str, Any], where: str, qtype: str) -> dict[str, Any]:
        r = self.r
        if qtype == "text":
            suggest = r.get(table, "suggest", str, where, required=False)
            r.one_of(suggest, SUGGESTIONS, f"{where}.suggest")
            return {"suggest": suggest}
        if qtype == "questionnaire":
            name = r.get(table, "questionnaire", str, where)
            r.one_of(name, sorted(self.refs.questionnaires), f"{where}.questionnaire")
            return {"questionnaire": name}
        if qtype == "signature":
            signer = r.get(table, "signer", str, where)
            r.one_of(signer, ("patient", "guardian", "prescriber", "second-prescriber"),
                     f"{where}.signer")  # fmt: skip
            return {"signer": signer}
        return {}

    def _default(self, table: dict[str, Any], where: str, q: Question) -> Question:
        if "default" not in table:
            return q
        value = table["default"]
        ok = {
            "bool": isinstance(value, bool),
            "choice": isinstance(value, str)
            and (not q.options or value in {o.value for o in q.options}),
            "number": isinstance(value, int | float) and not isinstance(value, bool)
            and (q.min is None or value >= q.min) and (q.max is None or value <= q.max)
            and (not q.integer or isinstance(value, int)),
            "text": isinstance(value, str),
        }.get(q.type, False)  # fmt: skip
        if not ok:
            self.r.problem(f"{where}.default", f"{value!r} is not a valid answer to this question")
            return q
        return replace(q, default=value)


_SUB_TYPES = tuple(t for t in ANSWER_TYPES if t not in ("records", "questionnaire", "signature"))
