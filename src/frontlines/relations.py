"""Relations between actors, with dates and evidence.

Four sources, per article:

1. **Patterns** (``data/relation_patterns.yaml``) over each sentence rewritten as a template
   in which actor mentions are tokens ("⟦g0⟧, an ⟦g1⟧ affiliate"): appositions and phrasings
   for affiliation, membership, mergers and splits, leadership and spokespeople, support
   ("Turkish-backed", "backed by"), alliances ("fought alongside") and hostility ("clashes
   between A and B", "A attacked B", "A declared war on B").
2. **Referring mentions** the actor matcher resolved through an affiliation ("the Al-Qaeda
   franchise" -> Nusra): the affiliate relation they state.
3. **The dependency parse** (spaCy, only on sentences with two or more actor mentions) for
   hostile verbs and nouns whose subject and object are actors but that no pattern caught
   ("Nusra clamped down on protests and drove out the 13th Division").
4. **Coded events**: a Battles (or remote-violence) event between two resolved armed actors
   is hostility on the event's date; associated actors are allied with their principal.

Each relation carries the sentence as evidence, the first date named in the sentence (else
the event date, else the publication date), and a confidence. Per article, relations of one
kind between one pair are merged (evidence joined); symmetric kinds order their pair by id.
"""

from __future__ import annotations

import functools
import importlib.resources
import re
from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from frontlines.actors import ActorBase
from frontlines.datafiles import load_yaml
from frontlines.literals import LiteralScreen
from frontlines.nlp import Sentence
from frontlines.records import SYMMETRIC_RELATIONS, Article, Event, Evidence, Mention, Relation, stable_id

__all__ = [
    "HOSTILE_EVENT_TYPES",
    "extract_relations",
    "from_events",
    "from_sentences",
    "relation_id",
]

HOSTILE_EVENT_TYPES = {"Battles", "Explosions/Remote violence"}
# ACLED actor types that take part in armed relations (civilians, type 7, never do).
_ARMED_TYPES = {1, 2, 3, 4, 8}
_PERSON_KINDS = {"leads", "spokesperson_of"}
# Structural links that make an event-coded "battle" between two actors implausible.
_STRUCTURAL = {"affiliate_of", "member_of", "merged_into", "leads", "spokesperson_of", "supports", "allied"}


def relation_id(kind: str, source: str, target: str, day: object, doc: str) -> str:
    return stable_id("relation", kind, source, target, day, doc)


# --------------------------------------------------------------------------------------------
# Pattern data
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Rule:
    kind: str
    source: str
    target: str
    confidence: float
    regex: re.Pattern[str]


@dataclass(frozen=True, slots=True)
class _Patterns:
    rules: tuple[_Rule, ...]
    negation: re.Pattern[str]
    hostile_verbs: re.Pattern[str]
    hostile_nouns: re.Pattern[str]
    object_preps: re.Pattern[str]
    role: re.Pattern[str]
    # Which rules can match a sentence template (most rules find nothing in most sentences).
    screen: LiteralScreen


_PLACEHOLDER = re.compile(r"\{([A-Z]+)\}")


def _compile(regex: str, macros: dict[str, str], *, persons: bool = False) -> re.Pattern[str]:
    """Expand macros and placeholders; ``persons``: letters may stand for a person too
    (a head of state named for his forces), which the rule's kind then checks."""
    letter = "[gp]" if persons else "g"

    def expand(m: re.Match[str]) -> str:
        name = m.group(1)
        if name in macros:
            return macros[name]
        if name == "P":
            return r"⟦p(?P<P>\d+)⟧"
        if name in ("X", "Y"):
            return rf"⟦[gp](?P<{name}>\d+)⟧"
        if len(name) == 1:
            return rf"⟦{letter}(?P<{name}>\d+)⟧"
        raise ValueError(f"unknown placeholder {{{name}}} in relation pattern {regex!r}")

    for _ in range(3):  # macros may use macros
        regex = _PLACEHOLDER.sub(lambda m: macros[m.group(1)] if m.group(1) in macros else m.group(0), regex)
    return re.compile(_PLACEHOLDER.sub(expand, regex), re.IGNORECASE)


