"""Reading YAML: the packaged data files and the user's actor files, with one safe loader."""

from __future__ import annotations

from typing import IO, Any

import yaml

# libyaml's parser when PyYAML has it: the same data, read several times faster.
SAFE_LOADER: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(source: str | IO[str]) -> Any:
    """``yaml.safe_load`` through ``SAFE_LOADER``."""
    return yaml.load(source, Loader=SAFE_LOADER)  # noqa: S506 - a safe loader
