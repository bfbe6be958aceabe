"""Events: find ACLED events in an article's sentences and code them.

Input: the article, its sentences, and the mentions the earlier stages found (actors,
persons, places, dates). Output: Event records, one per day, location, actor pair and type,
each with the sentences that support it.

How a sentence becomes events:

1. :func:`detect_all` finds trigger words with the lexicon in ``data/event_triggers.yaml``
   (regular expressions, cheap; :func:`detect` is the fast yes/no the pipeline uses to decide
   where to run the statistical model).
2. Only sentences holding a trigger are parsed (spaCy dependency parse). For each trigger
   the parse decides whether it reports something that happened: a trigger under a modal
   ("will launch an offensive"), a word of intent ("plans to attack", "vowed to crush"), a
   condition ("if"), a negation, an accusation or denial ("accused Nusra of kidnapping"), a
   purpose clause ("an offensive to drive out"), or a generic noun ("any attack") is not an
   event; habitual or old history ("had previously clashed", "in 2013") is background.
3. Roles come from the parse of the trigger's clause: subject or agent ("by ISIS") and
   possessor ("Nusra's withdrawal") are actor1; object, "with"/"against"/"on" objects and
   passive subjects are actor2; "between A and B" gives both. Speakers ("X said", "told
   ARA News") are never parties. Known actors missing from the clause fill empty roles;
   ACLED's generic actors ("Unidentified Armed Group (Syria)", "Civilians (Syria)",
   "Protesters (Syria)", "Rioters (Syria)") stand in when nothing is named.
4. One event per named place in the trigger's clause (an offensive on three villages is three
   events), regions dropped when a town inside them is named (a named quarter of a city is
   no region); without one, the sentence's places outside other events' clauses; else, at
   precision 2, the last place named, or the article's main place (named more than once)
   when that was a country or there was none. The date comes from the clause, the sentence,
   or the paragraph, else the publication day at precision 2.
5. ACLED atomicity over the article: drafts with the same day, place, actor pair and event
   type are one event (a territory change absorbs the armed clash in the same place); a
   summary with no place or date of its own is the event detailed right after it.
6. Fatalities: deaths only (``frontlines.numbers``); claims about different groups in one
   sentence are added, competing sentences about one event give the lowest; unnumbered
   deaths count 3, or 10 for a significant attack; a fatality sentence that only refers back
   ("killed in the fighting") adds to the event it refers to, and an event's deaths are
   never counted twice across its sentences or split over its places.
7. Attribution: a named source becomes ``source``; "reportedly", "claimed" lower
   ``confidence``; ``notes`` is one generated ACLED-style sentence.

An optional learned classifier (:mod:`frontlines.classifier`) can re-rank the sub-event type
within the event type the rules chose (``model=`` argument); the rules stay the default.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from importlib import resources
from typing import Any

from frontlines.datafiles import load_yaml
from frontlines.dates import DateMention
from frontlines.gazetteer import normalise
from frontlines.literals import LiteralScreen, WordStartPattern
from frontlines.nlp import DOC_TEXT, Sentence
from frontlines.numbers import FatalityClaim, find_fatalities
from frontlines.places import translit_key
from frontlines.records import SUB_EVENT_TYPES, Article, Event, Evidence, Mention, Place, stable_id

# ACLED's generic actors, by country; their inter codes.
GENERIC_UNIDENTIFIED = "Unidentified Armed Group ({country})"
GENERIC_CIVILIANS = "Civilians ({country})"
GENERIC_REBELS = "Opposition Rebels ({country})"
GENERIC_PROTESTERS = "Protesters ({country})"
GENERIC_RIOTERS = "Rioters ({country})"
ONE_SIDED_CIVILIAN_TARGETS = {"Attack", "Abduction/forced disappearance", "Sexual violence"}
PROTESTS = {"Peaceful protest", "Protest with intervention", "Excessive force against protesters"}
RIOTS = {"Violent demonstration", "Mob violence"}
TERRITORY = {"Non-state actor overtakes territory", "Government regains territory"}
EXPLOSIONS = {
    "Chemical weapon",
    "Air/drone strike",
    "Suicide bomb",
    "Shelling/artillery/missile attack",
    "Remote explosive/landmine/IED",
    "Grenade",
}
# Older than this before publication, a dated event is background history, not news.
BACKGROUND_AFTER = timedelta(days=45)
# Unnumbered deaths: ACLED codes 3 for a limited attack and 10 for a significant one.
LIMITED_DEATHS = 3
SIGNIFICANT_DEATHS = 10
# When two sub-types of one event type fall on the same day, place and actor pair, the
# more specific one names the event (a captured town absorbs the clash there).
SUB_PRIORITY = {
    "Non-state actor overtakes territory": 3,
    "Government regains territory": 3,
    "Excessive force against protesters": 3,
    "Protest with intervention": 2,
    "Suicide bomb": 3,
    "Chemical weapon": 3,
    "Air/drone strike": 2,
    "Remote explosive/landmine/IED": 2,
    "Shelling/artillery/missile attack": 1,
    "Armed clash": 0,
    "Peaceful protest": 0,
    "Other": -1,
}


# ------------------------------------------------------------------------------ lexicon


@dataclass(frozen=True, kw_only=True, slots=True)
class Lexicon:
    triggers: tuple[tuple[str, re.Pattern[str]], ...]
    # The same patterns, lower-cased and case-sensitive, for lower-cased text: twice as fast.
    triggers_lower: tuple[tuple[str, re.Pattern[str]], ...]
    # Which of ``triggers_lower`` can match a lower-cased sentence (most cannot).
    trigger_screen: LiteralScreen
    decisive: tuple[tuple[str, re.Pattern[str], frozenset[str]], ...]
    generic_explosion: re.Pattern[str]
    context: re.Pattern[str]
    anaphoric: frozenset[str]
    non_event: re.Pattern[str]
    uncertainty: re.Pattern[str]
    attribution: tuple[re.Pattern[str], ...]
    background: re.Pattern[str]
    background_words: re.Pattern[str]
    modals: frozenset[str]
    intent: tuple[str, ...]
    claims: tuple[str, ...]
    speech: tuple[str, ...]
    realis_xcomp: tuple[str, ...]
    irrealis_adjectives: frozenset[str]
    pro_government: re.Pattern[str]
    significant: re.Pattern[str]
    # Which of the cue patterns (``_CUES`` order, then the attribution cues) can match a
    # sentence: most sentences hold none of their words.
    cues: LiteralScreen
    # ``irrealis_adjectives`` that make an event noun generic ("any attack").
    generic_modifiers: frozenset[str]


def _alternation(patterns: Sequence[str]) -> str:
    return r"\b(?:" + "|".join(f"(?:{p})" for p in patterns) + r")\b"


# The cue patterns of ``Lexicon.cues``, by bit.
_CUES = ("uncertainty", "background", "background_words", "pro_government", "significant", "context")
_UNCERTAIN, _BACKGROUND, _BACKGROUND_WORDS, _PRO_GOVERNMENT, _SIGNIFICANT, _CONTEXT = (1 << k for k in range(len(_CUES)))
_ATTRIBUTION = len(_CUES)  # the bit of the first attribution cue


@functools.lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    text = resources.files("frontlines.data").joinpath("event_triggers.yaml").read_text("utf-8")
    raw = load_yaml(text)
    triggers = []
    for sub, patterns in raw["sub_event_types"].items():
        if sub not in SUB_EVENT_TYPES:
            raise ValueError(f"event_triggers.yaml: unknown sub-event type {sub!r}")
        triggers.append((sub, re.compile(_alternation(patterns), re.I)))
    words = list(raw["background_words"])
    triggers_lower = tuple((sub, re.compile(p.pattern.lower())) for sub, p in triggers)
    cues = {
        "uncertainty": re.compile("|".join(raw["uncertainty_cues"]), re.I),
        "background": re.compile("|".join(raw["background_cues"]), re.I),
        "background_words": re.compile(r"\b(?:" + "|".join(words) + r")\b", re.I),
        "pro_government": re.compile("|".join(raw["pro_government_cues"]), re.I),
        "significant": re.compile("|".join(raw["significant_cues"]), re.I),
        "context": re.compile(_alternation(raw["context_triggers"]), re.I),
    }
    attribution = tuple(re.compile(p) for p in raw["attribution_cues"])
    irrealis_adjectives = frozenset(raw["irrealis_adjectives"])
    return Lexicon(
        triggers=tuple(triggers),
        triggers_lower=triggers_lower,
        trigger_screen=LiteralScreen([p for _, p in triggers_lower]),
        decisive=tuple(
            (sub, re.compile(r"\b" + pattern + r"\b", re.I), frozenset(types)) for sub, pattern, types in raw["decisive"]
        ),
        context=cues["context"],
        generic_explosion=re.compile(r"^(?:" + "|".join(raw["generic_explosions"]) + r")$", re.I),
        anaphoric=frozenset(raw["anaphoric_nouns"]),
        non_event=re.compile("|".join(raw["non_event_cues"]), re.I),
        uncertainty=cues["uncertainty"],
        attribution=attribution,
        background=cues["background"],
        background_words=cues["background_words"],
        modals=frozenset(raw["irrealis_modals"]),
        intent=tuple(raw["intent_heads"]),
        claims=tuple(raw["claim_heads"]),
        speech=tuple(raw["speech_heads"]),
        realis_xcomp=tuple(raw["realis_xcomp"]),
        irrealis_adjectives=irrealis_adjectives,
        pro_government=cues["pro_government"],
        significant=cues["significant"],
        cues=LiteralScreen([cues[name] for name in _CUES] + list(attribution)),
        generic_modifiers=irrealis_adjectives - {"new", "further", "fresh"},
    )


@dataclass(frozen=True, kw_only=True, slots=True)
class Trigger:
    sub_event_type: str
    start: int
    end: int


def detect_all(sentence: str) -> list[Trigger]:
    """Every trigger in ``sentence`` (no frame check): non-overlapping, by position.

    Where matches of two sub-types overlap, the one listed first in the lexicon wins.
    """
    return list(_detect_all(sentence))


@functools.lru_cache(maxsize=1)
def _trigger_scans() -> tuple[tuple[tuple[str, WordStartPattern], ...], tuple[tuple[str, WordStartPattern], ...]]:
    """``Lexicon.triggers_lower`` and ``Lexicon.triggers`` as scans (``_alternation`` opens each
    with ``\\b``)."""
    lex = lexicon()
    return tuple(
        tuple((sub, WordStartPattern(p.pattern.removeprefix(r"\b"), p.flags)) for sub, p in triggers)
        for triggers in (lex.triggers_lower, lex.triggers)
    )  # type: ignore[return-value]


# Corpora repeat sentences (agency boilerplate, republished reports): each is scanned once.
@functools.lru_cache(maxsize=4096)
def _detect_all(sentence: str) -> tuple[Trigger, ...]:
    lex = lexicon()
    taken = bytearray(len(sentence))
    found: list[Trigger] = []
    lower = sentence.lower()
    # Lower-casing keeps offsets for all but a few characters (e.g. "İ"); those fall back.
    scans_lower, scans = _trigger_scans()
    if len(lower) == len(sentence):
        text, triggers, screen = lower, scans_lower, lex.trigger_screen.candidates(lower)
    else:
        text, triggers, screen = sentence, scans, -1
    for k, (sub, scan) in enumerate(triggers):
        if not screen >> k & 1:
            continue
        for start, m in scan.finditer(text):
            end = m.end()
            if end == start or 1 in taken[start:end]:
                continue
            taken[start:end] = b"\x01" * (end - start)
            found.append(Trigger(sub_event_type=sub, start=start, end=end))
    found.sort(key=lambda t: t.start)
    return tuple(found)


CONTEXT = ""  # the sub-event type of a context trigger: taken from the event just reported


def _context_triggers(sentence: str, found: list[Trigger], cues: int = -1) -> list[Trigger]:
    out = list(found)
    for m in lexicon().context.finditer(sentence) if cues & _CONTEXT else ():
        if not any(t.start < m.end() and m.start() < t.end for t in found):
            out.append(Trigger(sub_event_type=CONTEXT, start=m.start(), end=m.end()))
    out.sort(key=lambda t: t.start)
    return out


def _priority() -> dict[str, int]:
    return {sub: k for k, (sub, _) in enumerate(lexicon().triggers)}


def detect(sentence: str) -> Trigger | None:
    """The sub-event type a sentence reports, or None for no event or a non-event frame.

    A fast check without a parse (the pipeline uses it to pick the sentences worth the
    statistical model, and it types short event descriptions): of the triggers not preceded,
    within a short window, by a statement/threat cue ("will launch an offensive",
    "threatened to attack"), the most specific sub-type (lexicon order) wins; a decisive
    pattern ("small arms", "tear gas") then settles it within its event types.
    """
    lex = lexicon()
    order = _priority()
    best: Trigger | None = None
    for trigger in detect_all(sentence):
        window = sentence[max(0, trigger.start - 60) : trigger.start]
        if lex.non_event.search(window) or lex.non_event.search(sentence[trigger.start : trigger.end + 12]):
            continue
        if best is None or order[trigger.sub_event_type] < order[best.sub_event_type]:
            best = trigger
    if best is None:
        return None
    for sub, pattern, types in lex.decisive:
        if SUB_EVENT_TYPES[best.sub_event_type] in types and sub != best.sub_event_type:
            m = pattern.search(sentence)
            if m:
                return Trigger(sub_event_type=sub, start=m.start(), end=m.end())
    return best


def interaction(inter1: int, inter2: int) -> int:
    """ACLED interaction: both codes, smaller first; one-sided events are X0."""
    if not inter2:
        return inter1 * 10
    if not inter1:
        return inter2 * 10
    low, high = sorted((inter1, inter2))
    return low * 10 + high


# ------------------------------------------------------------------------------ parsing


def _parse_all(texts: Sequence[str]) -> list[Any]:
    """Dependency parses, or Nones when no model is installed (the regex frames then decide)."""
    if not texts:
        return []
    from frontlines.nlp import parse

    try:
        return parse(texts)
    except Exception:  # noqa: BLE001 - without a model the coder still runs, on regex frames
        return [None] * len(texts)


def event_sentences(text: str, sentences: Sequence[Sentence]) -> list[tuple[Sentence, list[Trigger]]]:
    """The sentences that can hold an event, with their triggers: only these are parsed.

    A sentence qualifies with a trigger word, or with a context word ("the attack", "the
    fighting") after an earlier qualifying sentence. Headings never do.
    """
    lex = lexicon()
    out: list[tuple[Sentence, list[Trigger]]] = []
    for s in sentences:
        stext = text[s.start : s.end]
        if _is_heading(stext):
            continue
        trigs = detect_all(stext)
        cues = _cues(stext) if trigs or out else 0
        if trigs or (cues & _CONTEXT and lex.context.search(stext)):
            trigs = _context_triggers(stext, trigs, cues)
            if trigs:
                out.append((s, trigs))
    return out


# A sentence's cues are wanted twice: to choose it (``event_sentences``) and to code it.
@functools.lru_cache(maxsize=4096)
def _cues(sentence: str) -> int:
    """``Lexicon.cues`` of ``sentence``."""
    return lexicon().cues.candidates(sentence)


def _doc_text(doc: Any) -> str:
    """``doc.text``, which spaCy re-joins from the tokens on every access, kept once."""
    text = doc.user_data.get(DOC_TEXT)
    if text is None:
        text = doc.user_data[DOC_TEXT] = doc.text
    return text


def _tokens_in(doc: Any, start: int, end: int) -> list[Any]:
    """The tokens overlapping the character span [start, end) of ``doc``."""
    start = max(0, start)
    end = min(end, len(_doc_text(doc)))
    if end <= start:
        return []
    span = doc.char_span(start, end, alignment_mode="expand")
    return list(span) if span is not None else []


def _is_speech(tok: Any) -> bool:
    """A verb of saying ("said", "told", "reported"), not "claiming the lives of"."""
    if tok.pos_ not in ("VERB", "AUX") or not tok.lower_.startswith(lexicon().speech):
        return False
    return not any(c.lower_ in ("lives", "life") for c in tok.children)


@dataclass(frozen=True, kw_only=True, slots=True)
class _Frame:
    """What the parse says about one trigger."""

    event: bool
    background: bool = False
    reason: str = ""
    clause: tuple[int, int] = (0, 0)  # character span (sentence-relative) of the trigger's clause


def _trigger_token(doc: Any, start: int, end: int) -> Any:
    toks = _tokens_in(doc, start, end)
    if not toks:
        return None
    # The syntactic head of the matched words ("car bomb" -> bomb, "took control" -> took).
    inside = set(t.i for t in toks)
    for t in toks:
        head = t.head.i
        if head not in inside or head == t.i:
            return t
    return toks[0]


def _governing_verb(tok: Any) -> Any:
    t = tok
    for _ in range(12):
        if t.pos_ in ("VERB", "AUX"):
            return t
        head = t.head
        if head.i == t.i:
            return t
        t = head
    return t


def _frame(doc: Any, trig: Any, cues: int = -1) -> _Frame:
    """``cues``: ``Lexicon.cues`` of the sentence, when the caller has them."""
    lex = lexicon()
    chain = [trig]
    t = trig
    for _ in range(20):
        head = t.head
        if head.i == t.i:
            break
        t = head
        chain.append(t)
    # Determiners and adjectives on an event noun: "any attack", "no such action", "future attacks".
    if trig.pos_ in ("NOUN", "PROPN"):
        for child in trig.children:
            if child.dep_ in ("det", "amod", "neg") and child.lower_ in lex.generic_modifiers:
                return _Frame(event=False, reason=f"generic {child.lower_}")
    for i, c in enumerate(chain):
        word = c.lower_
        pos = c.pos_
        is_trig = i == 0
        to_clause = False  # has an infinitival "to"
        for child in c.children:
            dep = child.dep_
            if dep in ("aux", "auxpass"):
                cw = child.lower_
                if cw in lex.modals:
                    return _Frame(event=False, reason=f"modal {cw}")
                to_clause = to_clause or (dep == "aux" and child.tag_ == "TO")
            elif dep == "neg":
                return _Frame(event=False, reason="negated")
            elif dep == "mark":
                cw = child.lower_
                if cw in ("if", "unless", "whether", "lest"):
                    return _Frame(event=False, reason=f"condition {cw}")
        if not is_trig and pos in ("VERB", "NOUN", "ADJ", "AUX"):
            if word.startswith(lex.intent) and not (word.startswith("order") and c.dep_ == "pobj"):
                return _Frame(event=False, reason=f"intent {word}")
            if word.startswith(lex.claims):
                return _Frame(event=False, reason=f"claim {word}")
        if not is_trig and _is_speech(c):
            # Past the verb of saying the trigger's own clause ends: what the speaker does
            # (announce, plan) frames the statement, not the event reported inside it, and
            # nothing further up the chain can make the trigger a non-event.
            break
        # "launched an offensive to drive out X": a purpose clause is not (yet) an event.
        if to_clause and pos == "VERB" and c.dep_ in ("xcomp", "advcl", "acl", "ccomp", "relcl"):
            head = c.head.lower_
            if not head.startswith(lex.realis_xcomp) and not (i + 1 < len(chain) and chain[i + 1].lower_ in ("order",)):
                return _Frame(event=False, reason=f"purpose/intent ({head} to {c.lower_})")
    # Background: habitual or old ("had previously clashed", "have clashed throughout").
    first, last = _subtree_ends(trig if is_adjunct(trig) else _governing_verb(trig))
    clause = (first.idx, last.idx + len(last))
    # The clause and its words are part of the sentence: without a background word there,
    # none can match.
    if not cues & _BACKGROUND_WORDS:
        return _Frame(event=True, background=False, clause=clause)
    background = bool(lex.background_words.search(_doc_text(doc)[clause[0] : clause[1]]))
    for c in chain[1:]:
        if background:
            break
        for child in c.children:
            if child.dep_ in ("advmod", "npadvmod") and lex.background_words.fullmatch(child.lower_):
                background = True
    return _Frame(event=True, background=background, clause=clause)


def _subtree_ends(tok: Any) -> tuple[Any, Any]:
    """The first and last tokens of ``tok.subtree`` in its order, without making the rest."""
    first = last = tok
    while first.n_lefts:
        first = next(first.lefts)
    while last.n_rights:
        for last in last.rights:  # noqa: B007 - the last right child
            pass
    return first, last


def _regex_frame(text: str, trig: Trigger) -> _Frame:
    lex = lexicon()
    window = text[max(0, trig.start - 60) : trig.start]
    if lex.non_event.search(window):
        return _Frame(event=False, reason="cue")
    return _Frame(event=True, clause=(0, len(text)))


# ------------------------------------------------------------------------------ roles


@dataclass(frozen=True, kw_only=True, slots=True)
class _Role:
    mention: Mention
    role: str  # "a1", "a2", "both1", "both2", "assoc1", "speaker", "other"
    depth: int


_A1_DEPS = {"nsubj", "agent", "poss", "csubj"}
_A2_DEPS = {"dobj", "nsubjpass", "pobj", "attr", "iobj", "dative"}
_A2_PREPS = {"with", "against", "on", "at", "from", "of", "to", "into", "toward", "towards", "upon", "targeting"}


def _mention_head(doc: Any, m: Mention, offset: int) -> Any:
    toks = _tokens_in(doc, m.start - offset, m.end - offset)
    if not toks:
        return None
    ids = {t.i for t in toks}
    for t in toks:
        head = t.head.i
        if head not in ids or head == t.i:
            return t
    return toks[-1]


def _mention_heads(doc: Any, mentions: Sequence[Mention], offset: int) -> dict[int, Any]:
    """The head token (or None) of each mention, by ``id``: asked for every trigger of a sentence."""
    return {id(m): _mention_head(doc, m, offset) for m in mentions}


def _path_to(tok: Any, target: Any) -> list[Any] | None:
    """The tokens from ``tok`` up to (not including) ``target``, or None if not below it."""
    path = [tok]
    t = tok
    goal = target.i
    for _ in range(30):
        if t.i == goal:
            return path[:-1]
        head = t.head
        if head.i == t.i:
            return None
        t = head
        path.append(t)
    return None


def _role_below(path: list[Any], anchor: Any, nominal_trigger: bool) -> str:
    """Role of a mention whose path climbs to ``anchor`` (the trigger or its verb)."""
    if not path:
        return "a1"
    top = path[-1]  # the child of the anchor
    dep = top.dep_
    lex = lexicon()
    # Actors inside a speaker's clause or an appositive about sources are not parties.
    for k, t in enumerate(path[1:], start=1):
        if _is_speech(t) and path[k - 1].dep_ in ("nsubj", "nsubjpass", "agent"):
            return "speaker"
    if dep in ("nsubj", "csubj") and nominal_trigger is False:
        return "a1"
    if dep == "nsubj":
        return "a1"
    if dep == "agent":
        return "a1"
    if dep in ("poss", "compound", "nmod", "amod") and anchor.pos_ in ("NOUN", "PROPN"):
        # "Nusra's withdrawal", "ISIS attacks" -> the doer; "Hazzm positions" is handled
        # by the object of a verb below.
        return "a1"
    if dep == "prep":
        prep = top.lower_
        if prep == "by":
            return "a1"
        if prep == "between":
            return "between"
        if prep in ("alongside", "beside") or (prep == "with" and anchor.lower_ in ("together",)):
            return "assoc1"
        if prep in _A2_PREPS or prep in ("in", "near", "around"):
            if prep in ("in", "near", "around"):
                return "other"
            return "a2"
        return "other"
    if dep in ("dobj", "nsubjpass", "attr", "dative", "iobj", "oprd"):
        return "a2"
    if dep == "conj":
        return "conj"
    if dep in ("acl", "relcl") and any(t.dep_ == "agent" for t in path):
        return "a1"  # "a massacre carried out by ISIS"
    return "other"


_ADJUNCT_PREPS = {"amid", "despite", "after", "following", "before", "during", "since", "until", "in", "for", "of", "about", "over", "because"}
_PRONOUNS = {"it", "they", "we", "he", "she", "its", "their", "our", "his", "her"}


def is_adjunct(trig: Any) -> bool:
    """An event noun inside a prepositional adjunct ("amid Nusra's withdrawal"): its parties
    are its own modifiers, not the subject of the sentence."""
    return trig.pos_ in ("NOUN", "PROPN") and trig.dep_ == "pobj" and trig.head.lower_ in _ADJUNCT_PREPS


def pronoun_subject(trig: Any) -> bool:
    """Whether the trigger's clause has a pronoun as its subject or possessor ("it withdrew", "their withdrawal")."""
    verb = _governing_verb(trig)
    for t in (trig, verb):
        for c in t.children:
            if c.dep_ in ("nsubj", "poss", "nsubjpass" if t is not verb else "nsubj") and c.lower_ in _PRONOUNS:
                return True
    return False


def _assign_roles(
    doc: Any, trig: Any, actors: Sequence[Mention], offset: int, heads: dict[int, Any] | None = None
) -> tuple[list[Mention], list[Mention], list[Mention], set[str]]:
    """(actor1 candidates, actor2 candidates, assoc of actor1, ids of speakers) from the parse.

    ``heads``: :func:`_mention_heads` of the actors, when the caller has them."""
    nominal = trig.pos_ in ("NOUN", "PROPN")
    verb = trig if is_adjunct(trig) else _governing_verb(trig)
    a1: list[tuple[int, Mention]] = []
    a2: list[tuple[int, Mention]] = []
    assoc: list[Mention] = []
    speakers: set[str] = set()
    lex = lexicon()
    if heads is None:
        heads = _mention_heads(doc, actors, offset)
    for m in actors:
        h = heads.get(id(m))
        if h is None:
            continue
        role = "none"
        depth = 99
        # 1. Below the trigger itself (its own modifiers and prepositions).
        path = _path_to(h, trig)
        if path is not None:
            role = _role_below(path, trig, nominal)
            depth = len(path)
            if nominal and role == "a2" and path and path[-1].dep_ == "prep" and path[-1].lower_ == "of":
                # "the capture of X" -> X is the thing taken; "the killing of X" -> victims
                role = "a2"
        else:
            # 2. Below the governing verb (subject, object, "with" phrase).
            path = _path_to(h, verb) if verb.i != trig.i else None
            if path is not None:
                role = _role_below(path, verb, False)
                depth = len(path) + 1
            else:
                # 3. Shared subject of a coordinated verb ("Nusra clamped down ... and drove out
                #    the FSA"), of the verb an -ing clause hangs from ("made advances capturing"),
                #    or the noun a relative clause describes.
                v = verb
                for _ in range(5):
                    if v.dep_ in ("conj", "advcl", "xcomp", "pcomp", "prep") and v.head.i != v.i:
                        v = v.head
                        if _is_speech(v):
                            break
                        path = _path_to(h, v)
                        if path is not None and path and path[-1].dep_ in ("nsubj", "nsubjpass", "agent"):
                            role = "a1" if path[-1].dep_ != "nsubjpass" or v.dep_ != "conj" else "a1"
                            depth = len(path) + 5
                            break
                        continue
                    if v.dep_ == "relcl":
                        n = v.head
                        p = _path_to(h, n) if h.i != n.i else []
                        if p is not None and len(p) <= 2:
                            role, depth = "a1", 6
                    break
                if role == "none":
                    # Is the mention the subject of a verb of saying above the trigger?
                    t = verb
                    for _ in range(8):
                        if t.head.i == t.i:
                            break
                        t = t.head
                        if _is_speech(t):
                            p = _path_to(h, t)
                            if p is not None and p and p[-1].dep_ in ("nsubj", "nsubjpass", "agent", "prep", "npadvmod"):
                                role = "speaker"
                                break
        if role == "speaker":
            speakers.add(m.resolved_id or m.name)
        elif role == "a1":
            a1.append((depth, m))
        elif role in ("a2",):
            a2.append((depth, m))
        elif role == "between":
            (a1 if not a1 or any(True for _ in ()) else a2).append((depth, m))
            # the first named of "between A and B" is actor1, the next (its conjunct) actor2
        elif role == "conj":
            # A conjunct of a role-bearing actor shares its role; resolved below.
            base = h
            for _ in range(6):
                if base.dep_ != "conj":
                    break
                base = base.head
            hit = next((mm for mm in actors if heads.get(id(mm)) is not None and heads[id(mm)].i == base.i), None)
            if hit is not None and any(x is hit for _, x in a1):
                assoc.append(m)
            elif hit is not None and any(x is hit for _, x in a2):
                a2.append((depth + 1, m))
            elif base.i == trig.i or (base.dep_ == "pobj" and base.head.lower_ == "between"):
                a2.append((depth, m))
        elif role == "assoc1":
            assoc.append(m)
    # "between A and B": A's conjunct B lands in a2 above; A itself was appended to a1.
    a1.sort(key=lambda x: x[0])
    a2.sort(key=lambda x: x[0])
    return [m for _, m in a1], [m for _, m in a2], assoc, speakers


# ------------------------------------------------------------------------------ drafts


def _within(m: Mention | DateMention, s: Sentence) -> bool:
    return s.start <= m.start and m.end <= s.end


def _by_sentence(items: Sequence[Any], sentences: Sequence[Sentence]) -> list[list[Any]]:
    """``[[m for m in items if _within(m, s)] for s in sentences]`` without testing every pair."""
    ordered = all(a.start <= a.end <= b.start <= b.end for a, b in zip(sentences, sentences[1:]))
    if not ordered:
        return [[m for m in items if _within(m, s)] for s in sentences]
    starts = [s.start for s in sentences]
    out: list[list[Any]] = [[] for _ in sentences]
    for m in items:
        if m.end <= m.start:
            # An empty span on a boundary is within the sentences on both sides.
            for k, s in enumerate(sentences):
                if _within(m, s):
                    out[k].append(m)
            continue
        # Sentences do not overlap: only the last one starting at or before ``m`` can hold it.
        k = bisect.bisect_right(starts, m.start) - 1
        if k >= 0 and m.end <= sentences[k].end:
            out[k].append(m)
    return out


@dataclass(kw_only=True, slots=True)
class _Draft:
    sub_event_type: str
    sentence: Sentence
    actor1: Mention | None
    actor2: Mention | None
    assoc1: tuple[Mention, ...]
    place: Mention | None
    place_precision: int
    day: date | None
    time_precision: int
    fatalities: int
    fatal_vague: bool
    confidence: float
    source: str
    background: bool
    pro_government: bool
    own_place: bool = True
    own_date: bool = True
    # No place in the sentence: placed at the story's last or main place.
    context_place: bool = False
    extra_evidence: list[Sentence] = field(default_factory=list)


def _country_focus(mentions: Sequence[Mention]) -> str:
    counts = Counter(m.place.country for m in mentions if m.kind == "place" and m.place and m.place.country)
    return counts.most_common(1)[0][0] if counts else ""


def _source(sentence: str, article: Article, cues: int = -1) -> str:
    if not cues >> _ATTRIBUTION:
        return article.outlet  # no attribution cue can match (the usual case)
    for k, pattern in enumerate(lexicon().attribution, start=_ATTRIBUTION):
        match = pattern.search(sentence) if cues >> k & 1 else None
        if match:
            src = match.group("src").strip(" ,.")
            return src[4:] if src.lower().startswith("the ") else src
    return article.outlet


def _actor_key(m: Mention) -> str:
    return m.resolved_id or m.name.casefold() or m.text.casefold()


def _distinct(mentions: Sequence[Mention]) -> list[Mention]:
    seen: set[str] = set()
    out = []
    for m in mentions:
        key = _actor_key(m)
        if key not in seen:
            seen.add(key)
            out.append(m)
    return out


def _actor_name(m: Mention) -> str:
    return m.name or m.text


def _is_heading(text: str) -> bool:
    """Titles, photo credits and section heads: short lines without a final full stop."""
    stripped = text.strip()
    if not stripped:
        return True
    if stripped[-1] in ".!?\"”’'":
        return False
    return len(stripped.split()) < 16


_COORDINATED = re.compile(
    r"(?:^|[\s,;:(])(?P<num>(?:at least |more than |some |about |nearly )?[\w,-]+)\s+(?:of\s+(?:its|their|the|his|her|our)\s+)?"
    r"(?P<np>(?:[a-z][\w'’-]*\s+){0,2}[a-z][\w'’-]*)\s*(?:,\s*|\s+)and\s+$",
    re.I,
)


def _coordinated_claims(text: str, claims: list[FatalityClaim]) -> list[FatalityClaim]:
    """"five of its fighters and dozens of militants were killed": numbers.py reads the last
    group; the groups coordinated before it died too and are separate claims."""
    from frontlines.numbers import parse_number

    extra: list[FatalityClaim] = []
    for c in claims:
        window = text[max(0, c.start - 80) : c.start]
        # The pattern ends in "and" before the claim: most windows fail this cheap test.
        m = _COORDINATED.search(window) if window.rstrip()[-3:].lower() == "and" else None
        if m is None:
            continue
        if any(o is not c and c.start - len(window) + m.start() < o.end <= c.start for o in claims):
            continue  # the group before "and" is a claim of its own ("killed 12 soldiers and 4 militiamen")
        value = parse_number(m.group("num"))
        if not value:
            continue
        vague = m.group("num").strip().lower() in ("dozens", "tens", "scores", "hundreds", "thousands", "several", "many")
        np = m.group("np").split()[-1]
        extra.append(
            FatalityClaim(start=c.start, end=c.end, text=m.group(0).strip() + " " + c.text, count=value, vague=vague, subject=np)
        )
    return extra


@functools.lru_cache(maxsize=4096)  # repeated sentences, as for ``_detect_all``
def _sentence_fatalities(text: str) -> tuple[int, bool]:
    """(deaths, vague) in one sentence: different groups added, repeats of one group the lowest."""
    claims: list[FatalityClaim] = find_fatalities(text)
    if not claims:
        return 0, False
    claims += _coordinated_claims(text, claims)
    by_subject: dict[str, list[FatalityClaim]] = {}
    for c in claims:
        by_subject.setdefault(c.subject.casefold(), []).append(c)
    total = 0
    vague = True
    for group in by_subject.values():
        numbered = [c.count for c in group if not c.vague]
        if numbered:
            total += min(numbered)
            vague = False
        else:
            total += min(c.count for c in group)
            # "dozens of militants" is a number ACLED codes (12), not a placeholder.
            if any(c.count >= 10 for c in group):
                vague = False
    if vague and lexicon().significant.search(text):
        total = max(total, SIGNIFICANT_DEATHS)
    return total, vague


# Between a town and a place named after the town's province: "Al-Dana, an ISIS stronghold in
# Idlib", "Saraqib in Idlib" (not "Saraqib and Idlib": two places).
_IN_CONTAINER = re.compile(r"(?:(?!\b(?:and|or|as well as)\b)[^.;:!?]){0,60}\bin\s+(?:the\s+)?$", re.I)
_QUARTER = re.compile(r"\b(?:district|neighbou?rhood|quarter)s?$", re.I)
_REGION_FEATURES = ("admin1", "admin2", "country", "region")
_AREA_WORDS = re.compile(r"\b(governorate|province|muhafazat|district)\b")
_NOT_LETTERS = re.compile(r"[^a-z]")


def _drop_containers(places: list[Mention], text: str = "") -> list[Mention]:
    """Named towns over the regions that contain them ("the Idlib town of Maarat al-Numan",
    "Al-Dana, an ISIS stronghold in Idlib": the province, not Idlib city)."""
    if len(places) < 2:
        return places
    names = {(m.place.name if m.place else m.name).casefold() for m in places}
    specific = [m for m in places if (m.geo_precision or 1) < 3]

    keys: dict[str, str] = {}

    def key(name: str) -> str:
        # Asked for every pair of places: each name is reduced once.
        if name not in keys:
            keys[name] = _NOT_LETTERS.sub("", _AREA_WORDS.sub("", name.casefold()))[:5]
        return keys[name]

    def same_area(name: str, area: str) -> bool:
        # Spellings of one province differ in their vowels: Idlib / Idleb.
        return bool(area) and (key(name) == key(area) or translit_key(normalise(name)) == translit_key(normalise(area)))

    out = []
    for m in places:
        p = m.place
        # A named quarter placed at its town ("the Al-Shaar district" at Aleppo) is a part of
        # that town, not the province the town names: it contains no other town.
        quarter = bool(_QUARTER.search(m.text)) and p is not None and p.feature not in _REGION_FEATURES
        contained = not quarter and any(
            o is not m and o.place is not None and p is not None and p.name and key(p.name)
            and key(p.name) in {key(o.place.admin1), key(o.place.admin2), key(o.place.country)}
            and (o.geo_precision or 1) < (m.geo_precision or 1) + (1 if p.feature in _REGION_FEATURES else 0)
            for o in places
        )
        contained = contained or not quarter and bool(text) and any(
            o.start < m.start and o.place is not None and p is not None and key(p.name)
            and (same_area(p.name, o.place.admin1) or same_area(p.name, o.place.admin2))
            and _IN_CONTAINER.fullmatch(text, o.end, m.start) is not None
            for o in places
        )
        if contained:
            continue
        if specific and (m.geo_precision or 1) >= 3 and m not in specific:
            continue
        if p is not None and p.feature in ("country", "admin1") and len(names) > 1 and specific:
            continue
        out.append(m)
    return out or places[:1]


def _is_local(m: Mention | None) -> bool:
    """A place that can stand for where an unplaced event happened: not a country, and not a
    region outside any country ("the Levant", "the Middle East")."""
    place = m.place if m is not None else None
    return place is not None and bool(place.country) and place.feature not in ("country", "continent")


def _story_place(text: str, places: Sequence[Mention], focus: str) -> Mention | None:
    """The place the article is about: its most often named local place in the country of
    focus (the first named on a tie), when it is named more than once (one mention is no focus)."""
    counts: Counter[str] = Counter()
    first: dict[str, Mention] = {}
    for m in places:
        local = _is_local(m) and m.place is not None and m.place.country == focus
        if local and text[m.end : m.end + 6].lower() not in ("-based", "–based"):
            key = m.resolved_id or m.name
            counts[key] += 1
            first.setdefault(key, m)
    best = counts.most_common(1)
    return first[best[0][0]] if best and best[0][1] > 1 else None


def _dedupe_places(places: list[Mention]) -> list[Mention]:
    seen: set[str] = set()
    out = []
    for m in places:
        key = m.resolved_id or m.name
        if key not in seen:
            seen.add(key)
            out.append(m)
    return out


def code_events(
    article: Article,
    sentences: Sequence[Sentence],
    mentions: Sequence[Mention],
    dates: Sequence[DateMention],
    *,
    model: Any = None,
    docs: dict[tuple[int, int], Any] | None = None,
    candidates: Sequence[tuple[Sentence, list[Trigger]]] | None = None,
) -> list[Event]:
    """Code the events of one article (ACLED atomicity applied within the article).

    ``model``: an optional :class:`frontlines.classifier.Model` that re-ranks the sub-event
    type within the event type the rules found. ``docs``: spaCy parses already made of some
    sentences, keyed by the sentence's (start, end) (see :func:`frontlines.nlp.parse`), so a caller
    that runs the model once for entities and parse need not run it twice. ``candidates``:
    :func:`event_sentences` of this article when the caller has it already.
    """
    lex = lexicon()
    # Only actors the knowledge base resolved can be parties: unresolved spans ("forces",
    # "AFP", a district the model took for an organisation) are left to the generic actors.
    actors = [m for m in mentions if m.kind == "actor" and m.resolved_id]
    places = [m for m in mentions if m.kind == "place"]
    focus = _country_focus(mentions) or "Syria"
    text = article.text
    dates = [*dates, *_recent_periods(text, article.published, dates)]

    # Only the sentences that hold a trigger are parsed (the parse is the slow part).
    if candidates is None:
        candidates = event_sentences(text, sentences)
    chosen = [(s, text[s.start : s.end], trigs) for s, trigs in candidates]
    given = dict(docs or {})
    need = [c for c in chosen if (c[0].start, c[0].end) not in given]
    for c, d in zip(need, _parse_all([c[1] for c in need]), strict=True):
        given[(c[0].start, c[0].end)] = d
    parsed = {c[0]: (c[1], c[2], given[(c[0].start, c[0].end)]) for c in chosen}

    last_place: Mention | None = None
    story_place = _story_place(text, places, focus)
    last_date: DateMention | None = None
    last_paragraph = -1
    last_paragraph_background = False
    drafts: list[_Draft] = []
    prev_sub: str | None = None
    places_in = _by_sentence(places, sentences)
    dates_in = _by_sentence(dates, sentences)
    actors_in = _by_sentence(actors, sentences)
    for sentence, s_places, s_dates, s_actors in zip(sentences, places_in, dates_in, actors_in, strict=True):
        stext = text[sentence.start : sentence.end]
        if sentence.paragraph != last_paragraph:
            last_paragraph = sentence.paragraph
            if not _CONTINUES.match(stext):
                # A new paragraph does not inherit the last paragraph's date: its undated
                # events take the publication date, at time precision 2.
                last_date = None
                last_paragraph_background = False
        if sentence in parsed:
            _, trigs, doc = parsed[sentence]
            new = _sentence_drafts(
                article, sentence, stext, trigs, doc, s_actors, s_places, s_dates,
                last_place if _is_local(last_place) else story_place or last_place, last_date,
                last_paragraph_background, focus, prev_sub, drafts,
            )
            if new:
                prev_sub = new[-1].sub_event_type
            drafts.extend(new)
        elif drafts and drafts[-1].sentence.paragraph == sentence.paragraph and not _is_heading(stext):
            # A sentence without a trigger may still give the deaths of the event just told.
            deaths, vague = _sentence_fatalities(stext)
            if deaths:
                _add_deaths(drafts[-1], deaths, vague, sentence)
        located_places = [m for m in s_places if text[m.end : m.end + 6].lower() not in ("-based", "–based")]
        if located_places:
            last_place = located_places[-1]
        dated = [d for d in s_dates if d.date is not None]
        if dated:
            last_date = dated[-1]
            if article.published and article.published - dated[-1].date > BACKGROUND_AFTER:  # type: ignore[operator]
                last_paragraph_background = True
        elif any(d.date is None and d.precision == 3 for d in s_dates):
            last_paragraph_background = True
    drafts = _corefer(drafts)
    drafts = _corefer_ahead(drafts)
    _date_told_events(drafts)
    if model is not None:
        drafts = _rerank(drafts, model, text)
    return _atomise(article, drafts, focus)


def _keys(d: _Draft) -> set[str]:
    return {_actor_key(m) for m in (d.actor1, d.actor2) if m is not None}


def _corefer(drafts: list[_Draft]) -> list[_Draft]:
    """An event mentioned twice is one: a later mention with no place and no date of its own
    that shares an actor with an earlier event of the same type adds to that event."""
    kept: list[_Draft] = []
    for d in drafts:
        target = None
        if not d.own_place and not d.own_date:
            for e in reversed(kept):
                if SUB_EVENT_TYPES[e.sub_event_type] != SUB_EVENT_TYPES[d.sub_event_type]:
                    continue
                if _keys(d) and _keys(e) and not (_keys(d) & _keys(e)):
                    continue
                if not _keys(d) and e.sentence.paragraph != d.sentence.paragraph:
                    continue
                if e.background != d.background:
                    continue
                target = e
                break
        if target is None:
            kept.append(d)
            continue
        if SUB_PRIORITY.get(d.sub_event_type, 1) > SUB_PRIORITY.get(target.sub_event_type, 1):
            target.sub_event_type = d.sub_event_type
            if d.actor1 is not None:
                target.actor1, target.actor2 = d.actor1, d.actor2 or target.actor2
        if target.actor1 is None and d.actor1 is not None:
            target.actor1 = d.actor1
        if target.actor2 is None and d.actor2 is not None and _actor_key(d.actor2) not in _keys(target):
            target.actor2 = d.actor2
        if target.actor2 is None and d.actor1 is not None and _actor_key(d.actor1) not in _keys(target):
            target.actor2 = d.actor1
        if d.fatalities:
            _add_deaths(target, d.fatalities, d.fatal_vague, d.sentence)
        elif d.sentence != target.sentence and d.sentence not in target.extra_evidence:
            target.extra_evidence.append(d.sentence)
        target.background = target.background and d.background
    return kept


def _corefer_ahead(drafts: list[_Draft]) -> list[_Draft]:
    """A summary told just before its details is one event with them: a mention with no place
    in its sentence and no date ("ISIS has resorted to suicide attacks"), when the next event
    told (same or next paragraph) is of the same type, between the same actors and has a place
    of its own ("suicide bombings in Hureitan over the past two days"), adds to that event."""
    absorbed: set[int] = set()
    for i, d in enumerate(drafts):
        if not d.context_place or d.own_date or not _keys(d):
            continue
        kind = SUB_EVENT_TYPES[d.sub_event_type]
        # The details follow at once: the next event told after the summary's sentence.
        later = next((e for e in drafts[i + 1 :] if e.sentence != d.sentence), None)
        if (
            later is None
            or SUB_EVENT_TYPES[later.sub_event_type] != kind
            or not later.own_place
            or later.sentence.paragraph - d.sentence.paragraph > 1
            or later.background != d.background
            or not _keys(d) <= _keys(later)
        ):
            continue
        if d.fatalities:
            _add_deaths(later, d.fatalities, d.fatal_vague, d.sentence)
        elif d.sentence not in later.extra_evidence:
            later.extra_evidence.append(d.sentence)
        absorbed.add(i)
    return [d for i, d in enumerate(drafts) if i not in absorbed]


def _date_told_events(drafts: list[_Draft]) -> None:
    """A later dated mention of fighting already told ("the clashes between A and B began two
    nights ago", with no place of its own) dates the earlier undated mentions of the same type
    and actors, within a week before the day they were given."""
    for i, d in enumerate(drafts):
        if not d.own_date or d.own_place or d.day is None or d.background or not _keys(d):
            continue
        for e in drafts[:i]:
            if e.own_date or e.background or e.day is None or e.sub_event_type != d.sub_event_type:
                continue
            if _keys(e) == _keys(d) and timedelta(0) < e.day - d.day <= timedelta(days=7):
                e.day, e.time_precision = d.day, d.time_precision


# A paragraph opening that goes on with the story just told keeps its date and background
# ("It later expelled ...", "At the end of the battle, ...").
_CONTINUES = re.compile(
    r"\s*(?:(?:it|they|he|she)\s+)?(?:later|then|after this|afterwards|subsequently)\b"
    r"|\s*(?:at the end of|after|following|during|in the course of)\s+(?:the|this|that|these)\s+"
    r"(?:battle|battles|fighting|clashes|clash|attack|attacks|assault|offensive|confrontations?)\b",
    re.I,
)

_PERIOD = re.compile(
    r"\b(?:over|in|during|within|for)\s+the\s+(?:past|last|previous)\s+(?P<n>two|three|four|five|six|few|couple of|\d)\s+days\b",
    re.I,
)
_SMALL = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "few": 3, "couple of": 2}
_PERIOD_SCREEN = LiteralScreen([_PERIOD])


