"""What a label in the prose names: "鞍山市…中心 2025 年财政拨款收支总预算" → 财政拨款收支总预算.

A label is matched against a vocabulary of canonical names and the ways the disclosures write
them. The term that ends closest to the number wins (the subject nearest the figure), the longest
term among those ending there ("一般公共预算财政拨款基本支出" before "基本支出"). Bare words
("支出", "收入", "结转结余") name a total only when they are the whole label.
"""

from __future__ import annotations

import re

# canonical name → aliases as written (compared after normalise_label).
VOCABULARY: dict[str, tuple[str, ...]] = {
    "收支总预算": ("收支总预算", "收支预算总额", "收支预算", "预算收支", "收支总计", "收支总额", "收入支出总计"),
    "收入总计": ("收入总计", "收入预算", "收入总预算", "总收入"),
    "支出总计": ("支出总计", "支出预算", "支出总预算", "总支出"),
    "本年收入合计": ("本年收入合计", "本年收入"),
    "本年支出合计": ("本年支出合计", "本年支出"),
    "基本支出": ("基本支出", "基本支出预算"),
    "项目支出": ("项目支出", "项目支出预算"),
    "人员经费": ("人员经费",),
    "公用经费": ("公用经费",),
    "一般公共预算拨款收入": ("一般公共预算拨款收入", "一般公共预算财政拨款收入", "一般公共预算收入", "一般公共预算拨款"),
    "政府性基金预算拨款收入": ("政府性基金预算拨款收入", "政府性基金预算财政拨款收入", "政府性基金预算拨款", "政府性基金预算收入"),
    "国有资本经营预算拨款收入": (
        "国有资本经营预算拨款收入",
        "国有资本经营预算财政拨款收入",
        "国有资本经营预算拨款",
        "国有资本经营预算收入",
    ),
    "财政专户管理资金收入": ("财政专户管理资金收入", "财政专户管理资金"),
    "单位资金收入": ("单位资金收入",),
    "事业收入": ("事业收入",),
    "事业单位经营收入": ("事业单位经营收入",),
    "经营收入": ("经营收入",),
    "上级补助收入": ("上级补助收入",),
    "附属单位上缴收入": ("附属单位上缴收入",),
    "其他收入": ("其他收入",),
    "使用非财政拨款结余": ("使用非财政拨款结余",),
    "上年结转结余": ("上年结转结余", "上年结转和结余", "上年结转", "年初结转和结余", "年初结转结余"),
    "年末结转和结余": ("年末结转和结余", "年终结转结余", "年末结转结余"),
    "财政拨款收入": ("财政拨款收入", "当年财政拨款收入", "本年财政拨款收入"),
    "财政拨款支出": ("财政拨款支出",),
    "财政拨款收支总预算": ("财政拨款收支总预算", "财政拨款收支预算", "财政拨款收支总额", "财政拨款收入支出总计", "财政拨款收支总计"),
    "一般公共预算支出": ("一般公共预算财政拨款支出", "一般公共预算支出", "一般公共预算拨款支出"),
    "一般公共预算基本支出": ("一般公共预算基本支出", "一般公共预算财政拨款基本支出"),
    "上缴上级支出": ("上缴上级支出",),
    "经营支出": ("经营支出",),
    "对附属单位补助支出": ("对附属单位补助支出",),
    # economic classes
    "工资福利支出": ("工资福利支出",),
    "商品和服务支出": ("商品和服务支出",),
    "对个人和家庭的补助": ("对个人和家庭的补助", "对个人和家庭补助支出", "对个人和家庭的补助支出", "对个人和家庭补助"),
    "资本性支出": ("资本性支出",),
    # 三公经费
    "三公经费": ("三公经费", "三公经费预算数", "三公经费支出", "三公经费预算", "三公经费决算数", "三公经费财政拨款支出"),
    "因公出国（境）费": ("因公出国（境）费", "因公出国（境）费用", "因公出国境费"),
    "公务接待费": ("公务接待费", "国内公务接待费"),
    "公务用车购置及运行费": ("公务用车购置及运行费", "公务用车购置及运行维护费", "公务用车购置和运行费"),
    "公务用车购置费": ("公务用车购置费", "公务用车购置"),
    "公务用车运行费": ("公务用车运行费", "公务用车运行维护费"),
    # other matters
    "机关运行经费": ("机关运行经费", "事业运行经费"),
    "政府采购": ("政府采购", "政府采购预算", "政府采购支出", "政府采购预算总额", "政府采购支出总额"),
    "政府采购.货物": ("政府采购货物", "政府采购货物预算", "政府采购货物支出"),
    "政府采购.工程": ("政府采购工程", "政府采购工程预算", "政府采购工程支出"),
    "政府采购.服务": ("政府采购服务", "政府采购服务预算", "政府采购服务支出"),
    "政府购买服务": ("政府购买服务", "政府购买服务支出", "政府购买服务预算"),
    "债务支出": ("债务支出",),
    "国有资本经营预算支出": ("国有资本经营预算支出",),
    "委托业务费": ("委托业务费",),
    "项目资金": (),  # "项目共 N 个，涉及资金 X 万元" (narrative.builder._project_funds)
}

