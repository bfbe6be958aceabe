"""Numbers and fatality claims under ACLED's rules (sentences are made up)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from frontlines.numbers import FatalityClaim, conservative_total, find_fatalities, parse_number

# ------------------------------------------------------------------ parse_number


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("35", 35),
        ("1,200", 1200),
        ("12,000,000", 12_000_000),
        ("thirty-five", 35),
        ("Thirty-Five", 35),
        ("twenty five", 25),
        ("one hundred and twenty", 120),
        ("two thousand three hundred", 2300),
        ("a hundred", 100),
        ("a thousand", 1000),
        ("3 thousand", 3000),
        ("two dozen", 24),
        ("a dozen", 12),
        ("dozens", 12),
        ("dozens of", 12),
        ("tens", 10),
        ("scores", 20),
        ("hundreds", 100),
        ("thousands", 1000),
        ("several", 3),
        ("a few", 3),
        ("more than 50", 50),
        ("at least 70", 70),
        ("nearly 40", 40),
        ("almost 40", 40),
        ("up to 40", 40),
        ("about 40", 40),
        ("at least another twelve", 12),
        ("two", 2),
        ("a", 1),
        ("one", 1),
        ("zero", 0),
    ],
)
def test_parse_number(text: str, value: int) -> None:
    assert parse_number(text) == value


@pytest.mark.parametrize("text", ["", "garbage", "five six", "twenty thirty", "hundred", "1,2,3", "civilians", "twenty eleven"])
def test_parse_number_rejects(text: str) -> None:
    assert parse_number(text) is None


@given(st.integers(min_value=0, max_value=100_000))
@settings(max_examples=500, deadline=None)
def test_parse_number_digits_roundtrip(n: int) -> None:
    assert parse_number(str(n)) == n
    assert parse_number(f"{n:,}") == n


_UNITS = "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()


def _spell(n: int) -> str:
    """English words for 0 <= n < 1,000,000 (test oracle)."""
    if n < 20:
        return _UNITS[n]
    if n < 100:
        return _TENS[n // 10 - 2] + ("" if n % 10 == 0 else "-" + _UNITS[n % 10])
    if n < 1000:
        return _UNITS[n // 100] + " hundred" + ("" if n % 100 == 0 else " and " + _spell(n % 100))
    return _spell(n // 1000) + " thousand" + ("" if n % 1000 == 0 else " " + _spell(n % 1000))


@given(st.integers(min_value=0, max_value=999_999))
@settings(max_examples=500, deadline=None)
def test_parse_number_words_roundtrip(n: int) -> None:
    assert parse_number(_spell(n)) == n


# --------------------------------------------------------------- fatalities


def one(sentence: str) -> FatalityClaim:
    claims = find_fatalities(sentence)
    assert len(claims) == 1, claims
    return claims[0]


@pytest.mark.parametrize(
    ("sentence", "phrase", "count", "subject"),
    [
        ("The strike killed 35 people in the market.", "killed 35 people", 35, "people"),
        ("35 people were killed in the raid.", "35 people were killed", 35, "people"),
        ("Medics counted 35 dead after the blast.", "35 dead", 35, ""),
        ("The blast left 12 dead.", "left 12 dead", 12, ""),
        ("The blast left at least 12 civilians dead.", "left at least 12 civilians dead", 12, "civilians"),
        ("The death toll rose to 70 on Monday.", "death toll rose to 70", 70, ""),
        ("The death toll from the raid climbed to 70.", "death toll from the raid climbed to 70", 70, ""),
        ("The toll climbed to 70.", "toll climbed to 70", 70, ""),
        ("At least 70 killed in market bombing.", "At least 70 killed", 70, ""),
        ("Jets bombed the town, killing at least eight civilians.", "killing at least eight civilians", 8, "civilians"),
        ("Thirty-five fighters died in the clashes.", "Thirty-five fighters died", 35, "fighters"),
        ("Villagers found the bodies of 12 men.", "bodies of 12 men", 12, "men"),
        ("Militants executed 20 men in the square.", "executed 20 men", 20, "men"),
        ("The group beheaded two soldiers.", "beheaded two soldiers", 2, "soldiers"),
        ("Witnesses described the massacre of 40 villagers.", "massacre of 40 villagers", 40, "villagers"),
        ("Witnesses described the massacre of 40.", "massacre of 40", 40, ""),
        ("The raid killed more than 1,200 people.", "killed more than 1,200 people", 1200, "people"),
        ("Gunmen shot dead three police officers.", "shot dead three police officers", 3, "police officers"),
        ("The bombing claimed the lives of 15 soldiers.", "claimed the lives of 15 soldiers", 15, "soldiers"),
        ("Officials reported 14 deaths.", "14 deaths", 14, ""),
        ("The car bomb claimed 12 lives.", "claimed 12 lives", 12, ""),
        ("The siege has cost at least 30 civilian lives.", "cost at least 30 civilian lives", 30, ""),
        ("Four were killed in the ambush.", "Four were killed", 4, ""),
        ("Two hundred and fifty people were reportedly killed.", "Two hundred and fifty people were reportedly killed", 250, "people"),
        ("Police said 35 people, including ten children, were killed.", "35 people, including ten children, were killed", 35, "people"),
        ("The attack killed the two men.", "killed the two men", 2, "men"),
        ("Two militiamen died overnight.", "Two militiamen died", 2, "militiamen"),
        ("One soldier died of his wounds.", "One soldier died", 1, "soldier"),
    ],
)
def test_numbered_deaths(sentence: str, phrase: str, count: int, subject: str) -> None:
    c = one(sentence)
    assert (c.text, c.count, c.vague, c.subject) == (phrase, count, False, subject)
    assert sentence[c.start : c.end] == c.text


@pytest.mark.parametrize(
    ("sentence", "count"),
    [
        ("Dozens of civilians were killed.", 12),
        ("The strikes killed hundreds of people.", 100),
        ("Scores were killed in the fighting.", 20),
        ("Several people were killed.", 3),
        ("The raid killed dozens.", 12),
    ],
)
def test_vague_quantities(sentence: str, count: int) -> None:
    c = one(sentence)
    assert (c.count, c.vague) == (count, True)


@pytest.mark.parametrize(
    "sentence",
    [
        "Fighting left 30 people wounded.",
        "35 people were wounded in the blast.",
        "35 people were injured.",
        "There were heavy casualties.",
        "The clashes caused 40 casualties.",
        "The group has 200 fighters.",
        "The shelling killed or wounded 30 people.",
        "Shells wounded or killed 30 people.",
        "12 people were killed or wounded.",
        "Medics counted 30 dead or injured.",
        "No one was killed.",
        "Nobody was killed in the blast.",
        "No civilians were killed.",
        "Rebels did not kill any prisoners.",
        "He was killed on Tuesday.",
        "They were killed in the raid.",
        "The 35-year-old man was wounded.",
        "Killing fields remain.",
        "",
    ],
)
def test_not_deaths(sentence: str) -> None:
    assert find_fatalities(sentence) == []


def test_killing_and_wounding_counts_the_dead() -> None:
    c = one("Gunmen attacked the village, killing 12 and wounding 30.")
    assert (c.text, c.count, c.subject) == ("killing 12", 12, "")


def test_killed_and_wounded_numbers_are_separate() -> None:
    assert one("The attack killed 12, wounding 30.").count == 12
    assert one("Three soldiers were killed and 12 wounded.").count == 3


@pytest.mark.parametrize(
    ("sentence", "subject"),
    [
        ("The drone killed a commander.", "commander"),
        ("A civilian was killed by a sniper.", "civilian"),
        ("The commander was killed the next day.", "commander"),
        ("The commander died of his wounds.", "commander"),
        ("The bombing killed his brother.", "brother"),
        ("Police killed the suspect.", "suspect"),
        ("An airstrike killed one civilian.", "civilian"),
        ("A 12-year-old boy was killed.", "12-year-old boy"),
        ("Ahmed Saleh was killed in Homs.", "Ahmed Saleh"),
    ],
)
def test_unnumbered_singular_death_counts_one(sentence: str, subject: str) -> None:
    c = one(sentence)
    assert (c.count, c.vague, c.subject) == (1, False, subject)


@pytest.mark.parametrize(
    ("sentence", "subject"),
    [
        ("The raid killed civilians.", "civilians"),
        ("People were killed in the shelling.", "People"),
        ("Troops killed the gunmen.", "gunmen"),
        ("Civilians died in the fire.", "Civilians"),
    ],
)
def test_unnumbered_plural_death_is_vague_three(sentence: str, subject: str) -> None:
    c = one(sentence)
    assert (c.count, c.vague, c.subject) == (3, True, subject)


@pytest.mark.parametrize(
    ("sentence", "count", "subject"),
    [
        ("A soldier and a civilian were killed.", 2, "soldier and civilian"),
        ("A soldier, a medic and a civilian were killed.", 3, "soldier and medic and civilian"),
        ("The commander and his deputy were killed.", 2, "commander and deputy"),
    ],
)
def test_coordinated_singular_deaths_add_up(sentence: str, count: int, subject: str) -> None:
    c = one(sentence)
    assert (c.text, c.count, c.vague, c.subject) == (sentence.rstrip("."), count, False, subject)


def test_active_clause_is_not_read_as_passive() -> None:
    c = one("Three soldiers killed two civilians.")
    assert (c.text, c.count, c.subject) == ("killed two civilians", 2, "civilians")


def test_several_claims_in_one_sentence() -> None:
    claims = find_fatalities("Rebels said 40 were killed, while officials said 25 people died.")
    assert [c.count for c in claims] == [40, 25]
    assert claims[0].start < claims[1].start


@pytest.mark.parametrize(
    ("sentence", "count"),
    [
        ("Between 20 and 30 fighters were killed.", 20),
        ("20 to 30 fighters were killed.", 20),
        ("Two or three people were killed.", 2),
        ("The death toll rose from 20 to 30.", 30),  # an updated toll, not a range
    ],
)
def test_a_range_counts_its_lower_bound(sentence: str, count: int) -> None:
    assert one(sentence).count == count


def test_groups_joined_to_the_object_of_a_death_verb_are_separate_claims() -> None:
    claims = find_fatalities("The clashes killed 10 soldiers and 15 militants in the village.")
    assert [(c.count, c.subject) for c in claims] == [(10, "soldiers"), (15, "militants")]
    claims = find_fatalities("The shelling killed 4 children and 2 women as well as 3 men.")
    assert [c.count for c in claims] == [4, 2, 3]


@pytest.mark.parametrize(
    "sentence",
    [
        "The strike killed 10 soldiers and 15 wounded.",
        "The strike killed 10 soldiers and 15 others were injured.",
        "The strike killed 40 people and 15 of them were children.",
    ],
)
def test_injured_or_partitive_groups_after_the_dead_are_not_added(sentence: str) -> None:
    assert [c.count for c in find_fatalities(sentence)] == [10 if "10" in sentence else 40]


@pytest.mark.parametrize(
    "sentence", ["Eight pupils between 7 and 12 years old were killed.", "Pupils 12 years of age were killed."]
)
def test_an_age_is_not_a_toll(sentence: str) -> None:
    assert all(c.count not in (7, 12) for c in find_fatalities(sentence))


def test_an_attacker_killing_himself_is_one_of_the_dead() -> None:
    c = one("The bomber killed himself and four others at the checkpoint.")
    assert (c.text, c.count) == ("killed himself and four others", 5)


# -------------------------------------------------------------- conservative_total


def _claim(count: int, vague: bool = False) -> FatalityClaim:
    return FatalityClaim(start=0, end=1, text="x", count=count, vague=vague, subject="")


def test_conservative_total_is_lowest_report() -> None:
    assert conservative_total([_claim(40), _claim(25), _claim(31)]) == 25


def test_conservative_total_ignores_vague_when_a_number_exists() -> None:
    assert conservative_total([_claim(3, vague=True), _claim(35)]) == 35


def test_conservative_total_vague_only() -> None:
    assert conservative_total([_claim(12, vague=True), _claim(3, vague=True)]) == 3


def test_conservative_total_empty() -> None:
    assert conservative_total([]) == 0


def test_conservative_total_from_sentences() -> None:
    claims = find_fatalities("Rebels said 40 were killed, while officials said 25 people died.")
    assert conservative_total(claims) == 25


# ------------------------------------------------------------------ properties

_PIECES = st.sampled_from(
    [
        "Rebels", " killed", " 35", " people", " were", " wounded", " dead", " and", " or", ",", ".",
        " at least", " dozens of", " civilians", " a", " commander", " died", " the death toll rose to",
        " twenty-five", " bodies of", " left", " injured", " no one", " was", " executed", " fighters",
    ]
)


@given(st.lists(_PIECES, max_size=14))
@settings(max_examples=400, deadline=None)
def test_claim_offsets_and_counts_hold(pieces: list[str]) -> None:
    sentence = "".join(pieces)
    claims = find_fatalities(sentence)
    last_end = -1
    for c in claims:
        assert sentence[c.start : c.end] == c.text
        assert c.start >= last_end
        last_end = c.end
        assert c.count >= 1
    total = conservative_total(claims)
    assert total == 0 if not claims else total in {c.count for c in claims}


@given(st.text(max_size=200))
@settings(max_examples=200, deadline=None)
def test_arbitrary_text_never_raises(sentence: str) -> None:
    for c in find_fatalities(sentence):
        assert sentence[c.start : c.end] == c.text


def test_death_stems_cover_every_death_phrase() -> None:
    # find_fatalities skips sentences without a stem: a phrase missing one would never match.
    from frontlines.numbers import _words

    w = _words()
    stems = w["death_stems"]
    phrases = [*w["active_verbs"], *w["passive_verbs"], *w["death_nouns"], *w["death_heads"], "death toll", "toll"]
    assert [p for p in phrases if not any(s in p for s in stems)] == []


def test_a_year_in_a_dateline_is_not_a_toll() -> None:
    claims = find_fatalities("Published July 5 2016 A motorcycle bomber killed at least 16 civilians outside a bakery.")
    assert [c.count for c in claims] == [16]
    assert [c.count for c in find_fatalities("2016 people were killed.")] == []
    assert [c.count for c in find_fatalities("Fighting killed 1950 people in the city.")] == [1950]


@pytest.mark.parametrize(
    "sentence",
    [
        "At least 35 people were killed and 12 others wounded in AIR STRIKES on Douma.",
        "ISIS Killed Two Soldiers and beheaded a journalist near Palmyra.",
        "The bombing killed his brother, while dozens of civilians died in the shelling.",
        "Between 20 and 30 fighters were reportedly killed, leaving 5 civilians dead.",
        "A soldier and a civilian were killed, the death toll rose to 14.",
    ],
)
def test_ascii_text_is_scanned_as_the_case_insensitive_patterns_scan_it(sentence: str) -> None:
    # ASCII text is scanned lower-cased with case-sensitive twins; a non-ASCII character
    # after the sentence sends it through the case-insensitive patterns themselves.
    assert find_fatalities(sentence)
    assert find_fatalities(sentence) == find_fatalities(sentence + " é")
