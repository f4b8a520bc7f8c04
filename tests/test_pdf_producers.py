"""Reading order on a PDF made by a real office suite: LibreOffice Writer exports an HTML page with a
prose paragraph (numbers in a Latin font inside CJK text) and a ruled table that runs over a page.
(Imported with Writer's own HTML filter: Writer/Web's drops the first block of the page.)

Skipped where LibreOffice (soffice) or a CJK font is not installed (Debian: libreoffice-writer-nogui,
fonts-wqy-zenhei).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from budgetaudit.readers.pdf import read_pdf

SOFFICE = shutil.which("soffice")


def _has_cjk_font() -> bool:
    fc_list = shutil.which("fc-list")
    if not fc_list:
        return False
    out = subprocess.run([fc_list, ":lang=zh"], capture_output=True, text=True, check=False).stdout
    return bool(out.strip())


pytestmark = pytest.mark.skipif(not SOFFICE or not _has_cjk_font(), reason="LibreOffice or a CJK font is missing")

PROSE = ("本单位2024年度收入支出总计<span class=n>9859.38</span>万元。与2023年度相比，收入支出总计增加"
         "<span class=n>1062.85</span>万元，增长<span class=n>12.08%</span>。主要原因：项目支出增加，较上年增加"
         "<span class=n>1133.95</span>万元，主要由于办公楼修缮等。")
ROWS = [("208", "社会保障和就业支出", "754.75"), ("20805", "行政事业单位养老支出", "754.75"),
        ("2080505", "机关事业单位基本养老保险缴费支出", "446.11")]
N_ROWS = 70


def _libreoffice_pdf(tmp_path: Path) -> Path:
    body = "".join(
        f"<tr><td>{code}</td><td>{name}</td><td align=right>{value}</td></tr>"
        for i in range(N_ROWS) for code, name, value in [ROWS[i % 3]]
    )
    html = f"""<html><head><meta charset="utf-8"><style>
    body {{ font-family: 'WenQuanYi Zen Hei'; font-size: 12pt; }} p {{ text-indent: 2em; }}
    span.n {{ font-family: 'DejaVu Sans'; }} td {{ font-size: 10pt; }}</style></head><body>
    <p>{PROSE}</p>
    <table width=100% border=1 cellspacing=0 cellpadding=2>
    <tr><td>科目编码</td><td>科目名称</td><td>决算数</td></tr>{body}</table>
    <p>注：本表反映部门本年度各项支出情况。</p></body></html>"""
    source = tmp_path / "doc.html"
    source.write_text(html, encoding="utf-8")
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation=file://{tmp_path}/profile", "--headless",
         "--infilter=HTML (StarWriter)", "--convert-to", "pdf:writer_pdf_Export", "--outdir", str(tmp_path), str(source)],
        capture_output=True, timeout=180, check=True,
    )
    return tmp_path / "doc.pdf"


def test_libreoffice_prose_and_table_over_two_pages(tmp_path: Path):
    lines = read_pdf(_libreoffice_pdf(tmp_path))
    prose = [line.text for line in lines if "总计" in line.text]
    assert prose == ["本单位2024年度收入支出总计9859.38万元。与2023年度相比，收入支出总计增加1062.85万元，"
                     "增长12.08%。主要原因:项目支出增加，较上年增加1133.95万元，主要由于办公楼修缮等。"]
    rows = [line for line in lines if "\t" in line.text]
    assert rows[0].text == "科目编码\t科目名称\t决算数"
    assert [r.text for r in rows[1:]] == ["\t".join(ROWS[i % 3]) for i in range(N_ROWS)]
    assert len({r.page for r in rows}) == 2  # the table really runs over a page break
    assert lines[-1].text == "注:本表反映部门本年度各项支出情况。"
