"""A user pack adds a prose figure and its check in YAML alone: prose_vocabulary: names the figure
(and the ways it is written), a rule checks it against a table cell and against itself."""

from __future__ import annotations

from pathlib import Path

import pytest

from budgetaudit.audit import audit_file
from budgetaudit.errors import RulePackError
from budgetaudit.narrative.labels import VOCABULARY
from budgetaudit.rules import load_rules

SEED = Path(__file__).resolve().parent.parent.parent / "shared" / "seeds" / "001_1d4d26261698f388.txt"
PACK = """\
pack: 城乡救助
prose_vocabulary:
  城乡救助专款: [城乡救助专款预算, 城乡救助专款支出]
rules:
  - id: XN001
    title: 说明中的城乡救助专款与项目支出预算表一致
    prose: 说明.城乡救助专款 == 项目支出预算表[政府专项城乡医疗救助].总计
  - id: XN002
    title: 说明中两处城乡救助专款一致
    prose_repeat:
      figures: [城乡救助专款]
"""


def test_a_pack_without_the_name_is_refused(tmp_path):
    pack = tmp_path / "bad.yaml"
    pack.write_text(PACK.replace("prose_vocabulary:\n  城乡救助专款: [城乡救助专款预算, 城乡救助专款支出]\n", "")
                    .replace("城乡救助专款", "城乡救助款项"), encoding="utf-8")
    with pytest.raises(RulePackError, match="城乡救助款项"):
        load_rules([pack])


def test_a_malformed_vocabulary_names_the_pack_line(tmp_path):
    pack = tmp_path / "bad.yaml"
    pack.write_text("pack: x\nprose_vocabulary: [培训费]\nrules: []\n", encoding="utf-8")
    with pytest.raises(RulePackError, match=r"bad.yaml:2: prose_vocabulary"):
        load_rules([pack])


@pytest.mark.skipif(not SEED.is_file(), reason="../shared/seeds is not available")
def test_a_new_prose_figure_checked_in_yaml_alone(tmp_path):
    pack = tmp_path / "pack.yaml"
    pack.write_text(PACK, encoding="utf-8")
    rules = [r for r in load_rules([pack]).rules if r.id.startswith("XN")]
    assert VOCABULARY["城乡救助专款"][:1] == ("城乡救助专款",)
    text = SEED.read_text(encoding="utf-8").rstrip("\n").split("\n")
    doc = tmp_path / "001.txt"
    doc.write_text("\n".join([*text, "", "城乡救助专款预算 9,504.00 万元。", "", "城乡救助专款支出 9,540.00 万元。", ""]),
                   encoding="utf-8")
    right, wrong = len(text) + 2, len(text) + 4
    result = audit_file(str(doc), rules).result
    found = {(f.rule, f.severity, f.locations[0].line) for f in result.findings}
    # 9,504.00 is 表9's 政府专项城乡医疗救助; 9,540.00 is neither that nor the first statement.
    assert ("XN001", "error", wrong) in found and ("XN001", "error", right) not in found
    assert any(rule == "XN002" and line in (right, wrong) for rule, _, line in found)
