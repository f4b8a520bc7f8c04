"""read_pdf on the three real Shanghai 2024 决算 PDFs in ../shared/pdfs (skipped when absent):
a Word-produced one (规划和自然资源局), a WPS-produced one (社会工作部) and the blank template."""

from __future__ import annotations

from pathlib import Path

import pytest

from budgetaudit.amounts import normalize
from budgetaudit.readers.pdf import read_pdf

pytestmark = pytest.mark.slow  # pytest -m 'not slow': the quick subset (README)

PDFS = Path(__file__).resolve().parent.parent.parent / "shared" / "pdfs"
WORD = PDFS / "上海市普陀区规划和自然资源局 2024 年度部门决算.pdf"
WPS = PDFS / "中共上海市普陀区委社会工作部 2024 年度部门决算.pdf"
TEMPLATE = PDFS / "附件2：部门决算模板.pdf"

_cache: dict[Path, list] = {}


def lines_of(path: Path):
    if not path.exists():
        pytest.skip(f"{path.name} is not in {PDFS}")
    if path not in _cache:
        _cache[path] = read_pdf(path)
    return _cache[path]


def page_of(lines, text: str) -> int:
    hits = [line.page for line in lines if line.text == normalize(text)]
    assert len(hits) == 1, (text, hits)
    return hits[0]


def rows_with(lines, field: str) -> list[tuple[int, str]]:
    """(page, row) of every table row that has ``field`` as one of its cells."""
    return [(line.page, line.raw) for line in lines if "\t" in line.raw and field in line.raw.split("\t")]


@pytest.mark.parametrize(
    ("path", "pages"),
    [
        (WORD, {"收入支出决算总表": 7, "收入决算表": 8, "支出决算表": 10, "财政拨款收入支出决算总表": 12,
                "一般公共预算财政拨款支出决算表": 14, "一般公共预算财政拨款基本支出决算表": 16,
                "财政拨款“三公”经费支出决算表": 17, "政府性基金预算财政拨款收入支出决算表": 18,
                "国有资本经营预算财政拨款收入支出决算表": 19}),
        (WPS, {"收入支出决算总表": 5, "收入决算表": 6, "支出决算表": 8, "财政拨款收入支出决算总表": 10,
               "一般公共预算财政拨款支出决算表": 12, "一般公共预算财政拨款基本支出决算表": 13,
               "财政拨款“三公”经费支出决算表": 14, "政府性基金预算财政拨款收入支出决算表": 15,
               "国有资本经营预算财政拨款收入支出决算表": 16}),
        (TEMPLATE, {"收入支出决算总表": 5, "收入决算表": 6, "支出决算表": 7, "财政拨款收入支出决算总表": 8,
                    "一般公共预算财政拨款支出决算表": 10, "一般公共预算财政拨款基本支出决算表": 11,
                    "财政拨款“三公”经费支出决算表": 12}),
    ],
    ids=["word", "wps", "template"],
)
def test_table_titles_are_found_on_their_pages(path: Path, pages: dict[str, int]):
    lines = lines_of(path)
    assert {title: page_of(lines, title) for title in pages} == pages


def test_health_spending_rows_print_236_63_twice_and_236_64_three_times():
    lines = lines_of(WORD)
    assert rows_with(lines, "卫生健康支出") == [
        (8, "210\t卫生健康支出\t236.64\t236.64\t\t\t\t\t"),  # 收入决算表
        (10, "210\t卫生健康支出\t236.64\t236.64\t0.00\t\t\t"),  # 支出决算表
        (14, "210\t卫生健康支出\t236.64\t236.64\t0.00"),  # 一般公共预算财政拨款支出决算表
    ]
    assert rows_with(lines, "九、卫生健康支出") == [
        (7, "\t\t九、卫生健康支出\t236.63"),  # 收入支出决算总表
        (12, "\t\t九、卫生健康支出\t236.63\t236.63\t\t"),  # 财政拨款收入支出决算总表
    ]


def test_header_rows_keep_merged_cells_as_empty_fields():
    lines = lines_of(WORD)
    i = next(i for i, line in enumerate(lines) if line.text == "收入决算表")
    assert [line.raw for line in lines[i + 4:i + 7]] == [
        "项目\t\t本年收入合计\t财政拨款收入\t上级补助收入\t事业收入\t经营收入\t附属单位上缴收入\t其他收入",
        "功能分类科目编码\t科目名称\t\t\t\t\t\t\t",
        "合计\t\t9746.50\t9746.50\t\t\t\t\t",
    ]
    j = next(i for i, line in enumerate(lines) if line.raw == "财政拨款“三公”经费支出决算表")
    assert [line.raw for line in lines[j + 4:j + 9]] == [
        "财政拨款“三公”经费" + "\t" * 11,
        "合计\t\t因公出国（境）费\t\t公务用车购置及运行维护费\t\t\t\t\t\t公务接待费\t",
        "\t\t\t\t小计\t\t公务用车购置费\t\t公务用车运行维护费\t\t\t",
        "\t".join(["预算数", "决算数"] * 6),
        "2.85\t0.39\t0.00\t0.00\t0.00\t0.00\t0.00\t0.00\t0.00\t0.00\t2.85\t0.39",
    ]