def load_patterns(path: Path | None = None) -> _Patterns:
    """Compile a relation-pattern file (the built-in one by default)."""
    if path is None:
        path = Path(str(importlib.resources.files("frontlines") / "data" / "relation_patterns.yaml"))
    data: dict[str, Any] = load_yaml(path.read_text(encoding="utf-8"))
    macros = {k: str(v) for k, v in (data.get("macros") or {}).items()}
    rules = []
    for raw in data.get("patterns") or ():
        rules.append(
            _Rule(
                kind=raw["kind"],
                source=raw["source"],
                target=raw["target"],
                confidence=float(raw.get("confidence", 0.7)),
                regex=_compile(raw["regex"], macros, persons=raw["kind"] not in _PERSON_KINDS),
            )
        )
    dep = data.get("dependency") or {}
    return _Patterns(
        rules=tuple(rules),
        screen=LiteralScreen([rule.regex for rule in rules]),
        negation=re.compile(data.get("negations") or r"(?!)", re.IGNORECASE),
        hostile_verbs=re.compile(dep.get("hostile_verbs") or r"(?!)", re.IGNORECASE),
        hostile_nouns=re.compile(dep.get("hostile_nouns") or r"(?!)", re.IGNORECASE),
        object_preps=re.compile(dep.get("object_preps") or r"^(?:on|against)$", re.IGNORECASE),
        role=re.compile(
            r"^(?:the\s+)?(?P<org>[\w'’-]+(?:\s+[\w'’-]+){0,4}?)(?:['’]s)?\s+(?:[\w-]+\s+)?"
            rf"(?:(?P<leads>{macros.get('LEADER', 'leader')})|(?P<spokes>{macros.get('SPOKES', 'spokesman')}))$",
            re.IGNORECASE,
        ),
    )


@functools.lru_cache(maxsize=1)
def _patterns() -> _Patterns:
    return load_patterns()


# --------------------------------------------------------------------------------------------
# Entities of a sentence
# --------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Ent:
    start: int
    end: int
    key: str  # actor id, else "person:<name>"
    ident: str  # actor id or ""
    name: str
    kind: str  # "g" group, "p" person
    actor_type: int | None
    mentions: list[Mention] = field(default_factory=list)


_JOINABLE_GAP = re.compile(r"^[\s(\[“\"']*$|^[\s)\]”\"']*[\s(\[]+$")


def _entities(text: str, sentence: Sentence, mentions: Sequence[Mention], base: ActorBase) -> list[_Ent]:
    """Actor and person mentions inside the sentence, adjacent mentions of one actor joined."""
    out: list[_Ent] = []
    for m in sorted(mentions, key=lambda m: (m.start, -m.end)):
        if m.start < sentence.start or m.end > sentence.end or m.kind not in ("actor", "person"):
            continue
        if out and m.start < out[-1].end:
            continue  # nested or overlapping: the first, longest mention wins
        if m.kind == "actor":
            if not m.resolved_id:
                continue  # generic words ("fighters") make no relation
            actor = base.get(m.resolved_id)
            kind = "p" if actor is not None and actor.kind == "person" else "g"
            ent = _Ent(m.start, m.end, m.resolved_id, m.resolved_id, m.name or m.text, kind,
                       m.actor_type if m.actor_type is not None else (actor.type if actor else None), [m])
        else:
            name = m.name or m.text
            if m.resolved_id:
                ent = _Ent(m.start, m.end, m.resolved_id, m.resolved_id, name, "p", 0, [m])
            else:
                if len(name) < 4 or not name[:1].isupper():
                    continue  # a lower-case or very short "person" is a recogniser slip
                ent = _Ent(m.start, m.end, f"person:{name.casefold()}", "", name, "p", 0, [m])
        if out and out[-1].key == ent.key and _JOINABLE_GAP.match(text[out[-1].end : ent.start]):
            out[-1].end = ent.end
            out[-1].mentions.append(m)
            continue
        if out and out[-1].kind == ent.kind == "g" and text[out[-1].end : ent.start] in (" ", "-"):
            # "Free Syrian Army 13th Division": the unit named last, qualified by the first;
            # but "Islamic Front coalition": a common noun after a name only describes it.
            if m.text[:1].isupper() or m.text[:1].isdigit():
                ent.start = out[-1].start
                out[-1] = ent
            else:
                out[-1].end = ent.end
            continue
        out.append(ent)
    return out