# 功能分类 classes (类): each is its own canonical label.
FUNCTION_CLASSES: tuple[str, ...] = (
    "一般公共服务支出",
    "外交支出",
    "国防支出",
    "公共安全支出",
    "教育支出",
    "科学技术支出",
    "文化旅游体育与传媒支出",
    "社会保障和就业支出",
    "卫生健康支出",
    "节能环保支出",
    "城乡社区支出",
    "农林水支出",
    "交通运输支出",
    "资源勘探工业信息等支出",
    "商业服务业等支出",
    "金融支出",
    "援助其他地区支出",
    "自然资源海洋气象等支出",
    "住房保障支出",
    "粮油物资储备支出",
    "灾害防治及应急管理支出",
    "债务还本支出",
    "债务付息支出",
)

# Whole-label aliases: a bare word names a total only when nothing else is written.
EXACT: dict[str, str] = {
    "收入": "收入总计",
    "支出": "支出总计",
    "收支": "收支总预算",
    "结转结余": "年末结转和结余",
    "结转和结余": "年末结转和结余",
}

# Parts listed under these totals are named relative to them ("其中：货物 0 万元").
SCOPED: dict[str, dict[str, tuple[str, ...]]] = {
    "政府采购": {
        "货物": ("货物", "货物采购", "采购货物"),
        "工程": ("工程", "工程采购", "采购工程"),
        "服务": ("服务", "服务采购", "采购服务"),
    },
    "上年结转结余": {
        "一般公共预算": ("一般公共预算资金", "一般公共预算", "一般公共预算拨款", "一般公共预算拨款收入"),
        "政府性基金预算": ("政府性基金预算", "政府性基金预算资金"),
        "国有资本经营预算": ("国有资本经营预算", "国有资本经营预算资金"),
        "财政专户管理资金": ("财政专户管理资金",),
        "单位资金": ("单位资金",),
    },
    "年末结转和结余": {
        "一般公共预算": ("一般公共预算资金", "一般公共预算"),
    },
}

# Fund scopes a label may carry ("财政拨款基本支出", "政府性基金支出预算"), with the scope each implies.
FUND_SCOPES: dict[str, str | None] = {
    "财政拨款": None,
    "一般公共预算": "财政拨款",
    "政府性基金": "财政拨款",
    "国有资本经营": "财政拨款",
    "财政专户": None,
    "单位资金": None,
}
# Names whose figure is the total of a fund scope (the one their name carries, all funds when
# none): a label naming a narrower scope names another figure, never these.
FUND_TOTALS: frozenset[str] = frozenset({
    "收入总计", "支出总计", "收支总预算", "本年收入合计", "本年支出合计", "基本支出", "项目支出",
    "财政拨款收入", "财政拨款支出", "财政拨款收支总预算", "一般公共预算支出", "一般公共预算基本支出",
    "一般公共预算拨款收入", "政府性基金预算拨款收入", "国有资本经营预算拨款收入", "国有资本经营预算支出",
})

# Count labels: (canonical, words that must occur, words that must not).
COUNTS: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("整体绩效目标个数", ("整体绩效目标",), ()),
    ("项目个数", ("项目",), ("整体",)),
    ("车辆", ("车辆",), ("购置",)),
    ("车辆.购置", ("购置车辆",), ()),
    ("公务用车保有量", ("保有量",), ()),
)

# Figures introduced this way are subsets reported for another purpose (绩效 coverage).
_SUBSET_WORDS = ("涉及", "其中涉及", "覆盖")

