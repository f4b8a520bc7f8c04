"""Documents audited together: a prose file with its tables file, one entity's years, a 部门 with its 单位.

Real publishing splits one disclosure over several files, and the errors that matter often sit
between documents. Each file is read and audited on its own first (in the batch's workers, cached);
this stage runs after, in the parent, on what the workers returned:

* **One disclosure in several files** (a ``disclosure`` set). Files of one entity, kind and year of
  which one is a prose file whose 目录 lists tables it does not print, and another prints tables
  without prose, are merged into one Document — their lines one after the other, each part
  remembering its file — and audited again as one: the 目录's tables are looked for in the tables
  file, the prose is checked against its tables. Each finding goes back to the file of its first
  location, and every location names its own file. The workers keep the whole Document of such
  files (``DocumentResult.full``) for this, so a cached result answers exactly as a fresh one.
* **One entity's years** (a ``years`` set): the rules of kind ``previous_year`` compare what a
  disclosure states about an earlier one (比上年增加 X 万元, 上年预算数, a 决算's 年初预算数) with that
  earlier disclosure's own figures.
* **A 部门 and its 单位** (a ``units`` set): the rules of kind ``units_sum`` compare the 部门's totals
  with the sums over its 单位's disclosures, and the 部门's table listing its 单位 names those the
  batch does not hold.

What each rule needs of one document is gathered in the worker (``prepare``: the kind's
``gather(rule, facts)``) and travels with the document's result; the kind's ``judge`` compares
the gathered figures of two or more documents. Entity names are compared after the rewrites of
``data/entities.yaml``.
"""

from __future__ import annotations

import os
from collections import defaultdict
from dataclasses import dataclass, field, replace
from functools import lru_cache
from importlib import resources
from pathlib import Path

import yaml

from . import reading
from .audit import AuditResult, DocumentResult, audit, sort_key
from .model import Document, Finding, Line, Location, TocEntry
from .reading import tables_not_given
from .rules import Rule
from .rules.facts import Facts
from .rules.kinds import get as get_kind

KINDS = {"disclosure": "同一公开材料", "years": "同一单位各年度", "units": "部门与所属单位"}


# ---------------------------------------------------------------- names

@lru_cache(maxsize=1)
def _names() -> dict:
    text = resources.files("budgetaudit.data").joinpath("entities.yaml").read_text("utf-8")
    return yaml.safe_load(text)


def entity_key(name: str | None) -> str | None:
    """The name with the ways of writing it that do not tell entities apart taken out."""
    if not name:
        return None
    data = _names()
    text = "".join(ch for ch in name if ch not in data["ignored"])
    for long in sorted(data["abbreviations"], key=len, reverse=True):
        text = text.replace(long, data["abbreviations"][long])
    for prefix in data["optional_prefixes"]:
        if text.startswith(prefix) and len(text) > len(prefix) + 1:
            text = text[len(prefix):]
    return text or None


# ---------------------------------------------------------------- in the worker

def set_rules(rules: list[Rule]) -> list[Rule]:
    """The rules judged on sets of documents: their kind names the sets it judges (``SET``), gathers
    per document (``gather``) and judges after (``judge``)."""
    return [r for r in rules if getattr(get_kind(r.kind), "SET", None)]


def _misread(doc: Document, coverage: reading.Coverage) -> list[reading.Misread]:
    bad = {(u.kind, u.line) for u in coverage.unread if u.reason == "misread"}
    return [reading.Misread(t, "") for t in doc.tables if (t.kind, t.first_line) in bad]


def gather(doc: Document, result: AuditResult, rules: list[Rule]) -> dict[str, object]:
    """What each set rule needs of ``doc``, by rule id (misread tables count as absent, as in the audit).
    Every document is gathered for every set rule: a rule on 决算 reads the figures of the 预算 it is
    compared with; which documents a rule judges is its kind's ``pairs``/``judge``."""
    facts = Facts(doc, misread=_misread(doc, result.coverage), disclosure=result.coverage.disclosure)
    out: dict[str, object] = {}
    for rule in set_rules(rules):
        out[rule.id] = get_kind(rule.kind).gather(rule, facts)
    return out


