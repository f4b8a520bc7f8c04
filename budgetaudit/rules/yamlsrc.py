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


def load(text: str):
    """Parse one YAML document into LineDict/LineList/scalars; raises yaml.YAMLError."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        return _convert(node, loader)
    finally:
        loader.dispose()


def _convert(node, loader):
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)
        out = LineDict()
        out.line = node.start_mark.line + 1
        out.end_line = node.end_mark.line + 1
        out.lines = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if isinstance(key, (list, dict)):
                key = str(key)
            out[key] = _convert(value_node, loader)
            out.lines[key] = key_node.start_mark.line + 1
        return out
    if isinstance(node, yaml.SequenceNode):
        seq = LineList(_convert(v, loader) for v in node.value)
        seq.line = node.start_mark.line + 1
        seq.lines = [v.start_mark.line + 1 for v in node.value]
        return seq
    return loader.construct_object(node, deep=True)


def line_of(value, default: int) -> int:
    return getattr(value, "line", default) or default
