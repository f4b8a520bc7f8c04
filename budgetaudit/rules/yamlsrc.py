"""YAML that remembers where things were written, so pack errors can name file:line."""

from __future__ import annotations

import yaml


class LineDict(dict):
    """A mapping with the 1-based line of itself (``line``) and of each key (``lines``)."""

    line: int = 0
    end_line: int = 0
    lines: dict

    def line_of(self, key) -> int:
        return self.lines.get(key, self.line)


class LineList(list):
    line: int = 0
    lines: list


# Bounds a rule pack never reaches and a hostile one always does: nesting (the parser and the
# converter recurse) and the number of values after aliases are expanded ("billion laughs").
MAX_DEPTH = 64
MAX_NODES = 200_000


class PackShapeError(yaml.YAMLError):
    """A pack beyond the bounds above; ``problem_mark`` says where (as the parser's errors do)."""

    def __init__(self, problem: str, mark=None):
        super().__init__(problem)
        self.problem = problem
        self.problem_mark = mark


def load(text: str):
    """Parse one YAML document into LineDict/LineList/scalars; raises yaml.YAMLError."""
    _check_depth(text)
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        return _convert(node, loader, [MAX_NODES])
    finally:
        loader.dispose()


def _check_depth(text: str) -> None:
    """Refuse deep nesting from the event stream (the parser itself does not recurse)."""
    depth = 0
    for event in yaml.parse(text, Loader=yaml.SafeLoader):
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                raise PackShapeError(f"nested more than {MAX_DEPTH} levels deep", event.start_mark)
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1


_PLAIN_TAGS = {f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "seq", "map")}


def _convert(node, loader, budget: list[int]):
    if node.tag not in _PLAIN_TAGS:
        raise PackShapeError(f"the tag {node.tag} is not allowed in a rule pack", node.start_mark)
    budget[0] -= 1
    if budget[0] < 0:
        raise PackShapeError(f"more than {MAX_NODES:,} values once aliases (*name) are expanded",
                           node.start_mark)
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)
        out = LineDict()
        out.line = node.start_mark.line + 1
        out.end_line = node.end_mark.line + 1
        out.lines = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise PackShapeError("a key must be a plain value, not a list or a mapping", key_node.start_mark)
            key = loader.construct_object(key_node, deep=True)
            out[key] = _convert(value_node, loader, budget)
            out.lines[key] = key_node.start_mark.line + 1
        return out
    if isinstance(node, yaml.SequenceNode):
        seq = LineList(_convert(v, loader, budget) for v in node.value)
        seq.line = node.start_mark.line + 1
        seq.lines = [v.start_mark.line + 1 for v in node.value]
        return seq
    try:
        return loader.construct_object(node, deep=True)
    except ValueError as exc:  # e.g. an integer of more digits than Python converts
        raise PackShapeError(f"unreadable value ({exc})", node.start_mark) from None


def line_of(value, default: int) -> int:
    return getattr(value, "line", default) or default
