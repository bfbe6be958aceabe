"""frontlines: conflict news -> sourced ACLED-style events and a dated actor network."""

from frontlines.records import Actor, ActorLink, Article, Event, Evidence, Mention, Place, Relation

__version__ = "0.1.0"

__all__ = [
    "Actor",
    "ActorLink",
    "Article",
    "Event",
    "Evidence",
    "Mention",
    "Place",
    "Relation",
    "__version__",
]
