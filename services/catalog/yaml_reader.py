"""Reading a catalog file into plain data, refusing what YAML would silently accept."""

from __future__ import annotations

from collections.abc import Hashable
from pathlib import Path

import yaml
from yaml.constructor import ConstructorError
from yaml.nodes import MappingNode


class _NoDuplicateKeysLoader(yaml.SafeLoader):
    """A SafeLoader that refuses a key repeated in one mapping.

    Plain YAML keeps the last of two `depends_on:` lines without a word; in a hand-edited
    catalog that is almost always a mistake.
    """

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Hashable, object]:
        seen: set[Hashable] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if isinstance(key, Hashable):
                if key in seen:
                    raise ConstructorError(
                        "while reading a mapping",
                        node.start_mark,
                        f"found the key {key!r} twice",
                        key_node.start_mark,
                    )
                seen.add(key)
        return super().construct_mapping(node, deep=deep)


class YamlReadError(Exception):
    """The file cannot be read or is not valid YAML; the message says where."""


def read_yaml(path: Path) -> object:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise YamlReadError(f"cannot be read: {error.strerror or error}") from error
    except UnicodeDecodeError as error:
        raise YamlReadError(f"cannot be read: not UTF-8 text ({error.reason})") from error
    try:
        return yaml.load(text, Loader=_NoDuplicateKeysLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        raise YamlReadError(f"invalid YAML: {where}{error.problem}") from error
    except yaml.YAMLError as error:
        raise YamlReadError(f"invalid YAML: {error}") from error