def _template(text: str, sentence: Sentence, ents: Sequence[_Ent]) -> str:
    parts = []
    pos = sentence.start
    for i, e in enumerate(ents):
        parts.append(text[pos : e.start])
        parts.append(f"⟦{e.kind}{i}⟧")
        pos = e.end
    parts.append(text[pos : sentence.end])
    return "".join(parts)


_CONJ_GAP = re.compile(r"^(?:\s*,\s*(?:and\s+|or\s+|as\s+well\s+as\s+)?|\s+(?:and|or|&|as\s+well\s+as)\s+)(?:(?:the|other|its|their)\s+)?(?:[\w-]+\s+){0,2}?$", re.IGNORECASE)
_TOKEN = re.compile(r"⟦([gp])(\d+)⟧")


def _conjunct_groups(template: str) -> dict[int, list[int]]:
    """Entity index -> the indices of its coordination ("A, B and C"), itself included."""
    toks = list(_TOKEN.finditer(template))
    groups: dict[int, list[int]] = {}
    current: list[int] = []
    for i, tok in enumerate(toks):
        idx = int(tok.group(2))
        if current and _CONJ_GAP.match(template[toks[i - 1].end() : tok.start()]) and tok.group(1) == toks[i - 1].group(1):
            current.append(idx)
        else:
            current = [idx]
        for member in current:
            groups[member] = current
    return groups


# --------------------------------------------------------------------------------------------
# Building relations
# --------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Found:
    kind: str
    source: _Ent
    target: _Ent
    confidence: float
    sentence: Sentence
    day: date | None
    precision: int


def _sentence_date(sentence: Sentence, mentions: Sequence[Mention], article: Article) -> tuple[date | None, int]:
    for m in mentions:
        if m.kind == "date" and sentence.start <= m.start < sentence.end and m.value:
            try:
                day = date.fromisoformat(m.value)
            except ValueError:
                continue
            precision = 3
            match = re.search(r"\d", m.name or "")
            if match:
                precision = int(match.group(0))
            return day, max(1, min(3, precision))
    return article.published, 3


def _by_name_suffix(words: Sequence[str], base: ActorBase, on: date | None) -> Any:
    """The actor named by the words, or by their longest tail ("Syrian al-Qaeda" -> al-Qaeda)."""
    for i in range(len(words)):
        actor = base.by_name(" ".join(words[i:]), on=on)
        if actor is not None:
            return actor
    return None


def _role_mentions(ents: Sequence[_Ent], sentence: Sentence, base: ActorBase, day: date | None, precision: int,
                   patterns: _Patterns) -> list[_Found]:
    """"ISIS spokesman" resolved to al-Adnani: al-Adnani spokesperson_of ISIS."""
    out = []
    for ent in ents:
        if ent.kind != "p":
            continue
        for m in ent.mentions:
            match = patterns.role.match(m.text.strip())
            if match is None:
                continue
            org = _by_name_suffix(re.sub(r"['’]s$", "", match.group("org")).split(), base, day)
            if org is None or org.kind == "person":
                continue
            kind = "leads" if match.group("leads") else "spokesperson_of"
            target = _Ent(m.start, m.end, org.id, org.id, org.name, "g", org.type, [])
            out.append(_Found(kind, ent, target, 0.8, sentence, day, precision))
    return out


def _person_as_group(ent: _Ent, base: ActorBase, on: date | None = None) -> _Ent:
    """A head of state or commander named for his forces ("fighting alongside Assad")."""
    if ent.kind != "p" or not ent.ident:
        return ent
    actor = base.get(ent.ident)
    if actor is None:
        return ent
    for link in actor.links:
        active = on is None or ((link.start is None or link.start <= on) and (link.end is None or on <= link.end))
        if link.kind == "leads" and link.target in base and active:
            led = base.get(link.target)
            assert led is not None
            return _Ent(ent.start, ent.end, led.id, led.id, led.name, "g", led.type, ent.mentions)
    return ent