def tables_only(doc: Document) -> bool:
    """A file of tables with no prose figure: the tables of a disclosure whose prose is published apart."""
    return bool(doc.tables) and not any(c.amount is not None for c in doc.claims or [])


def prepare(item: DocumentResult, rules: list[Rule], keep: bool = False) -> DocumentResult:
    """In the worker, before the result is trimmed: gather the set rules' figures, and keep the
    whole Document of a file that may be half of a disclosure (or that ``keep`` asks for)."""
    doc = item.document
    if doc is None or item.result is None:
        return item
    item.gathered = gather(doc, item.result, rules)
    if keep or tables_not_given(doc) or tables_only(doc):
        item.full = doc
    return item


# ---------------------------------------------------------------- sets

@dataclass
class Disclosure:
    """One disclosure of the batch: one file, or the files of a ``disclosure`` set merged."""

    members: list[DocumentResult]
    document: Document  # the merged Document of a set; the file's own (report view) otherwise
    gathered: dict[str, object] = field(default_factory=dict)
    key: str | None = None  # entity_key, or the forced group's

    @property
    def primary(self) -> DocumentResult:
        return self.members[0]

    @property
    def kind(self) -> str | None:
        return self.document.kind

    @property
    def year(self) -> int | None:
        return self.document.year

    @property
    def entity(self) -> str | None:
        return self.document.entity

    def locate(self, loc: Location) -> Location:
        """The location in its own file: the file's path, its own line number."""
        parts = self.document.parts
        if not parts:
            return replace(loc, path=loc.path or self.primary.path)
        if loc.line is None:
            return replace(loc, path=loc.path or parts[0][1])
        first, path, _ = max((p for p in parts if p[0] <= loc.line), key=lambda p: p[0], default=parts[0])
        return replace(loc, line=loc.line - first + 1, path=path)

    def member_of(self, path: str | None) -> DocumentResult:
        return next((m for m in self.members if m.path == path), self.primary)

    def where(self, loc: Location, named: bool = True) -> str:
        """``《file.pdf》第3页`` / ``《file.txt》第120行`` for a located number (``named=False``: without
        the file, for the file the finding is reported under)."""
        loc = self.locate(loc)
        name = f"《{Path(loc.path or self.primary.path).name}》" if named else ""
        if loc.spot is not None:  # a workbook's cell, a Word file's paragraph
            return f"{name}{loc.spot}"
        if loc.page is not None:
            return f"{name}第{loc.page}页"
        if loc.line is not None:
            return f"{name}第{loc.line}行"
        return name or "本文件"

    def title(self) -> str:
        bits = [self.entity or "单位未识别", f"{self.year} 年" if self.year else "年度未知", self.kind or "类型未知"]
        return " ".join(bits)


@dataclass
class DocSet:
    """Documents judged together, as the reports show them."""

    id: str  # S1, S2 … in input order
    kind: str  # disclosure | years | units
    paths: list[str]
    entity: str | None = None
    doc_kind: str | None = None
    years: list[int] = field(default_factory=list)
    forced: bool = False
    missing: list[str] = field(default_factory=list)  # units: 单位 the 部门 lists that the batch lacks
    roles: dict[str, str] = field(default_factory=dict)  # path → 说明 / 表格 / 部门 / 单位 / year

    @property
    def label(self) -> str:
        return KINDS[self.kind]


