"""Loading and validating rule packs: every problem is one line naming file, line and rule."""

import re
import textwrap

import pytest

from budgetaudit.audit import audit
from budgetaudit.errors import RulePackError
from budgetaudit.rules import load_pack, load_rules

HEADER = "pack: 测试\nrules:\n"


def pack_error(body: str) -> str:
    with pytest.raises(RulePackError) as info:
        load_pack(HEADER + textwrap.dedent(body), "my.yaml")
    return str(info.value)


def test_unknown_column_names_file_line_and_rule():
    message = pack_error("""\
        - id: BT901
          title: 合计 = 基本支出 + 项目支出
          tables: [支出预算总表]
          each_row: 合计 == 基本支出.小记 + 项目支出
    """)
    assert message.startswith('my.yaml:6: rule BT901: unknown column "基本支出.小记"')


def test_unknown_table():
    message = pack_error("""\
        - id: BT902
          title: 测试
          table: 收支预算总账
          check: 收入总计 == 支出总计
    """)
    assert message == 'my.yaml:5: rule BT902: unknown table "收支预算总账"'


def test_unknown_key_and_misspelt_kind():
    message = pack_error("""\
        - id: BT903
          title: 测试
          table: 收支预算总表
          chek: 收入总计 == 支出总计
    """)
    assert message.startswith('my.yaml:6: rule BT903: unknown key "chek"')
    message = pack_error("""\
        - id: BT904
          title: 测试
          table: 收支预算总表
          check: 收入总计 == 支出总计
          severty: warning
    """)
    assert message.startswith('my.yaml:7: rule BT904: unknown key "severty"')


def test_bad_expression_points_at_the_problem():
    message = pack_error("""\
        - id: BT905
          title: 测试
          table: 收支预算总表
          check: 收入总计 = 支出总计
    """)
    assert re.match(r'my\.yaml:6: rule BT905: bad expression "收入总计 = 支出总计": unexpected "="', message)


def test_ambiguous_column_tail_is_refused():
    message = pack_error("""\
        - id: BT906
          title: 测试
          table: 收入预算总表
          each_row: 总计 == 合计 + 上年结转结余.合计
    """)
    assert 'ambiguous column "合计"' in message and message.startswith("my.yaml:6: rule BT906:")


def test_other_problems():
    assert "duplicate id" in pack_error("""\
        - {id: BT907, title: 甲, table: 收支预算总表, check: "收入总计 == 支出总计"}
        - {id: BT907, title: 乙, table: 收支预算总表, check: "收入总计 == 支出总计"}
    """)
    assert 'severity "fatal"' in pack_error("""\
        - {id: BT908, title: 甲, severity: fatal, table: 收支预算总表, check: "收入总计 == 支出总计"}
    """)
    assert "no rule kind given" in pack_error("""\
        - {id: BT909, title: 甲, table: 收支预算总表}
    """)
    assert "must be letters then three digits" in pack_error("""\
        - {id: 101, title: 甲, table: 收支预算总表, check: "收入总计 == 支出总计"}
    """)
    assert 'unknown side "收益"' in pack_error("""\
        - {id: BT910, title: 甲, table: 收支预算总表, check: "[收益:收入总计] == [支出:支出总计]"}
    """)
    assert "rollup: must be one of" in pack_error("""\
        - {id: BT911, title: 甲, tables: [支出预算总表], rollup: 层级}
    """)


def test_yaml_syntax_error_names_the_line():
    with pytest.raises(RulePackError) as info:
        load_pack("pack: x\nrules:\n  - id: BT912\n    title: [unclosed\n", "bad.yaml")
    assert str(info.value).startswith("bad.yaml:")
    assert "invalid YAML" in str(info.value)


def test_shipped_packs_load_and_have_chinese_titles():
    ruleset = load_rules()
    rules = ruleset.rules
    assert len(rules) > 60
    assert {p.name for p in ruleset.packs} >= {"单位预算公开", "单位决算公开", "通用汇总规则"}
    for rule in rules:
        assert re.search(r"[\u4e00-\u9fff]", rule.title), rule.id
        assert rule.yaml.startswith(f"id: {rule.id}")


def test_select_and_ignore_by_id_or_prefix():
    ruleset = load_rules()
    chosen = ruleset.select(["BT1"], ["BT101"])
    assert chosen and all(r.id.startswith("BT1") and r.id != "BT101" for r in chosen)
    with pytest.raises(ValueError, match='unknown rule id or prefix "ZZ9"'):
        ruleset.select(["ZZ9"])


def test_a_new_identity_needs_only_a_yaml_file(tmp_path, table_builder, doc_builder):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "extra.yaml").write_text(textwrap.dedent("""\
        pack: 我的规则
        applies_to: [预算]
        rules:
          - id: US101
            title: 项目支出不超过合计的一半
            table: 支出预算总表
            check: "[@total].项目支出 <= [@total].合计 - [@total].项目支出"
    """), encoding="utf-8")
    ruleset = load_rules([folder])
    rule = ruleset.get("US101")
    assert rule is not None and rule.pack == "我的规则"
    table = table_builder("支出预算总表", [("合计",), ("基本支出", "小计"), ("项目支出",)], [
        ("合计", ["100.00", "40.00", "60.00"]),
    ], first_line=10)
    result = audit(doc_builder(table), [rule])
    assert len(result.findings) == 1
    finding = result.findings[0]
    assert finding.rule == "US101" and finding.severity == "error"
    assert finding.message == "合计·项目支出 60.00 > 合计·合计 - 合计·项目支出 = 40.00（差 20.00 万元）"
    assert [loc.line for loc in finding.locations] == [10, 10]


def test_user_pack_id_clash_and_missing_path(tmp_path):
    clash = tmp_path / "clash.yaml"
    clash.write_text("pack: x\nrules:\n  - {id: BT101, title: 甲, table: 收支预算总表, "
                     "check: \"收入总计 == 支出总计\"}\n", encoding="utf-8")
    with pytest.raises(RulePackError, match="id already used"):
        load_rules([clash])
    with pytest.raises(RulePackError, match="no such rule pack"):
        load_rules([tmp_path / "absent.yaml"])