def _valid(kind: str, source: _Ent, target: _Ent) -> bool:
    if source.key == target.key:
        return False
    if kind in _PERSON_KINDS:
        return source.kind == "p" and target.kind == "g"
    if source.kind == "p" or target.kind == "p":
        return False
    return all(e.actor_type not in (5, 6, 7) for e in (source, target))


_AFFILIATE_MENTION = re.compile(
    r"^(?:(?:the|an?)\s+)?(?P<head>[\w'’-]+(?:\s+[\w'’-]+){0,3}?)(?:['’]s)?[\s-]+"
    r"(?:affiliate|affiliated\s+group|franchise|branch|offshoot|wing|faction|arm|chapter)\b",
    re.IGNORECASE,
)


def _affiliate_mentions(text: str, sentence: Sentence, ents: Sequence[_Ent], base: ActorBase, day: date | None,
                        precision: int) -> list[_Found]:
    """"the Al-Qaeda franchise" resolved to Nusra: Nusra affiliate_of al-Qaeda."""
    out = []
    for ent in ents:
        if ent.kind != "g":
            continue
        for m in ent.mentions:
            match = _AFFILIATE_MENTION.match(m.text)
            if match is None:
                continue
            parent = _by_name_suffix(re.sub(r"['’]s$", "", match.group("head")).split(), base, day)
            if parent is None or parent.id == ent.ident:
                continue
            target = _Ent(m.start, m.end, parent.id, parent.id, parent.name, "g", parent.type, [])
            out.append(_Found("affiliate_of", ent, target, 0.8, sentence, day, precision))
    return out


def _pattern_relations(template: str, ents: Sequence[_Ent], sentence: Sentence, day: date | None,
                       precision: int, patterns: _Patterns, base: ActorBase) -> list[_Found]:
    groups = _conjunct_groups(template)
    out: list[_Found] = []
    screen = patterns.screen.candidates(template)
    for k, rule in enumerate(patterns.rules):
        if not screen >> k & 1:
            continue
        pos = 0
        while True:
            m = rule.regex.search(template, pos)
            if m is None:
                break
            pos = m.start() + 1
            if patterns.negation.search(m.group(0)):
                continue
            try:
                s_idx, t_idx = int(m.group(rule.source)), int(m.group(rule.target))
            except (IndexError, TypeError):
                continue
            sources, targets = [s_idx], [t_idx]
            if rule.kind not in _PERSON_KINDS:
                s_group, t_group = groups.get(s_idx, [s_idx]), groups.get(t_idx, [t_idx])
                if t_idx not in s_group:
                    sources, targets = s_group, t_group
            for si in sources:
                for ti in targets:
                    src, tgt = ents[si], ents[ti]
                    if rule.kind not in _PERSON_KINDS:
                        src, tgt = _person_as_group(src, base, day), _person_as_group(tgt, base, day)
                    if _valid(rule.kind, src, tgt):
                        out.append(_Found(rule.kind, src, tgt, rule.confidence, sentence, day, precision))
    return out


