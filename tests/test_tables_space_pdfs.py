"""Space layouts of the real 决算 PDFs: the plain text pdfplumber and pdfminer give of them.

The texts are derived here from ../shared/pdfs (skipped when absent) and audited like any .txt.
pdfplumber keeps each table row on one line but drops empty cells, centres wrapped names on their
code line, prints 收支总表 side by side and 公开06表 as two blocks; it must give the PDF path's
findings and cells. pdfminer prints ruled tables column by column, where numbers cannot be tied to
rows: each such table is reported once as illegible, never as a pile of broken sums.
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from pathlib import Path

import pytest

from budgetaudit.audit import audit
from budgetaudit.loader import load_document
from budgetaudit.rules import load_rules

pytestmark = pytest.mark.slow  # pytest -m 'not slow': the quick subset (README)

PDFS = Path(__file__).resolve().parent.parent.parent / "shared" / "pdfs"
PLANNING = "上海市普陀区规划和自然资源局 2024 年度部门决算.pdf"
SOCIAL = "中共上海市普陀区委社会工作部 2024 年度部门决算.pdf"
TEMPLATE = "附件2：部门决算模板.pdf"
DOCUMENTS = (PLANNING, SOCIAL, TEMPLATE)
TABLE_FAMILIES = ("FT", "CT")


def _pdf(name: str) -> Path:
    path = PDFS / name
    if not path.exists():
        pytest.skip(f"{name} absent")
    return path


@pytest.fixture(scope="module")
def texts(tmp_path_factory):
    """pdfplumber's and pdfminer's plain text of a PDF, written once per module."""
    folder = tmp_path_factory.mktemp("space")

    @cache
    def make(name: str, tool: str, **options) -> Path:
        pdf = _pdf(name)
        out = folder / f"{tool}-{'-'.join(f'{k}{v}' for k, v in options.items())}-{pdf.stem}.txt"
        if tool == "pdfplumber":
            import pdfplumber

            with pdfplumber.open(pdf) as p:
                text = "\n".join((page.extract_text(**options) or "") for page in p.pages)
        else:
            from pdfminer.high_level import extract_text

            text = extract_text(str(pdf))
        out.write_text(text, encoding="utf-8")
        return out

    return make


@cache
def _audit(path: Path):
    doc = load_document(path)
    return doc, audit(doc, load_rules().rules).findings


def _key(f):
    return (f.rule, f.severity, str(f.expected), str(f.actual),
            tuple((loc.table, loc.row, loc.column) for loc in f.locations))


def _cells(doc) -> dict[tuple, Decimal]:
    out = {}
    for t in doc.tables:
        for r in t.rows:
            for c in r.cells:
                if c.amount is not None:
                    col = t.columns[c.column]
                    out[(t.kind, r.side, r.code, r.key, col.side, col.path)] = c.amount.value
    return out


def _table(doc, kind):
    return next(t for t in doc.tables if t.kind == kind)


def _row(table, code=None, key=None, side=None):
    return next(r for r in table.rows if (code is None or r.code == code) and (key is None or r.key == key)
                and (side is None or r.side == side))


def _values(table, row) -> dict[str, str]:
    return {".".join(table.columns[c.column].path): str(c.amount.value) for c in row.cells if c.amount is not None}


@pytest.mark.parametrize("name", DOCUMENTS)
def test_pdfplumber_text_gives_the_findings_of_the_pdf(texts, name):
    _, from_pdf = _audit(_pdf(name))
    _, from_text = _audit(texts(name, "pdfplumber"))
    # 情况说明 placeholders (CN4xx) are counted per printed line, which differs between the readers
    assert sorted(_key(f) for f in from_text if not f.rule.startswith("CN")) == \
        sorted(_key(f) for f in from_pdf if not f.rule.startswith("CN"))


@pytest.mark.parametrize("name", DOCUMENTS)
def test_pdfplumber_text_puts_every_amount_in_the_pdfs_row_and_column(texts, name):
    pdf_doc, _ = _audit(_pdf(name))
    text_doc, _ = _audit(texts(name, "pdfplumber"))
    assert _cells(text_doc) == _cells(pdf_doc)
    assert [(t.kind, t.status) for t in text_doc.tables] == [(t.kind, t.status) for t in pdf_doc.tables]
    if name != TEMPLATE:  # the template's names wrap around codes with no amounts to centre them on
        assert [[(r.side, r.code, r.key) for r in t.rows] for t in text_doc.tables] == \
            [[(r.side, r.code, r.key) for r in t.rows] for t in pdf_doc.tables]


def test_names_wrapped_above_and_below_their_code_line(texts):
    doc, _ = _audit(texts(PLANNING, "pdfplumber"))
    t = _table(doc, "一般公共预算财政拨款支出决算表")
    admin = _row(t, "2120101")
    assert admin.name == "行政运行"
    assert _values(t, admin) == {"本年支出.小计": "1092.80", "本年支出.基本支出": "1084.02",
                                 "本年支出.项目支出": "8.77"}
    # "社会保障和就" / "208 754.75 754.75 0.00" / "业支出": 208 is the code, never an amount
    social = _row(t, "208")
    assert social.name == "社会保障和就业支出"
    assert _values(t, social) == {"本年支出.小计": "754.75", "本年支出.基本支出": "754.75",
                                  "本年支出.项目支出": "0.00"}
    assert _row(t, "2080505").name == "机关事业单位基本养老保险缴费支出"  # three lines, centred
    assert _row(t, "21011").name == "行政事业单位医疗"
    assert _row(t, "2101101").name == "行政单位医疗"  # one line, printed just above its code
    assert not any(r.code is None and r.role == "item" for r in t.rows)


def test_dropped_cells_of_the_side_by_side_table_placed_by_its_sums(texts):
    doc, _ = _audit(texts(PLANNING, "pdfplumber"))
    t = _table(doc, "财政拨款收入支出决算总表")
    social = _row(t, key="社会保障和就业支出", side="支出")
    assert _values(t, social) == {"合计": "754.75", "一般公共预算财政拨款": "754.75"}
    assert _values(t, _row(t, key="本年支出合计", side="支出")) == {"合计": "9746.50", "一般公共预算财政拨款": "9746.50"}


def test_two_blocks_side_by_side_in_a_space_layout(texts):
    doc, _ = _audit(texts(PLANNING, "pdfplumber"))
    t = _table(doc, "一般公共预算财政拨款基本支出决算表")
    assert t.status == "ok"
    pension = _row(t, "30108")
    assert (pension.side, pension.name, _values(t, pension)) == ("人员经费", "机关事业单位基本养老保险缴费",
                                                                 {"决算数": "446.11"})
    assert (_row(t, "30206").side, _values(t, _row(t, "30206"))) == ("公用经费", {"决算数": "18.86"})
    # the left block ends first: the right one goes on alone
    assert (_row(t, "30299").side, _values(t, _row(t, "30299"))) == ("公用经费", {"决算数": "28.86"})
    assert (_row(t, "310").side, _row(t, "31007").name) == ("公用经费", "信息网络及软件购置更新")
    assert _values(t, _row(t, key="人员经费合计")) == {"决算数": "4884.09"}
    assert _values(t, _row(t, key="公用经费合计", side="公用经费")) == {"决算数": "480.66"}


def test_an_inconsistent_cell_in_the_space_layout_is_still_reported(texts, tmp_path):
    source = texts(PLANNING, "pdfplumber").read_text(encoding="utf-8").splitlines()
    changed = [line.replace("1084.02", "1084.92") if line.startswith("2120101 ") else line for line in source]
    assert changed != source
    path = tmp_path / "changed.txt"
    path.write_text("\n".join(changed), encoding="utf-8")
    _, found = _audit(path)
    broken = [f for f in found if f.severity == "error" and f.rule.startswith("FT")
              and any(loc.row and loc.row.startswith("2120101") for loc in f.locations)]
    assert broken, "a changed 基本支出 of 2120101 breaks its row sum and its roll-up"


@pytest.mark.parametrize("options", [{"layout": True}, {"y_tolerance": 1}, {"y_tolerance": 8}, {"x_tolerance": 1}],
                         ids=["layout", "y1", "y8", "x1"])
@pytest.mark.parametrize("name", (PLANNING, SOCIAL))
def test_other_pdfplumber_geometries_place_every_amount_or_say_the_table_is_illegible(texts, name, options):
    """Names printed wholly above their code, numbers just below their labels, spaced layouts."""
    pdf_doc, from_pdf = _audit(_pdf(name))
    doc, found = _audit(texts(name, "pdfplumber", **options))
    readable = {t.kind for t in doc.tables if t.status == "ok"}
    assert {k: v for k, v in _coded_cells(doc).items() if k[0] in readable} == \
        {k: v for k, v in _coded_cells(pdf_doc).items() if k[0] in readable}
    assert {f.rule for f in found if f.severity == "error"} <= {f.rule for f in from_pdf if f.severity == "error"}
    assert len(readable) >= 5


def _coded_cells(doc) -> dict[tuple, Decimal]:
    """Amounts by row code (names may wrap differently), or by name for rows without one."""
    return {(kind, side, code or key, col_side, path): v
            for (kind, side, code, key, col_side, path), v in _cells(doc).items()}


@pytest.mark.parametrize("name", DOCUMENTS)
def test_pdfminer_column_by_column_tables_are_reported_once_as_illegible(texts, name):
    _, from_pdf = _audit(_pdf(name))
    doc, found = _audit(texts(name, "pdfminer"))
    assert not [f for f in found if f.rule.startswith(TABLE_FAMILIES) and f.severity != "info"]
    errors = {f.rule for f in found if f.severity == "error"}
    assert errors <= {f.rule for f in from_pdf if f.severity == "error"}
    illegible = [f for f in found if f.rule == "CC502"]
    assert len({f.locations[0].table for f in illegible}) == len(illegible)
    # every table is read as the PDF reads it, or reported as illegible
    pdf_doc, _ = _audit(_pdf(name))
    pdf_cells = _cells(pdf_doc)
    for t in doc.tables:
        if t.status == "ok":
            mine = {k: v for k, v in _cells(doc).items() if k[0] == t.kind}
            assert mine == {k: v for k, v in pdf_cells.items() if k[0] == t.kind}, t.kind
    if name != TEMPLATE:
        assert illegible