@dataclass
class Grouping:
    """How files are grouped: automatically (``auto``) and as the user forces (``forced``: lists of
    paths that are one entity's files — one disclosure when of the same kind and year)."""

    auto: bool = True
    forced: list[list[str]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # what the set stage could not do, one line each

    def kept(self) -> set[str]:
        """Files whose whole Document the workers keep for the set stage."""
        return {norm_path(p) for group in self.forced for p in group}


def norm_path(path: str) -> str:
    return os.path.normcase(os.path.normpath(os.path.abspath(path)))


def judge_sets(results: list[DocumentResult], rules: list[Rule], grouping: Grouping | None = None) -> list[DocSet]:
    """Group the batch's documents into sets and judge each set; findings are added to the results
    (each to the file of its first location). The sets, for the reports."""
    grouping = grouping or Grouping()
    if not grouping.auto and not grouping.forced:
        return []
    items = [r for r in results if r.ok and r.document is not None and r.result is not None]
    order = {id(r): i for i, r in enumerate(results)}
    forced_key: dict[int, str] = {}
    forced_ids: set[int] = set()
    by_path = {norm_path(r.path): r for r in items}
    for group in grouping.forced:
        members = [by_path[norm_path(p)] for p in group if norm_path(p) in by_path]
        if not members:
            continue
        key = "forced:" + (entity_key(members[0].document.entity) or members[0].path)
        for m in members:
            forced_key[id(m)] = key
            forced_ids.add(id(m))

    def key_of(r: DocumentResult) -> str | None:
        if id(r) in forced_key:
            return forced_key[id(r)]
        return entity_key(r.document.entity) if grouping.auto else None

    sets: list[DocSet] = []
    disclosures: list[Disclosure] = []
    buckets: dict[tuple, list[DocumentResult]] = defaultdict(list)
    for r in items:
        k = key_of(r)
        if k is not None:
            buckets[(k, r.document.kind, r.document.year)].append(r)
    merged_ids: set[int] = set()
    for (k, kind, year), members in buckets.items():
        if len(members) < 2:
            continue
        forced = any(id(m) in forced_ids for m in members)
        chosen = _disclosure_members(members, forced)
        if len(chosen) < 2:
            continue
        ds = DocSet("", "disclosure", [m.path for m in chosen], chosen[0].document.entity, kind,
                    [year] if year else [], forced=forced,
                    roles={m.path: ("说明" if tables_not_given(m.full) else "表格" if tables_only(m.full) else "文件")
                           for m in chosen})
        saved = [(m, m.result) for m in chosen]
        try:
            disclosures.append(_audit_together(chosen, rules, ds, k))
        except Exception as exc:  # noqa: BLE001 - a bug one set triggers leaves its files audited alone
            for m, result in saved:
                m.result = result
            grouping.problems.append(f"{', '.join(ds.paths)}: could not be audited together "
                                     f"({type(exc).__name__}: {exc}); each file is reported on its own")
            continue
        merged_ids.update(id(m) for m in chosen)
        sets.append(ds)
    for r in items:
        if id(r) not in merged_ids:
            disclosures.append(Disclosure([r], r.document, dict(r.gathered), key_of(r)))
    disclosures.sort(key=lambda d: order[id(d.primary)])
    for stage in (_years, _units):
        try:
            sets.extend(stage(disclosures, rules))
        except Exception as exc:  # noqa: BLE001 - the documents' own findings stand
            grouping.problems.append(f"sets of documents could not be judged ({type(exc).__name__}: {exc})")
    sets.sort(key=lambda s: min(order[id(r)] for r in items if r.path in s.paths))
    for i, s in enumerate(sets, 1):
        s.id = f"S{i}"
    for s in sets:  # the ids are known only now: name them on the documents and the findings
        for r in items:
            if r.path in s.paths:
                r.sets.append(s.id)
    for r in items:
        for f in r.result.findings + r.result.rounding:
            if isinstance(f.set, DocSet):
                f.set = f.set.id
    return sets


def _disclosure_members(members: list[DocumentResult], forced: bool) -> list[DocumentResult]:
    """The files of one entity, kind and year that make one disclosure: prose files that print none of
    their tables first, then files of tables (forced: every file kept whole, prose first)."""
    whole = [m for m in members if m.full is not None]
    prose = [m for m in whole if tables_not_given(m.full)]
    tables = [m for m in whole if m not in prose and (forced or tables_only(m.full))]
    if forced:
        rest = [m for m in whole if m not in prose and m not in tables]
        return prose + tables + rest
    if not prose or not tables:
        return []
    return prose + tables


# ---------------------------------------------------------------- one disclosure in several files

def merge(docs: list[Document]) -> Document:
    """The files of one disclosure as one Document: lines, tables, 目录, titles and claims one file
    after the other, line numbers running on; ``parts`` says where each file starts."""
    lines: list[Line] = []
    tables, toc, titles, claims, parts = [], [], [], [], []
    formulas: dict = {}
    uncalculated: list = []
    for doc in docs:
        offset = len(lines)
        parts.append((offset + 1, doc.path, doc.source))
        # a workbook's or Word file's lines keep their sheet and cells (model.Line.refs)
        lines.extend(Line(line.number + offset, line.text, line.raw, line.page, sheet=line.sheet, refs=line.refs)
                     for line in doc.lines)
        formulas.update(doc.formulas)
        uncalculated.extend(doc.uncalculated)
        tables.extend(_shift_table(t, offset) for t in doc.tables)
        toc.extend(TocEntry(e.title, e.line + offset, e.kind) for e in doc.toc)
        titles.extend(TocEntry(e.title, e.line + offset, e.kind) for e in doc.titles)
        claims.extend(_shift_claims(doc.claims or [], offset, len(claims)))
    head = next((d for d in docs if d.kind), docs[0])
    return Document(
        path=docs[0].path, lines=lines, source=docs[0].source, kind=head.kind,
        year=next((d.year for d in docs if d.year), None), entity=next((d.entity for d in docs if d.entity), None),
        toc=toc, tables=tables, titles=titles, claims=claims, parts=parts, formulas=formulas,
        uncalculated=uncalculated,
    )


def _shift_table(table, offset: int):
    rows = [replace(r, line=r.line + offset, cells=[replace(c, line=c.line + offset) for c in r.cells])
            for r in table.rows]
    return replace(table, first_line=table.first_line + offset, last_line=table.last_line + offset, rows=rows)


def _shift_claims(claims: list, offset: int, base: int) -> list:
    def ref(v):
        return None if v is None else v + base

    out = []
    for c in claims:
        extra = dict(c.extra)
        if isinstance(extra.get("percent_line"), int):
            extra["percent_line"] += offset
        out.append(replace(c, id=c.id + base, line=c.line + offset, parent=ref(c.parent), subject=ref(c.subject),
                           part=ref(c.part), whole_claim=ref(c.whole_claim), extra=extra))
    return out


def _audit_together(members: list[DocumentResult], rules: list[Rule], ds: DocSet, key: str | None) -> Disclosure:
    """Audit the members as one disclosure and give each member its share of the findings."""
    merged = merge([m.full for m in members])
    result = audit(merged, rules)
    d = Disclosure(members, merged, key=key)
    shares = {m.path: AuditResult() for m in members}
    for bucket in ("findings", "rounding"):
        for f in getattr(result, bucket):
            f.locations = [d.locate(loc) for loc in f.locations]
            paths = {loc.path for loc in f.locations}
            if len(paths) > 1:
                f.set = ds
            first = next((loc.path for loc in f.locations if loc.line is not None or loc.page is not None),
                         f.locations[0].path if f.locations else None)
            owner = d.member_of(first).path
            own = f"《{Path(owner).name}》"  # a page of the file the finding is reported under needs no name
            f.message = f.message.replace(own, "")
            if getattr(f, "where", ""):
                f.where = f.where.replace(own, "")
            getattr(shares[owner], bucket).append(f)
    printed = {t.kind for m in members for t in m.full.tables} | {e.kind for m in members for e in m.full.titles if e.kind}
    for m in members:
        share = shares[m.path]
        cov = m.result.coverage
        if tables_not_given(m.full):  # its 目录's tables are the other files': still unread only if none prints them
            kept = [u for u in cov.unread if u.kind not in printed]
            listed = {u.kind for u in cov.unread}
            others = [o for o in members if o is not m and o.full.tables]
            # the disclosure's table rules ran on the others' tables: they are checked, not unchecked, here too
            read_there = {k for o in others for k in o.result.coverage.read_kinds}
            cov = reading.Coverage(printed=cov.printed - len(listed & printed), read=cov.read,
                                   unread=[replace(u, reason="listed") for u in kept], disclosure=cov.disclosure,
                                   read_kinds=set(cov.read_kinds) | read_there,
                                   tables_in=[o.path for o in others])
        share.coverage = cov
        share.findings.sort(key=sort_key)
        share.rounding.sort(key=sort_key)
        m.result = share
    d.gathered = gather(merged, result, rules)
    return d


# ---------------------------------------------------------------- years and units

def _attach(finding: Finding, d: Disclosure, ds: DocSet) -> None:
    """A cross-document finding goes to the file of its first location."""
    finding.set = ds
    first = next((loc.path for loc in finding.locations if loc.path), None)
    target = d.member_of(first)
    if getattr(finding, "rounding", False):
        target.result.rounding.append(finding)
        target.result.rounding.sort(key=sort_key)
    else:
        target.result.findings.append(finding)
        target.result.findings.sort(key=sort_key)


def _years(disclosures: list[Disclosure], rules: list[Rule]) -> list[DocSet]:
    by_entity: dict[str, list[Disclosure]] = defaultdict(list)
    for d in disclosures:
        if d.key is not None and d.year is not None and d.kind is not None:
            by_entity[d.key].append(d)
    chosen = [r for r in set_rules(rules) if getattr(get_kind(r.kind), "SET", None) == "years"]
    out = []
    for group in by_entity.values():
        if len({(d.kind, d.year) for d in group}) < 2:
            continue
        kinds = {d.kind for d in group}
        ds = DocSet("", "years", [m.path for d in group for m in d.members], group[0].entity,
                    kinds.pop() if len(kinds) == 1 else None,
                    sorted({d.year for d in group}), forced=any(str(d.key).startswith("forced:") for d in group),
                    roles={m.path: f"{d.year}年{d.kind}" for d in group for m in d.members})
        for later in group:
            for rule in chosen:
                if rule.id not in later.gathered:
                    continue
                kind = get_kind(rule.kind)
                for earlier in group:
                    if earlier is not later and kind.pairs(rule, later, earlier):
                        for f in kind.judge(rule, later, earlier):
                            _attach(f, later, ds)
        out.append(ds)
    return out


def _units(disclosures: list[Disclosure], rules: list[Rule]) -> list[DocSet]:
    chosen = [r for r in set_rules(rules) if getattr(get_kind(r.kind), "SET", None) == "units"]
    out = []
    for dept in disclosures:
        listed: list[tuple[str, object]] = []
        for rule in chosen:
            listed = list((dept.gathered.get(rule.id) or {}).get("units") or [])
            if listed:
                break
        own = entity_key(dept.entity)
        listed = [(name, t) for name, t in listed if entity_key(name) and entity_key(name) != own]
        if not listed:
            continue
        found: dict[str, Disclosure] = {}
        for name, _ in listed:
            k = entity_key(name)
            match = next((d for d in disclosures if d is not dept and d.kind == dept.kind and d.year == dept.year
                          and entity_key(d.entity) == k), None)
            if match is not None:
                found[name] = match
        if not found:
            continue
        missing = [name for name, _ in listed if name not in found]
        ds = DocSet("", "units", [m.path for m in dept.members] + [m.path for d in found.values() for m in d.members],
                    dept.entity, dept.kind, [dept.year] if dept.year else [], missing=missing,
                    roles={**{m.path: "部门" for m in dept.members},
                           **{m.path: "单位" for d in found.values() for m in d.members}})
        for rule in chosen:
            if rule.id not in dept.gathered:
                continue
            for f in get_kind(rule.kind).judge(rule, dept, listed, found):
                _attach(f, dept, ds)
        out.append(ds)
    return out