def test_table_continued_on_next_page_starts_a_new_block_on_that_page():
    lines = lines_of(WORD)
    i = next(i for i, line in enumerate(lines) if line.raw.startswith("212\t城乡社区支出\t3832.36\t3832.36"))
    assert (lines[i - 1].text, lines[i - 1].page, lines[i].page) == ("", 8, 9)
    assert lines[i - 2].raw == "2101102\t事业单位医疗\t196.29\t196.29\t\t\t\t\t"


def test_names_wrapped_inside_cells_are_joined():
    lines = lines_of(WORD)
    assert (14, "2080505\t机关事业单位基本养老保险缴费支出\t446.11\t446.11\t0.00") in rows_with(lines, "2080505")
    # the pieces of wrapped names never show up as prose
    assert not [line for line in lines if line.text in ("业支出", "险缴费支出", "出")]


def test_prose_sentence_keeps_its_numbers_in_order():
    lines = lines_of(WORD)
    assert page_of(lines, "本年支出合计 9759.38 万元，其中：基本支出 5377.64 万元，占 55.10%；"
                          "项目支出 4381.74 万元，占 44.90%。") == 20
    wrapped = [line for line in lines if line.text.startswith("上海市普陀区规划和自然资源局 2024 年度收入支出总计")]
    assert [line.text for line in wrapped] == [normalize(
        "上海市普陀区规划和自然资源局 2024 年度收入支出总计9859.38 万元。与 2023 年度相比，收入支出总计增加 "
        "1062.85万元，增长 12.08%。主要原因：项目支出增加，较上一度增加1133.95 万元，主要由于上海市普陀区自然"
        "资源确权登记事务中心办公大楼装修等。")]


def test_paragraph_running_onto_the_next_page_has_no_blank_line_between_its_pages():
    lines = lines_of(WPS)
    i = next(i for i, line in enumerate(lines) if line.text.endswith("占本年支出合计的"))
    assert (lines[i].page, lines[i + 1].page) == (17, 18)
    assert lines[i + 1].text.startswith("100.00%。与 2023 年度相比")


def test_wps_side_by_side_basic_spending_table():
    lines = lines_of(WPS)
    assert rows_with(lines, "30399") == [(13, "30399\t其他对个人和家庭的补助\t0.00\t30240\t税金及附加费用\t0.00")]
    assert rows_with(lines, "31099") == [(13, "\t\t\t31099\t其他资本性支出\t0.00")]
    assert rows_with(lines, "人员经费合计") == [(13, "人员经费合计\t\t95.36\t公用经费合计\t\t10.23")]


def test_template_tables_carry_no_amounts_and_its_prose_keeps_placeholders():
    lines = lines_of(TEMPLATE)
    rows = [line.raw.split("\t") for line in lines if "\t" in line.raw]
    assert len(rows) > 100
    assert not [r for r in rows if any(f.replace(".", "").isdigit() and "." in f for f in r)]
    assert page_of(lines, "本年收入合计 XXX 万元，其中：财政拨款收入 XXX 万元，占XX%；事业收入 XXX 万元，"
                          "占 XX%；经营收入 XXX 万元，占 XX%……（不涉及的不列）。") == 15


def test_every_page_is_accounted_for_and_lines_are_numbered():
    for path, n_pages in ((WORD, 30), (WPS, 24), (TEMPLATE, 23)):
        lines = lines_of(path)
        assert [line.number for line in lines] == list(range(1, len(lines) + 1))
        assert {line.page for line in lines} == set(range(1, n_pages + 1))
        assert all(line.text == normalize(line.raw) for line in lines)
        assert lines[0].text and lines[-1].text  # no blank Line at either end


def test_rows_match_pdfplumbers_own_cell_extraction():
    pdfplumber = pytest.importorskip("pdfplumber")
    lines = lines_of(WPS)
    ours = [line.raw for line in lines if "\t" in line.raw]
    theirs = []
    with pdfplumber.open(WPS) as pdf:
        for page in pdf.pages:
            for table in page.extract_tables():
                for row in table:
                    fields = ["" if cell is None else "".join(cell.split("\n")) for cell in row]
                    if any(fields):
                        theirs.append("\t".join(fields))
    assert ours == theirs