def _dependency_relations(text: str, items: Sequence[tuple[Sentence, list[_Ent], date | None, int]],
                          known: set[frozenset[str]], patterns: _Patterns, base: ActorBase,
                          docs: Mapping[tuple[int, int], Any] | None = None) -> list[_Found]:
    """Hostile verbs/nouns whose subject and object are both actors (spaCy dependency parse).

    ``docs``: parses the caller already made, keyed by the sentence's (start, end); when given,
    only those sentences are read (ingest parses the sentences that can hold an event and no
    more); without it, the sentences are parsed here.
    """
    todo = [it for it in items if sum(1 for e in it[1] if e.kind == "g") >= 2]
    if not todo:
        return []
    if docs is not None:
        # The caller parsed what it could afford to: the rest stay with the patterns.
        todo = [it for it in todo if docs.get((it[0].start, it[0].end)) is not None]
    given = dict(docs or {})
    missing = [s for s, _, _, _ in todo if given.get((s.start, s.end)) is None]
    if missing:
        try:
            from frontlines.nlp import parse

            parsed = parse([text[s.start : s.end] for s in missing])
        except Exception:  # noqa: BLE001 - no model: the patterns alone
            return []
        given.update({(s.start, s.end): d for s, d in zip(missing, parsed, strict=True)})
    out: list[_Found] = []
    docs_in_order = [given[(s.start, s.end)] for s, _, _, _ in todo]
    for (sentence, ents, day, precision), doc in zip(todo, docs_in_order, strict=True):
        spans = [(e.start - sentence.start, e.end - sentence.start, e) for e in ents]
        # A token reads "alongside" or "together" only where the sentence's text holds the word:
        # most sentences need no walk of a verb's subtree to find one.
        lowered = text[sentence.start : sentence.end].lower()
        together = "alongside" in lowered or "together" in lowered

        def ent_at(token: Any, depth: int = 0) -> _Ent | None:
            for a, b, e in spans:
                if a <= token.idx < b:
                    return e
            if depth >= 2:
                return None
            for child in token.children:
                if child.dep_ in ("compound", "amod", "poss", "nmod", "appos"):
                    found = ent_at(child, depth + 1)
                    if found is not None:
                        return found
                if child.dep_ == "prep" and child.lower_ in ("of", "from", "belonging"):
                    for pobj in child.children:
                        if pobj.dep_ == "pobj":
                            found = ent_at(pobj, depth + 1)
                            if found is not None:
                                return found
            return None

        def with_conjuncts(token: Any) -> list[_Ent]:
            found = [ent_at(t) for t in (token, *token.conjuncts)]
            return [e for e in found if e is not None]

        def subjects(verb: Any) -> list[_Ent]:
            node = verb
            for _ in range(3):
                for child in node.children:
                    if child.dep_ == "nsubj":
                        return with_conjuncts(child)
                    if child.dep_ == "agent":
                        for pobj in child.children:
                            if pobj.dep_ == "pobj":
                                return with_conjuncts(pobj)
                if node.dep_ in ("conj", "xcomp", "advcl", "relcl") and node.head is not node:
                    if node.dep_ == "relcl":
                        return with_conjuncts(node.head)
                    node = node.head
                else:
                    break
            return []

        def objects(head: Any) -> list[_Ent]:
            found: list[_Ent] = []
            for child in head.children:
                if child.dep_ in ("dobj", "nsubjpass", "attr"):
                    found.extend(with_conjuncts(child))
                elif child.dep_ == "prep" and patterns.object_preps.match(child.lower_):
                    for pobj in child.children:
                        if pobj.dep_ == "pobj":
                            found.extend(with_conjuncts(pobj))
            return found

        for token in doc:
            pos = token.pos_
            verb = pos in ("VERB", "AUX") and patterns.hostile_verbs.match(token.lower_)
            if not (verb or (pos == "NOUN" and patterns.hostile_nouns.match(token.lower_))):
                continue
            pairs: list[tuple[list[_Ent], list[_Ent]]] = []
            if any(c.dep_ == "neg" for c in token.children):
                continue
            if verb:
                if together and any(c.lower_ in ("alongside", "together") for c in token.subtree):
                    continue
                pairs.append((subjects(token), objects(token)))
            else:  # a hostile noun
                subj: list[_Ent] = []
                for child in token.children:
                    if child.dep_ == "poss":
                        subj = with_conjuncts(child)
                if not subj and token.dep_ in ("dobj", "nsubjpass") and token.head.pos_ == "VERB":
                    subj = subjects(token.head)
                obj = []
                for child in token.children:
                    if child.dep_ == "prep" and child.lower_ in ("on", "against", "upon"):
                        for pobj in child.children:
                            if pobj.dep_ == "pobj":
                                obj.extend(with_conjuncts(pobj))
                pairs.append((subj, obj))
            for subj, obj in pairs:
                for s in subj:
                    for t in obj:
                        s2, t2 = _person_as_group(s, base, day), _person_as_group(t, base, day)
                        if not _valid("hostile", s2, t2):
                            continue
                        if frozenset((s2.key, t2.key)) in known:
                            continue
                        out.append(_Found("hostile", s2, t2, 0.6, sentence, day, precision))
    return out