_QUOTES = str.maketrans({"“": None, "”": None, '"': None, "‘": None, "’": None, "'": None, "「": None, "」": None})
_LEAD = re.compile(
    r"^(?:[-*•]\s*)?(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[)）]|\d{1,2}[、.．](?!\d)|[①-⑳])"
)
_YEAR = re.compile(r"(?:19|20)\d{2}\s*年度?")
_FILLER_HEAD = re.compile(r"^(?:其中|包括|具体为|具体包括|主要包括|另外|此外|今年)[:：]?")
_FILLER_TAIL = re.compile(r"(?:为|是|共计|共|达到|达|约为|约|总额为|金额为|数为)$")


def normalise_label(text: str) -> str:
    """Spaces and quotes out, ASCII brackets widened: "“三公” 经费" → "三公经费"."""
    t = re.sub(r"\s+", "", text).translate(_QUOTES)
    return t.replace("(", "（").replace(")", "）")


def trim_label(text: str) -> str:
    """The subject words of a label: no enumerator, no leading 其中/包括, no trailing 为/共计."""
    t = normalise_label(text)
    for _ in range(3):
        before = t
        t = _LEAD.sub("", t)
        t = _FILLER_HEAD.sub("", t)
        t = _FILLER_TAIL.sub("", t)
        if t == before:
            break
    return t


def _terms() -> list[tuple[str, str]]:
    pairs = [(alias, canonical) for canonical, aliases in VOCABULARY.items() for alias in aliases]
    pairs += [(name, name) for name in FUNCTION_CLASSES]
    return pairs


_TERMS = _terms()


def canonical(label: str, parent: str | None = None) -> str | None:
    """The canonical name of ``label`` (as written), or None when it names nothing known.

    ``parent`` is the canonical name of the total a part is listed under; parts of a scoping
    total (政府采购, 上年结转结余) are named relative to it.
    """
    t = trim_label(label)
    if not t or t.startswith(_SUBSET_WORDS):
        return None
    if parent in SCOPED:
        best_scoped = _rightmost(t, [(alias, f"{parent}.{part}") for part, aliases in SCOPED[parent].items() for alias in aliases])
        if best_scoped is not None:
            return best_scoped
    bare = _YEAR.sub("", t)
    bare = _FILLER_HEAD.sub("", bare)
    if bare in EXACT:
        return EXACT[bare]
    name = _rightmost(t, _TERMS)
    if name in FUND_TOTALS and not fund_scope(t) <= fund_scope(name):
        # "省检察院一般公共预算财政拨款支出预算": not 支出总计 ("支出预算") but the figure of the
        # scope the label names, when the vocabulary has one; "财政拨款基本支出" has none.
        scope = fund_scope(t)
        return _rightmost(t, [(alias, n) for alias, n in _TERMS if n in FUND_TOTALS and fund_scope(n) == scope])
    return name


def fund_scope(text: str) -> frozenset[str]:
    """The fund scopes ``text`` names, with those they imply (一般公共预算 → 财政拨款)."""
    found = {word for word in FUND_SCOPES if word in text}
    found |= {FUND_SCOPES[word] for word in found if FUND_SCOPES[word]}
    return frozenset(found)


def _rightmost(text: str, terms: list[tuple[str, str]]) -> str | None:
    found = [(text.rfind(alias), alias, name) for alias, name in terms if alias in text]
    # A term that starts inside another and runs past it is the tail of a compound, not the
    # subject: "政府采购支出预算总额" is 政府采购 (…支出), not 支出预算.
    heads = [(pos, alias, name) for pos, alias, name in found
             if not any(p < pos < p + len(a) < pos + len(alias) for p, a, _ in found)]
    best: tuple[int, int, str] | None = None
    for pos, alias, name in heads:
        key = (pos + len(alias), len(alias), name)
        if best is None or key[:2] > best[:2]:
            best = key
    if best is None:
        return None
    end = best[0]
    # The term must be the end of the subject: what follows may only be 预算/支出-style filler.
    tail = text[end:]
    # ("公务接待费支出决算", "三公经费财政拨款预算数"), but not 年初/上年/调整 (another figure's label).
    if tail and not re.fullmatch(r"(?:财政拨款)?(?:(?:预算|决算)|(?:数|总额|金额|安排|资金|支出|经费|情况))*", tail):
        return None
    return best[2]


def count_label(label: str) -> str | None:
    t = trim_label(label)
    for name, required, excluded in COUNTS:
        if all(w in t for w in required) and not any(w in t for w in excluded):
            return name
    return None
