"""The spaCy side: one pass for parse (+ entities), coarse tags without the attribute ruler,
and the rule-based sentence splitter. Sentences are made up."""

from __future__ import annotations

import spacy

from frontlines.nlp import DOC_TEXT, MODEL_NAMES, entity_spans, load_model, parse, split_sentences

SENTENCES = [
    "The rebels were not able to hold the town that the militants had seized.",
    "Government warplanes struck the market on Monday, killing five people.",
    "Fighters will launch an offensive if the talks fail, a commander said.",
    "This was the third attack on the village since it was captured in May.",
]


def _reference():  # type: ignore[no-untyped-def]
    for name in MODEL_NAMES:
        try:
            return spacy.load(name, exclude=["ner", "lemmatizer"])
        except OSError:
            continue
    raise AssertionError("no English model installed")


def test_coarse_tags_match_the_models_attribute_ruler() -> None:
    ours = parse(SENTENCES)
    theirs = list(_reference().pipe(SENTENCES))
    pairs = [(a.pos_, b.pos_, a.text) for da, db in zip(ours, theirs, strict=True) for a, b in zip(da, db, strict=True)]
    wrong = [p for p in pairs if p[0] != p[1]]
    assert len(wrong) <= len(pairs) // 50, wrong
    # The distinctions the event frames read: auxiliaries, verbs, nouns.
    tags = {t.text: t.pos_ for t in ours[0]}
    assert tags["were"] == "AUX" and tags["had"] == "AUX" and tags["seized"] == "VERB" and tags["town"] == "NOUN"
    assert {t.text: t.pos_ for t in ours[2]}["will"] == "AUX"


def test_parse_gives_the_dependency_tree_and_entities_only_when_asked() -> None:
    plain, with_ner = parse(SENTENCES[1:2]), parse(SENTENCES[1:2], ner=True)[0]
    assert plain[0].has_annotation("DEP") and not plain[0].ents
    assert {e.text for e in with_ner.ents} >= {"Monday", "five"}
    heads = {t.text: t.head.text for t in plain[0]}
    assert heads["warplanes"] == "struck"


def test_entity_only_model_runs_no_tagger_or_parser() -> None:
    nlp = load_model(parser=False, ner=True)
    assert "parser" not in nlp.pipe_names and "tagger" not in nlp.pipe_names
    assert "ner" in nlp.pipe_names


def test_sentences_split_on_end_punctuation_not_abbreviations() -> None:
    text = "Gen. Smith said the U.S. would help. Fighting went on.\nA new paragraph."
    parts = [text[s.start : s.end] for s in split_sentences(text)]
    assert parts == ["Gen. Smith said the U.S. would help.", "Fighting went on.", "A new paragraph."]


def test_abbreviations_and_initials_are_whole_words() -> None:
    # Only the end of each candidate sentence is searched: a longer word ending like an
    # abbreviation ("Amico.") still ends its sentence; titles and initials do not.
    text = "Fighters held Amico. Shelling went on. Then J. Doe spoke. Lt. Col. Ali was shot. Rebels left."
    parts = [text[s.start : s.end] for s in split_sentences(text)]
    assert parts == ["Fighters held Amico.", "Shelling went on.", "Then J. Doe spoke.", "Lt. Col. Ali was shot.", "Rebels left."]


def test_parses_through_numpy_blas_match_the_default_model() -> None:
    # Matrix products go through numpy's BLAS instead of thinc's BLIS: same tags and trees.
    ours = parse(SENTENCES)
    theirs = list(_reference().pipe(SENTENCES))
    for a, b in zip(ours, theirs, strict=True):
        assert [(t.tag_, t.dep_, t.head.i) for t in a] == [(t.tag_, t.dep_, t.head.i) for t in b]


def test_stepped_parser_and_ner_match_spacys_compiled_loop() -> None:
    # parse() and entity_spans() step the parser and the NER from Python (nlp._greedy);
    # spaCy's own compiled loop (nlp.pipe) over the same loaded models gives the same trees
    # and entities, empty texts and batches of more than one length-sorted quarter included.
    texts = [*SENTENCES, "", "Shelling.", " ", *reversed(SENTENCES), "Aid reached Idlib on 3 May, the UN said."]
    theirs = list(load_model(parser=True, ner=True).pipe(texts))
    ours = parse(texts, ner=True, batch_size=8)
    for a, b in zip(ours, theirs, strict=True):
        assert [(t.dep_, t.head.i, t.is_sent_start) for t in a] == [(t.dep_, t.head.i, t.is_sent_start) for t in b]
        assert [(e.start_char, e.end_char, e.label_) for e in a.ents] == [(e.start_char, e.end_char, e.label_) for e in b.ents]
    spans = list(entity_spans(texts, batch_size=4))
    assert [[(e.start, e.end, e.label) for e in s] for s in spans] == [
        [(e.start_char, e.end_char, e.label_) for e in d.ents] for d in load_model(parser=False, ner=True).pipe(texts)
    ]
    assert any(spans)


def test_a_parse_keeps_its_text() -> None:
    docs = parse(SENTENCES[:2])
    assert [d.user_data[DOC_TEXT] for d in docs] == [d.text for d in docs] == SENTENCES[:2]


def test_the_parse_model_leaves_out_what_ingest_never_uses() -> None:
    # No sentence recogniser (split_sentences does that) and, for parses without entities,
    # no NER: its absence changes no tag or tree.
    lean = load_model(parser=True, ner=False)
    assert "ner" not in lean.pipe_names and "senter" not in lean.component_names
    full = load_model(parser=True, ner=True)
    for a, b in zip(lean.pipe(SENTENCES), full.pipe(SENTENCES), strict=True):
        assert [(t.tag_, t.pos_, t.dep_, t.head.i) for t in a] == [(t.tag_, t.pos_, t.dep_, t.head.i) for t in b]


def test_the_tokenizer_built_from_empty_is_the_models_own() -> None:
    # load_model starts from an empty tokenizer and reads the model's: same rules, same tokens.
    ours = load_model(parser=True, ner=False).tokenizer
    theirs = _reference().tokenizer
    # The rules, not the vocabulary (which grows with every text the model has read).
    assert ours.to_bytes(exclude=["vocab"]) == theirs.to_bytes(exclude=["vocab"])
    text = "Mr. Smith's men can't hold the U.S.-backed base; 3km away, at 5pm (e.g. near al-Bab)."
    assert [t.text for t in ours(text)] == [t.text for t in theirs(text)]
    assert ["ca", "n't"] == [t.text for t in ours("can't")]