def _to_relation(found: _Found, article: Article, text: str) -> Relation:
    src, tgt = found.source, found.target
    if found.kind in SYMMETRIC_RELATIONS and tgt.key < src.key:
        src, tgt = tgt, src
    s = found.sentence
    return Relation(
        id=relation_id(found.kind, src.key, tgt.key, "", article.external_id),
        kind=found.kind,
        source=src.name,
        target=tgt.name,
        source_id=src.ident,
        target_id=tgt.ident,
        date=found.day,
        date_precision=found.precision,
        confidence=round(found.confidence, 3),
        source_docs=(article.external_id,),
        evidence=(Evidence(doc=article.external_id, start=s.start, end=s.end, text=text[s.start : s.end]),),
    )


def from_sentences(
    article: Article,
    sentences: Sequence[Sentence],
    mentions: Sequence[Mention],
    *,
    base: ActorBase,
    parse: bool = True,
    docs: Mapping[tuple[int, int], Any] | None = None,
) -> list[Relation]:
    """Relations stated in the article's sentences (patterns, affiliations, dependency parse)."""
    text = article.text
    patterns = _patterns()
    found: list[_Found] = []
    parsed: list[tuple[Sentence, list[_Ent], date | None, int]] = []
    # Each sentence looks only at the mentions that start inside it (found by bisection in
    # the order _entities reads them), not at every mention of the article.
    order = sorted(range(len(mentions)), key=lambda i: (mentions[i].start, -mentions[i].end))
    starts = [mentions[i].start for i in order]
    for sentence in sentences:
        inside = order[bisect_left(starts, sentence.start) : bisect_left(starts, sentence.end)]
        ents = _entities(text, sentence, [mentions[i] for i in inside], base)
        if not ents:
            continue
        day, precision = _sentence_date(sentence, [mentions[i] for i in sorted(inside)], article)
        found.extend(_affiliate_mentions(text, sentence, ents, base, day, precision))
        found.extend(_role_mentions(ents, sentence, base, day, precision, patterns))
        if len({e.key for e in ents}) < 2:
            continue
        template = _template(text, sentence, ents)
        found.extend(_pattern_relations(template, ents, sentence, day, precision, patterns, base))
        parsed.append((sentence, ents, day, precision))
    if parse and parsed:
        known = {frozenset((f.source.key, f.target.key)) for f in found}
        found.extend(_dependency_relations(text, parsed, known, patterns, base, docs))
    return [_to_relation(f, article, text) for f in found]


def _kb_structural(base: ActorBase, a: str, b: str, on: date | None) -> bool:
    for x, y in ((a, b), (b, a)):
        actor = base.get(x)
        if actor is None:
            continue
        for link in actor.links:
            if link.target != y or link.kind not in ("affiliate_of", "member_of", "merged_into"):
                continue
            if on is None or ((link.start is None or link.start <= on) and (link.end is None or on <= link.end)):
                return True
    return False


