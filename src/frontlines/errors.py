"""One exception hierarchy; every message names the value and, where there is one, the file."""

from __future__ import annotations

from pathlib import Path


class FrontlinesError(Exception):
    """Base class of every error frontlines raises on purpose."""


class InputError(FrontlinesError):
    """A document or file that cannot be read. ``where`` is a path, with ``:line`` when known."""

    def __init__(self, where: str | Path, problem: str) -> None:
        self.where = str(where)
        self.problem = problem
        super().__init__(f"{self.where}: {problem}")


class GazetteerError(InputError):
    """A gazetteer file that cannot be imported."""


class KnowledgeBaseError(InputError):
    """An actor knowledge-base file that does not validate."""


class StoreError(FrontlinesError):
    """The store cannot be opened or written."""


class EvaluationError(FrontlinesError):
    """A gold or documents file the evaluator cannot use."""