def _recent_periods(text: str, published: date | None, known: Sequence[DateMention]) -> list[DateMention]:
    """"over the past two days": ACLED codes a span at its midpoint, precision 2 (a form
    ``frontlines.dates`` does not read; the span ends on the publication day)."""
    out = []
    for m in _PERIOD.finditer(text) if _PERIOD_SCREEN.candidates(text) else ():
        if any(d.start < m.end() and m.start() < d.end for d in known):
            continue
        word = m.group("n").lower()
        n = int(word) if word.isdigit() else _SMALL.get(word, 0)
        if not n:
            continue
        day = published - timedelta(days=n // 2) if published else None
        out.append(DateMention(start=m.start(), end=m.end(), text=m.group(0), date=day, precision=2, relative=True))
    return out


def _add_deaths(draft: _Draft, deaths: int, vague: bool, sentence: Sentence) -> None:
    if not draft.fatalities or (draft.fatal_vague and not vague):
        draft.fatalities, draft.fatal_vague = deaths, vague
    elif vague == draft.fatal_vague:
        draft.fatalities = min(draft.fatalities, deaths)
    if sentence not in draft.extra_evidence and sentence != draft.sentence:
        draft.extra_evidence.append(sentence)


_FORCED = re.compile(r"\b(forced|had|have|has) to\b", re.I)
_UNDER_FIRE = re.compile(r"\b(battle|fighting|clashes|defeat|losses|under fire|offensive|assault|heavy attack)\b", re.I)
# Sub-types that say nothing without a named actor ("it withdrew", "a deal was reached").
_NEEDS_ACTOR = {
    "Non-state actor overtakes territory",
    "Government regains territory",
    "Non-violent transfer of territory",
    "Agreement",
    "Change to group/activity",
    "Headquarters or base established",
    "Arrests",
    "Other",
}


def _sentence_drafts(
    article: Article,
    sentence: Sentence,
    stext: str,
    trigs: list[Trigger],
    doc: Any,
    actors: Sequence[Mention],
    s_places: list[Mention],
    s_dates: list[DateMention],
    last_place: Mention | None,
    last_date: DateMention | None,
    paragraph_background: bool,
    focus: str,
    prev_sub: str | None,
    earlier: list[_Draft],
) -> list[_Draft]:
    lex = lexicon()
    off = sentence.start
    s_actors = _distinct([m for m in actors if _within(m, sentence)])
    cues = _cues(stext)
    uncertain = bool(cues & _UNCERTAIN and lex.uncertainty.search(stext))
    source = _source(stext, article, cues)
    # The deaths are read once a trigger survives the checks below (not every sentence gets there).
    fatal: tuple[int, bool] | None = None
    year_bg = False
    for m in lex.background.finditer(stext) if cues & _BACKGROUND else ():
        year = int(re.search(r"(19|20)\d\d", m.group(0)).group(0))  # type: ignore[union-attr]
        if article.published is None or year < article.published.year:
            year_bg = True
    # Trigger tokens; a trigger modifying another ("car bomb attacks", "suicide attacks")
    # names the kind of the event its head word reports, so the head is dropped.
    located: list[tuple[Trigger, Any]] = []
    for trig in trigs:
        tok = _trigger_token(doc, trig.start, trig.end) if doc is not None else None
        if doc is not None and tok is None:
            continue
        located.append((trig, tok))
    if doc is not None:
        heads_of_specific = {
            tok.head.i
            for trig, tok in located
            if tok.dep_ in ("compound", "amod", "nmod", "nn") and trig.sub_event_type != "Armed clash"
        }
        located = [(t, k) for t, k in located if k.i not in heads_of_specific or t.sub_event_type != "Armed clash"]
    drafts: list[_Draft] = []
    used_deaths = False
    frames = [_frame(doc, tok, cues) if tok is not None else _regex_frame(stext, trig) for trig, tok in located]
    # The same mentions are placed in the parse for every trigger of the sentence: once here.
    heads = None
    if doc is not None and any(f.event for f in frames):
        heads = _mention_heads(doc, [*s_actors, *s_places], off)
    for (trig, tok), frame in zip(located, frames, strict=True):
        sub = trig.sub_event_type
        ttext = stext[trig.start : trig.end]
        if not frame.event:
            continue
        lo, hi = frame.clause
        context_of: _Draft | None = None
        if sub == CONTEXT:
            context_of = next(
                (e for e in reversed(earlier) if sentence.paragraph - e.sentence.paragraph <= 1),
                None,
            )
            if re.search(r"\b(air ?base|airbase|airport|air field|airfield|military base|barracks)\b", stext, re.I):
                sub = "Shelling/artillery/missile attack"
            elif context_of is None:
                continue
            else:
                sub = context_of.sub_event_type
        # Roles.
        if tok is not None:
            a1s, a2s, assoc, speakers = _assign_roles(doc, tok, s_actors, off, heads)
            pronoun = pronoun_subject(tok)
        else:
            a1s, a2s, assoc, speakers = (s_actors[:1], s_actors[1:2], [], set())
            pronoun = False
        busy = {_actor_key(m) for m in (*a1s, *a2s, *assoc)}
        rest = [m for m in s_actors if (m.resolved_id or m.name) not in speakers and _actor_key(m) not in busy]
        a1 = a1s[0] if a1s else None
        a2 = next((m for m in a2s if a1 is None or _actor_key(m) != _actor_key(a1)), None)
        if a1 is None and pronoun:
            # "Nusra announced that it was withdrawing": the speaker speaks of itself;
            # otherwise the pronoun refers to the last party named as actor1.
            spoken = [m for m in s_actors if (m.resolved_id or m.name) in speakers]
            if spoken:
                a1 = spoken[0]
            elif earlier:
                # The last party of the same kind of event, else of the last event.
                kind = SUB_EVENT_TYPES.get(sub, "")
                prior = next((e for e in reversed(earlier) if SUB_EVENT_TYPES[e.sub_event_type] == kind and e.actor1), None)
                prior = prior or (earlier[-1] if earlier[-1].actor1 else None)
                if prior is not None:
                    a1 = prior.actor1
        if context_of is not None and a1 is None and a2 is None:
            a1, a2 = context_of.actor1, context_of.actor2
        if a1 is None and a2 is None and not (s_actors and sub not in _NEEDS_ACTOR):
            # An event told without its parties continues the story of the same kind of
            # event just reported ("Confrontations are taking place in ...").
            same = next(
                (
                    e
                    for e in reversed(earlier)
                    if sentence.paragraph - e.sentence.paragraph <= 2
                    and SUB_EVENT_TYPES[e.sub_event_type] == SUB_EVENT_TYPES.get(sub, "")
                    and e.actor1 is not None
                ),
                None,
            )
            if same is not None:
                a1, a2 = same.actor1, same.actor2
        forced = bool(_FORCED.search(ttext)) or (
            sub == "Non-violent transfer of territory" and bool(_UNDER_FIRE.search(stext))
        )
        if (sub in TERRITORY or sub == "Non-violent transfer of territory") and forced:
            # "Hazzm fighters were forced to retreat", "at the end of the battle, X retreated":
            # the subject lost the place; the side that took it is the one fighting them in
            # the event just reported.
            sub = "Non-state actor overtakes territory"
            loser = a1 or a2
            winner = None
            for e in reversed(earlier[-4:]):
                for cand in (e.actor1, e.actor2):
                    if cand is not None and (loser is None or _actor_key(cand) != _actor_key(loser)):
                        winner = cand
                        break
                if winner is not None:
                    break
            a1, a2 = winner, loser
        named_in_roles = a1 is not None or a2 is not None
        fill = [m for m in rest if (m.actor_type or 0) not in (6, 7) or sub in PROTESTS | RIOTS]
        if named_in_roles or sub not in _NEEDS_ACTOR | ONE_SIDED_CIVILIAN_TARGETS:
            # Other actors of the sentence fill empty roles; never the perpetrator of an
            # attack on civilians (the sentence may name the finder or the victims' side).
            if a1 is None and a2 is None and fill:
                a1 = fill[0]
                fill = fill[1:]
            if a2 is None and fill and sub not in ONE_SIDED_CIVILIAN_TARGETS | PROTESTS:
                a2 = next((m for m in fill if a1 is None or _actor_key(m) != _actor_key(a1)), None)
        if a1 is None and a2 is None and sub in _NEEDS_ACTOR:
            continue
        if fatal is None:
            fatal = _sentence_fatalities(stext)
        deaths, vague = fatal
        # An anaphoric noun ("killed in the fighting") with nothing new adds to the last event.
        clause_places = [m for m in s_places if lo <= m.start - off < hi and _is_location(doc, tok, m, off, heads)]
        if (
            tok is not None
            and not a1s
            and not a2s
            and _is_anaphoric(tok, ttext)
            and earlier
            and not any((m.geo_precision or 1) < 3 for m in clause_places)
            and not s_dates
        ):
            if deaths and not used_deaths:
                _add_deaths(earlier[-1], deaths, vague, sentence)
                used_deaths = True
            continue
        # Generic explosion words take the specific kind just reported.
        if lex.generic_explosion.match(ttext) and prev_sub in EXPLOSIONS:
            sub = prev_sub
        # Places: those in the trigger's clause, one event each; else the sentence's; else context.
        adjunct = tok is not None and is_adjunct(tok)
        if clause_places or adjunct:
            pool = clause_places
        else:
            # A place in the clause of another event of the sentence is where that event
            # happened ("fighting is taking place in X," he said, adding that "ISIS has
            # resorted to suicide attacks"): it does not place this one.
            others = [
                f.clause for f in frames if f.event and f is not frame and not f.clause[0] <= trig.start < f.clause[1]
            ]
            pool = [
                m for m in s_places
                if _is_location(doc, tok, m, off, heads) and not any(a <= m.start - off < b for a, b in others)
            ]
        chosen: list[Mention | None] = list(_drop_containers(_dedupe_places(pool), article.text))
        # A region or country is not enough to tell two mentions of one event apart.
        own_place = any(m is not None and (m.geo_precision or 1) < 3 for m in chosen)
        precision_default = 1
        if not chosen:
            chosen = [last_place]
            precision_default = 2 if last_place is not None else 3
        when = _pick_date(s_dates, lo + off, hi + off, doc, tok, off)
        own_date = when is not None
        when = when or last_date
        if when is not None and when.date is not None:
            day, tprec = when.date, when.precision
        else:
            day, tprec = article.published, 2
            if when is not None and when.date is None and when.precision == 3:
                frame = replace(frame, background=True)
        background = frame.background or year_bg or (paragraph_background and not s_dates)
        if day and article.published and article.published - day > BACKGROUND_AFTER:
            background = True
        confidence = 0.8 - (0.25 if uncertain else 0.0) - (0.15 if a1 is None and a2 is None else 0.0)
        pro_gov = bool(cues & _PRO_GOVERNMENT and lex.pro_government.search(stext))
        sub = _refine(sub, stext, ttext, a1, a2, s_actors)
        for k, place in enumerate(chosen):
            draft_deaths = deaths if (k == 0 and not used_deaths) else 0
            drafts.append(
                _Draft(
                    sub_event_type=sub,
                    sentence=sentence,
                    actor1=a1,
                    actor2=a2,
                    assoc1=tuple(assoc),
                    place=place,
                    place_precision=(place.geo_precision or 1) if place is not None and precision_default == 1 else precision_default,
                    day=day,
                    time_precision=tprec,
                    fatalities=draft_deaths,
                    fatal_vague=vague,
                    confidence=max(0.05, confidence),
                    source=source,
                    background=background,
                    pro_government=pro_gov,
                    own_place=own_place,
                    own_date=own_date,
                    context_place=precision_default != 1,
                )
            )
        if deaths:
            used_deaths = True
    drafts = _merge_sentence(drafts)
    # A protest that turns violent is a riot, not also a protest.
    if any(d.sub_event_type in RIOTS for d in drafts):
        drafts = [d for d in drafts if d.sub_event_type not in PROTESTS]
    return drafts


def _is_location(doc: Any, trig: Any, m: Mention, offset: int, heads: dict[int, Any] | None = None) -> bool:
    """Whether a place mention can be where the event happened: not a state acting as a
    party ("refuses to aid Ankara", "Turkey's security"). ``heads``: as for :func:`_assign_roles`."""
    if doc is not None and _doc_text(doc)[m.end - offset : m.end - offset + 6].lower() in ("-based", "–based"):
        return False  # "the London-based Observatory"
    if doc is None or trig is None:
        return True
    h = heads[id(m)] if heads is not None else _mention_head(doc, m, offset)
    if h is None:
        return True
    if h.dep_ in ("nsubj", "poss", "dobj", "nsubjpass", "dative") and h.head.i != trig.i:
        if not (h.dep_ == "dobj" and h.head.i == _governing_verb(trig).i):
            return False
    return True


def _is_anaphoric(tok: Any, ttext: str) -> bool:
    lex = lexicon()
    if ttext.lower() not in lex.anaphoric or tok.pos_ not in ("NOUN", "PROPN", "VERB"):
        return False
    dets = [c.lower_ for c in tok.children if c.dep_ in ("det", "poss")]
    has_own = any(c.dep_ == "prep" and c.lower_ in ("between", "with", "against", "on") for c in tok.children)
    return bool(dets) and dets[0] in ("the", "this", "that", "these", "those") and not has_own


def _tree_distance(a: Any, b: Any) -> int:
    up_a = [a, *a.ancestors]
    up_b = [b, *b.ancestors]
    ids_b = {t.i: k for k, t in enumerate(up_b)}
    for k, t in enumerate(up_a):
        if t.i in ids_b:
            return k + ids_b[t.i]
    return 99


def _pick_date(
    s_dates: list[DateMention], lo: int, hi: int, doc: Any = None, trig: Any = None, offset: int = 0
) -> DateMention | None:
    """The date of the trigger's clause: the one closest to it in the parse ("the
    announcement on Monday ..., air strikes continued on Tuesday" -> Tuesday)."""
    inside = [d for d in s_dates if lo <= d.start < hi and d.date is not None]
    if inside and doc is not None and trig is not None and len(inside) > 1:
        verb = _governing_verb(trig)

        def dist(d: DateMention) -> int:
            toks = _tokens_in(doc, d.start - offset, d.end - offset)
            return min((_tree_distance(t, verb) for t in toks), default=99)

        return min(inside, key=dist)
    if inside:
        return inside[0]
    inside_none = [d for d in s_dates if lo <= d.start < hi]
    if inside_none:
        return inside_none[0]
    return next((d for d in s_dates if d.date is not None), None)


def _refine(sub: str, stext: str, ttext: str, a1: Mention | None, a2: Mention | None, s_actors: Sequence[Mention]) -> str:
    """Sub-type corrections that need the actors or the sentence."""
    low = stext.lower()
    types = {m.actor_type for m in s_actors}
    if sub == "Peaceful protest" and (a1 is not None and (a1.actor_type or 0) not in (0, 6, 7, 5)) and re.search(
        r"\b(on|against) (the )?(protest|demonstrat)", low
    ):
        return "Protest with intervention"
    if sub in PROTESTS | {"Looting/property destruction"} and re.search(r"\b(protesters|demonstrators|crowds?|rioters)\b", low):
        if re.search(r"\b(ransack|loot|torch|set fire|stormed|burn|threw|hurled|attacked|clashed|vandali)", low):
            return "Violent demonstration"
    if sub == "Armed clash" and (6 in types or 5 in types) and not any((m.actor_type or 0) in (1, 2, 3, 4, 8) for m in s_actors if m is not a1):
        return "Violent demonstration"
    if sub == "Armed clash" and a2 is not None and a2.actor_type == 7:
        return "Attack"
    return sub


def _merge_sentence(drafts: list[_Draft]) -> list[_Draft]:
    """Two triggers of one sentence naming the same event ("clashes ... drove out") are one."""
    out: list[_Draft] = []
    for d in drafts:
        same = next(
            (
                o
                for o in out
                if SUB_EVENT_TYPES[o.sub_event_type] == SUB_EVENT_TYPES[d.sub_event_type]
                and (o.place is d.place or (o.place and d.place and o.place.resolved_id == d.place.resolved_id))
                and _pair_compatible(o, d)
            ),
            None,
        )
        if same is None:
            out.append(d)
            continue
        if SUB_PRIORITY.get(d.sub_event_type, 1) > SUB_PRIORITY.get(same.sub_event_type, 1):
            same.sub_event_type = d.sub_event_type
        if same.actor1 is None:
            same.actor1 = d.actor1
        if same.actor2 is None and d.actor2 is not None and (same.actor1 is None or _actor_key(d.actor2) != _actor_key(same.actor1)):
            same.actor2 = d.actor2
        same.fatalities = max(same.fatalities, d.fatalities)
    return out


def _pair_compatible(a: _Draft, b: _Draft) -> bool:
    ka = {_actor_key(m) for m in (a.actor1, a.actor2) if m is not None}
    kb = {_actor_key(m) for m in (b.actor1, b.actor2) if m is not None}
    return not ka or not kb or bool(ka & kb)


def _rerank(drafts: list[_Draft], model: Any, text: str) -> list[_Draft]:
    """Let a learned model choose the sub-type within the event type the rules found."""
    ranked = model.rank_many([text[d.sentence.start : d.sentence.end] for d in drafts])
    for d, ranking in zip(drafts, ranked, strict=True):
        etype = SUB_EVENT_TYPES[d.sub_event_type]
        best = next((sub for sub, _ in ranking if SUB_EVENT_TYPES.get(sub) == etype), None)
        if best is not None and d.sub_event_type not in TERRITORY:
            d.sub_event_type = best
    return drafts


# ------------------------------------------------------------------------------ atomicity


# Generic armed actors stand for a group the text does not name: "rebels" in one sentence and
# "the Free Syrian Army" in the next can be the same side of one event.
_WILDCARD = re.compile(r"(?:Opposition Rebels|Unidentified Armed Group) \(")


def _compatible(a: frozenset[str], b: frozenset[str]) -> bool:
    """Whether two actor pairs can be the same event's: one names a subset of the other, with
    a generic armed actor allowed to stand for a named armed group the other side has."""
    if a <= b or b <= a:
        return True
    wild_a = {n for n in a if _WILDCARD.match(n)}
    wild_b = {n for n in b if _WILDCARD.match(n)}
    named_a, named_b = a - wild_a, b - wild_b
    if not (named_a <= named_b or named_b <= named_a):
        return False
    # Each generic actor must have a named actor on the other side it can stand for.
    return len(wild_a) <= len(named_b - named_a) and len(wild_b) <= len(named_a - named_b)


_AREA_FEATURES = {"country", "continent", "admin1", "region"}


def _vagueness(group: Sequence[_Draft]) -> int:
    """How loosely a group's place pins the event: 0 a town (precision 1) ... 3 a country or none."""
    best = 3
    for d in group:
        place = d.place.place if d.place else None
        if place is None or place.feature in ("country", "continent"):
            continue
        rank = 2 if place.feature in _AREA_FEATURES or place.feature.startswith("admin") else min(d.place_precision, 3) - 1
        best = min(best, rank)
    return best


def _contains(vague: Sequence[_Draft], precise: Sequence[_Draft]) -> bool:
    """Whether the vaguer group's place (a country, a province, "the countryside of X") can
    hold the precise group's place: same country, and same province when the vaguer one has one."""
    v = next((d.place.place for d in vague if d.place and d.place.place), None)
    p = next((d.place.place for d in precise if d.place and d.place.place), None)
    if v is None:
        return True
    if p is None or (v.country and p.country and v.country != p.country):
        return False
    if v.feature in ("country", "continent"):
        return True
    return bool(v.admin1 and p.admin1 and v.admin1 == p.admin1) or v.name in (p.admin1, p.admin2)


def _absorb_vaguer(grouped: dict[tuple[object, ...], list[_Draft]]) -> dict[tuple[object, ...], list[_Draft]]:
    """ACLED codes one event at its most precise place: a report of the same event type, day
    and actors placed only in the surrounding province or country ("IS took villages in Aleppo
    province" next to "IS took Umm Housh") is that event, not another one. Events at two
    precise places stay two (an offensive on three villages is three events)."""
    keys = list(grouped)
    rank = {k: _vagueness(grouped[k]) for k in keys}
    for k in sorted(keys, key=lambda k: -rank[k]):
        if rank[k] < 2 or k not in grouped:
            continue
        pair = k[3]
        for other in sorted(grouped, key=lambda o: rank[o]):
            if other == k or rank[other] >= rank[k] or other[:2] != k[:2]:
                continue
            if not _compatible(pair, other[3]):  # type: ignore[arg-type]
                continue
            if not _contains(grouped[k], grouped[other]):
                continue
            grouped[other] = grouped[other] + grouped.pop(k)
            break
    return grouped


def _atomise(article: Article, drafts: Sequence[_Draft], focus: str) -> list[Event]:
    """Merge drafts that are the same ACLED event: same day, place, actor pair and type."""
    grouped: dict[tuple[object, ...], list[_Draft]] = {}
    roles: dict[int, tuple[tuple[str, str, int], tuple[str, str, int], str]] = {}
    for draft in drafts:
        a1, a2, sub = _roles(draft, focus)
        draft.sub_event_type = sub
        roles[id(draft)] = (a1, a2, sub)
        place_key = (draft.place.resolved_id or draft.place.name) if draft.place else ""
        pair = frozenset(n for n in (a1[0], a2[0]) if n)
        # Same type, day and place: a pair that names one side only is the same event as a
        # pair that names both ("FSA captured the base" / "FSA captured it from ISIS").
        target = None
        for key in grouped:
            if key[:3] == (SUB_EVENT_TYPES[sub], draft.day, place_key) and _compatible(pair, key[3]):  # type: ignore[arg-type]
                target = key
                break
        if target is None:
            grouped[(SUB_EVENT_TYPES[sub], draft.day, place_key, pair)] = [draft]
        else:
            group = grouped.pop(target)
            group.append(draft)
            grouped[(target[0], target[1], target[2], target[3] | pair)] = group
    grouped = _absorb_vaguer(grouped)
    events = []
    for key, group in grouped.items():
        first = max(
            group,
            key=lambda d: (
                len({n for n in roles[id(d)][:2] if n[0]}),
                len({n for n in roles[id(d)][:2] if n[0] and not _WILDCARD.match(n[0])}),
            ),
        )
        a1, a2, _ = roles[id(first)]
        place = first.place.place if first.place and first.place.place else None
        sub = max((d.sub_event_type for d in group), key=lambda s: (SUB_PRIORITY.get(s, 1), -[d.sub_event_type for d in group].index(s)))
        # One total per event: the lowest numbered report across its sentences (competing
        # reports), placeholders only when no sentence gives a number.
        numbered = [d.fatalities for d in group if d.fatalities and not d.fatal_vague]
        vague = [d.fatalities for d in group if d.fatalities and d.fatal_vague]
        fatalities = min(numbered) if numbered else (min(vague) if vague else 0)
        seen_sentences: list[Sentence] = []
        for d in group:
            for s in (d.sentence, *d.extra_evidence):
                if s not in seen_sentences:
                    seen_sentences.append(s)
        evidence = tuple(
            Evidence(doc=article.external_id, start=s.start, end=s.end, text=article.text[s.start : s.end])
            for s in seen_sentences
        )
        country = (place.country if place else "") or focus
        inter1, inter2 = a1[2], a2[2]
        assoc = _distinct([m for d in group for m in d.assoc1])
        assoc_names = "; ".join(_actor_name(m) for m in assoc if _actor_name(m) not in (a1[0], a2[0]))
        event_id = stable_id(article.external_id, key[0], first.day, key[2], a1[0], a2[0], sub)
        day = first.day
        events.append(
            Event(
                id=event_id,
                event_date=day,
                time_precision=min(d.time_precision for d in group),
                event_type=SUB_EVENT_TYPES[sub],
                sub_event_type=sub,
                actor1=a1[0],
                actor1_id=a1[1],
                inter1=inter1,
                actor2=a2[0],
                actor2_id=a2[1],
                inter2=inter2,
                interaction=interaction(inter1, inter2),
                assoc_actor_1=assoc_names,
                country=country,
                admin1=place.admin1 if place else "",
                admin2=place.admin2 if place else "",
                location=place.name if place else "",
                latitude=place.latitude if place else None,
                longitude=place.longitude if place else None,
                geo_precision=first.place_precision if place else None,
                fatalities=fatalities,
                source=first.source,
                notes=_notes(day, sub, a1[0], a2[0], place, fatalities),
                confidence=round(max(d.confidence for d in group), 2),
                source_docs=(article.external_id,),
                evidence=evidence,
                background=all(d.background for d in group),
            )
        )
    return events


def _generic(kind: str, country: str) -> tuple[str, str, int]:
    name, inter = {
        "unidentified": (GENERIC_UNIDENTIFIED, 3),
        "civilians": (GENERIC_CIVILIANS, 7),
        "protesters": (GENERIC_PROTESTERS, 6),
        "rioters": (GENERIC_RIOTERS, 5),
    }[kind]
    return name.format(country=country), "", inter


def _named(m: Mention) -> tuple[str, str, int]:
    return _actor_name(m), m.resolved_id or "", m.actor_type or 0


def _roles(draft: _Draft, focus: str) -> tuple[tuple[str, str, int], tuple[str, str, int], str]:
    """(name, id, inter) for actor1 and actor2 and the final sub-type, with ACLED's generic
    actors when no known actor is named."""
    country = (draft.place.place.country if draft.place and draft.place.place else "") or focus
    sub = draft.sub_event_type
    a1 = _named(draft.actor1) if draft.actor1 is not None else None
    a2 = _named(draft.actor2) if draft.actor2 is not None else None
    empty = ("", "", 0)
    if sub in ONE_SIDED_CIVILIAN_TARGETS:
        # The perpetrator is the armed side; the civilians are the target.
        armed = [x for x in (a1, a2) if x is not None and x[2] not in (7,)]
        attacker = armed[0] if armed else _generic("unidentified", country)
        return attacker, _generic("civilians", country) if not (a2 and a2[2] == 7 and a2 is not attacker) else a2, sub
    if sub in PROTESTS:
        protesters = next((x for x in (a1, a2) if x is not None and x[2] == 6), None) or _generic("protesters", country)
        other = next((x for x in (a1, a2) if x is not None and x[2] not in (6, 7)), None)
        if sub == "Peaceful protest" and other is not None and other[2] in (1, 2, 3, 8):
            return protesters, empty, sub  # the target of a peaceful protest is not actor2
        return protesters, other or empty, sub
    if sub in RIOTS:
        rioters = next((x for x in (a1, a2) if x is not None and x[2] == 5), None) or _generic("rioters", country)
        other = next((x for x in (a1, a2) if x is not None and x[2] not in (5, 6, 7)), None)
        return rioters, other or empty, sub
    if sub in TERRITORY:
        if a1 is None and a2 is not None:
            a1, a2 = a2, None
        place_country = (draft.place.place.country if draft.place and draft.place.place else "") or focus
        actor_country = _actor_country(draft.actor1)
        state = a1 is not None and a1[2] == 1 and (not actor_country or actor_country == place_country)
        allied = draft.pro_government and place_country == focus and a1 is not None and a1[2] in (3, 8)
        sub = "Government regains territory" if state or allied else "Non-state actor overtakes territory"
    if a1 is None and a2 is None:
        return _generic("unidentified", country), empty, sub
    if a1 is None:
        a1, a2 = a2, None
    if a2 is not None and a2[0] == a1[0]:
        a2 = None
    if a2 is not None and a2[2] == 7 and sub == "Armed clash":
        sub = "Attack"
    return a1, a2 or empty, sub


_COUNTRY_IN_NAME = re.compile(r"\(([A-Z][A-Za-z .'-]+?)\)")


def _actor_country(m: Mention | None) -> str:
    if m is None:
        return ""
    match = _COUNTRY_IN_NAME.search(m.name or "")
    if match:
        return match.group(1)
    name = m.name or ""
    if name.startswith("Military Forces of ") or name.startswith("Police Forces of "):
        return name.split(" of ", 1)[1].split(" (")[0]
    return ""


# The verb of ``_notes`` for each sub-event type.
_NOTE_VERBS = {
    "Armed clash": "clashed with",
    "Government regains territory": "regained territory from",
    "Non-state actor overtakes territory": "took over territory from",
    "Non-violent transfer of territory": "withdrew, handing territory to",
    "Air/drone strike": "carried out air/drone strikes on",
    "Shelling/artillery/missile attack": "shelled",
    "Suicide bomb": "carried out a suicide bombing against",
    "Remote explosive/landmine/IED": "carried out an explosive attack on",
    "Chemical weapon": "used chemical weapons against",
    "Grenade": "threw a grenade at",
    "Attack": "attacked",
    "Abduction/forced disappearance": "abducted",
    "Sexual violence": "committed sexual violence against",
    "Arrests": "arrested",
    "Looting/property destruction": "looted or destroyed property of",
    "Peaceful protest": "protested",
    "Protest with intervention": "protested and were met by",
    "Excessive force against protesters": "protested and were met with force by",
    "Violent demonstration": "rioted against",
    "Mob violence": "attacked",
    "Agreement": "reached an agreement with",
    "Change to group/activity": "changed group or activity with",
    "Headquarters or base established": "established a base",
    "Disrupted weapons use": "disrupted weapons use by",
    "Other": "were involved in an event with",
}


# English month names whatever the locale; ``strftime('%B %Y')`` took ~2% of the coding time.
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December")


def _notes(day: date | None, sub: str, actor1: str, actor2: str, place: Place | None, fatalities: int) -> str:
    """One ACLED-style sentence: "On 9 August 2015, Islamic State seized ... in Umm Hawsh (Aleppo)."."""
    when = f"On {day.day} {_MONTHS[day.month - 1]} {day.year}" if day else "On an unknown date"
    where = ""
    if place is not None:
        where = f" in {place.name}" + (f" ({place.admin1})" if place.admin1 and place.admin1 != place.name else "")
    verb = _NOTE_VERBS.get(sub, "were involved with")
    if actor2:
        body = f"{actor1} {verb} {actor2}"
    else:
        body = f"{actor1} {verb.rsplit(' ', 1)[0] if verb.endswith((' with', ' from', ' on', ' of', ' by', ' at', ' to', ' against')) else verb}"
    deaths = f" {fatalities} fatalities were reported." if fatalities else ""
    return f"{when}, {body}{where}.{deaths}"