def from_events(article: Article, events: Sequence[Event], *, base: ActorBase | None = None) -> list[Relation]:
    """Hostility from battles and remote violence between two resolved armed actors; allies."""
    out = []
    for event in events:
        if event.event_type not in HOSTILE_EVENT_TYPES or event.background:
            continue
        pairs: list[tuple[str, tuple[str, str], tuple[str, str]]] = []
        if event.actor2 and event.actor1_id and event.actor2_id and event.actor1_id != event.actor2_id:
            if event.inter1 not in (5, 6, 7) and event.inter2 not in (5, 6, 7):
                pairs.append(("hostile", (event.actor1, event.actor1_id), (event.actor2, event.actor2_id)))
        if base is not None:
            for principal, principal_id, assoc in (
                (event.actor1, event.actor1_id, event.assoc_actor_1),
                (event.actor2, event.actor2_id, event.assoc_actor_2),
            ):
                if not principal_id:
                    continue
                for name in assoc.split(";"):
                    ally = base.by_name(name.strip(), on=event.event_date) if name.strip() else None
                    if ally is not None and ally.id != principal_id and ally.type in _ARMED_TYPES:
                        pairs.append(("allied", (principal, principal_id), (ally.name, ally.id)))
        for kind, a, b in pairs:
            if base is not None:
                if any((base.get(i) is not None and base.get(i).type not in _ARMED_TYPES) for i in (a[1], b[1])):  # type: ignore[union-attr]
                    continue
                if kind == "hostile" and _kb_structural(base, a[1], b[1], event.event_date):
                    continue
            source, target = sorted([a, b], key=lambda x: x[1])
            out.append(
                Relation(
                    id=relation_id(kind, source[1], target[1], "", article.external_id),
                    kind=kind,
                    source=source[0],
                    target=target[0],
                    source_id=source[1],
                    target_id=target[1],
                    date=event.event_date,
                    date_precision=event.time_precision,
                    confidence=round(event.confidence * 0.9, 2),
                    source_docs=(article.external_id,),
                    evidence=event.evidence[:1],
                )
            )
    return out


def _pair(rel: Relation) -> tuple[str, str]:
    return (rel.source_id or f"name:{rel.source.casefold()}", rel.target_id or f"name:{rel.target.casefold()}")


def merge_relations(relations: Iterable[Relation]) -> list[Relation]:
    """One relation per (document, kind, pair): evidence joined, earliest most precise date kept."""
    groups: dict[tuple[str, str, str, str], list[Relation]] = {}
    for rel in relations:
        a, b = _pair(rel)
        if rel.kind in SYMMETRIC_RELATIONS and b < a:
            a, b = b, a
        doc = rel.source_docs[0] if rel.source_docs else ""
        groups.setdefault((doc, rel.kind, a, b), []).append(rel)
    out = []
    for (doc, kind, a, b), rels in groups.items():
        best = max(rels, key=lambda r: (r.confidence, -(r.date_precision or 3), -(r.date.toordinal() if r.date else 0)))
        dated = [r for r in rels if r.date]
        first = min(dated, key=lambda r: (r.date_precision, r.date)) if dated else best
        evidence = sorted(
            {(e.doc, e.start, e.end): e for r in rels for e in r.evidence}.values(), key=lambda e: (e.doc, e.start)
        )
        doubt = 1.0
        for r in rels:
            doubt *= 1.0 - min(r.confidence, 0.95)
        confidence = round(min(0.99, max(best.confidence, 1.0 - doubt)), 3)
        src_name, tgt_name = best.source, best.target
        src_id, tgt_id = best.source_id, best.target_id
        if _pair(best) != (a, b):
            src_name, tgt_name, src_id, tgt_id = tgt_name, src_name, tgt_id, src_id
        out.append(
            Relation(
                id=relation_id(kind, a, b, "", doc),
                kind=kind,
                source=src_name,
                target=tgt_name,
                source_id=src_id,
                target_id=tgt_id,
                date=first.date,
                date_precision=first.date_precision,
                confidence=confidence,
                source_docs=tuple(sorted({d for r in rels for d in r.source_docs})),
                evidence=tuple(evidence),
            )
        )
    return sorted(out, key=lambda r: r.id)


def extract_relations(
    article: Article,
    sentences: Sequence[Sentence],
    mentions: Sequence[Mention],
    events: Sequence[Event],
    *,
    base: ActorBase,
    docs: Mapping[tuple[int, int], Any] | None = None,
) -> list[Relation]:
    """All relations an article supports, one per kind and pair (evidence merged).

    ``docs``: sentence parses already made (see :func:`frontlines.events.code_events`)."""
    stated = from_sentences(article, sentences, mentions, base=base, docs=docs)
    structural = {frozenset(_pair(r)) for r in stated if r.kind in _STRUCTURAL}
    coded = [r for r in from_events(article, events, base=base) if frozenset(_pair(r)) not in structural]
    return merge_relations([*stated, *coded])
