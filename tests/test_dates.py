"""Date mentions resolved against publication dates (sentences are made up)."""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from frontlines.dates import DateMention, find_dateline, find_dates, parse_published

MONDAY = date(2015, 8, 10)  # a Monday
TUESDAY = date(2015, 8, 11)


def only(text: str, published: date | None = MONDAY) -> DateMention:
    found = find_dates(text, published=published)
    assert len(found) == 1, found
    m = found[0]
    assert text[m.start : m.end] == m.text
    return m


def check(text: str, span: str, day: date | None, precision: int, *, published: date | None = MONDAY) -> DateMention:
    m = only(text, published)
    assert (m.text, m.date, m.precision) == (span, day, precision)
    return m


# ------------------------------------------------------------------ weekdays


def test_weekday_is_most_recent_on_or_before_publication() -> None:
    m = check("Rebels shelled the town on Tuesday.", "Tuesday", date(2015, 8, 4), 1)
    assert m.relative


def test_weekday_same_as_publication_day_is_that_day() -> None:
    check("Rebels shelled the town on Tuesday.", "Tuesday", TUESDAY, 1, published=TUESDAY)


def test_late_sunday_in_monday_article_is_day_before() -> None:
    check("Gunmen attacked a checkpoint late Sunday.", "late Sunday", date(2015, 8, 9), 1)


@pytest.mark.parametrize("phrase", ["Saturday night", "Saturday morning", "Saturday evening", "early Saturday"])
def test_weekday_parts_do_not_move_the_day(phrase: str) -> None:
    check(f"Clashes erupted {phrase} near the border.", phrase, date(2015, 8, 8), 1)


def test_last_weekday() -> None:
    check("Last Thursday a car bomb exploded.", "Last Thursday", date(2015, 8, 6), 1)


def test_last_weekday_on_same_weekday_means_a_week_earlier() -> None:
    check("A car bomb exploded last Tuesday.", "last Tuesday", date(2015, 8, 4), 1, published=TUESDAY)


def test_next_weekday_is_not_an_event() -> None:
    assert find_dates("Talks resume next Friday.", published=MONDAY) == []


def test_weekday_inside_names_is_not_a_date() -> None:
    assert find_dates("Marchers remembered Bloody Sunday.", published=MONDAY) == []
    assert find_dates("The Sunday Times reported the raid.", published=MONDAY) == []


def test_weekday_without_publication_keeps_span() -> None:
    m = check("Rebels shelled the town on Tuesday.", "Tuesday", None, 1, published=None)
    assert m.relative


# ------------------------------------------------------------- relative days


@pytest.mark.parametrize(
    ("phrase", "back", "precision"),
    [
        ("today", 0, 1),
        ("this morning", 0, 1),
        ("tonight", 0, 1),
        ("yesterday", 1, 1),
        ("last night", 1, 1),
        ("the day before yesterday", 2, 1),
        ("two days ago", 2, 1),
        ("two nights ago", 2, 1),
        ("three days ago", 3, 1),
        ("5 days ago", 5, 1),
        ("a few days ago", 3, 2),
        ("a week ago", 7, 2),
        ("two weeks ago", 14, 2),
        ("several weeks ago", 21, 3),
    ],
)
def test_relative_days(phrase: str, back: int, precision: int) -> None:
    m = check(f"Militants raided the village {phrase}, residents said.", phrase, MONDAY - timedelta(days=back), precision)
    assert m.relative


def test_relative_without_publication_has_no_date() -> None:
    check("Militants raided the village yesterday.", "yesterday", None, 1, published=None)


def test_months_ago() -> None:
    check("The base fell two months ago.", "two months ago", date(2015, 6, 10), 3)


def test_years_ago_is_background() -> None:
    check("The base fell three years ago.", "three years ago", None, 3)


# ---------------------------------------------------------------- weeks, months


def test_last_week_is_midpoint_of_previous_monday_to_sunday_week() -> None:
    # Previous week: Mon 3 - Sun 9 August; its midpoint is Thursday 6 August.
    check("The army retook the hill last week.", "last week", date(2015, 8, 6), 2)
    check("The army retook the hill last week.", "last week", date(2015, 8, 6), 2, published=date(2015, 8, 16))


def test_this_week_is_midpoint_of_monday_and_publication() -> None:
    check("The army retook the hill this week.", "this week", date(2015, 8, 12), 2, published=date(2015, 8, 14))
    check("The army retook the hill earlier this week.", "earlier this week", date(2015, 8, 12), 2,
          published=date(2015, 8, 14))


def test_weekends_code_their_saturday() -> None:
    check("Protests spread over the weekend.", "over the weekend", date(2015, 8, 8), 2)
    check("Protests spread last weekend.", "last weekend", date(2015, 8, 8), 2)
    check("Protests spread last weekend.", "last weekend", date(2015, 8, 8), 2, published=date(2015, 8, 16))


def test_this_month_is_midpoint_of_first_and_publication() -> None:
    check("Raids increased earlier this month.", "earlier this month", date(2015, 8, 10), 3, published=date(2015, 8, 20))
    check("Raids increased this month.", "this month", date(2015, 8, 5), 3)


def test_last_month_is_fifteenth_of_previous_month() -> None:
    check("Raids increased last month.", "last month", date(2015, 7, 15), 3)
    check("Raids increased last month.", "last month", date(2014, 12, 15), 3, published=date(2015, 1, 3))


def test_last_year_is_background() -> None:
    check("Raids increased last year.", "last year", None, 3)


# ------------------------------------------------------------------- months


def test_month_with_year() -> None:
    m = check("The town fell in August 2014.", "August 2014", date(2014, 8, 15), 3)
    assert not m.relative


def test_month_without_year_earlier_in_year() -> None:
    m = check("The town fell in March.", "March", date(2015, 3, 15), 3)
    assert m.relative


def test_month_without_year_later_than_publication_month_is_last_year() -> None:
    check("The town fell in October.", "October", date(2014, 10, 15), 3)


def test_month_of_publication_is_midpoint_so_far() -> None:
    check("The town fell in August.", "August", date(2015, 8, 5), 3)


def test_last_month_name() -> None:
    check("The town fell last August.", "last August", date(2014, 8, 15), 3)
    check("The town fell last May.", "last May", date(2015, 5, 15), 3)


@pytest.mark.parametrize(("phrase", "day"), [("early July", 5), ("mid-July", 15), ("late July", 25), ("the end of July", 25)])
def test_month_parts(phrase: str, day: int) -> None:
    check(f"Fighting resumed in {phrase}.", phrase, date(2015, 7, day), 3)


def test_month_part_after_publication_moves_back_a_year() -> None:
    check("Fighting resumed in late August.", "late August", date(2014, 8, 25), 3)


def test_month_part_with_year() -> None:
    check("Fighting resumed in mid-March 2013.", "mid-March 2013", date(2013, 3, 15), 3)


def test_month_verbs_and_nouns_are_not_dates() -> None:
    assert find_dates("Rebels may attack the town.", published=MONDAY) == []
    assert find_dates("Thousands joined a march on the capital.", published=MONDAY) == []
    assert find_dates("Theresa May condemned the attack.", published=MONDAY) == []
    assert find_dates("Protesters plan to March on the capital.", published=MONDAY) == []


def test_capitalised_month_after_preposition() -> None:
    check("The offensive began in May.", "May", date(2015, 5, 15), 3)


# ---------------------------------------------------------------- exact days


@pytest.mark.parametrize("phrase", ["9 August 2015", "August 9, 2015", "2015-08-09", "Sunday, August 9, 2015", "9th of August 2015"])
def test_explicit_full_dates(phrase: str) -> None:
    m = check(f"The convoy was hit on {phrase} near the river.", phrase, date(2015, 8, 9), 1)
    assert not m.relative


@pytest.mark.parametrize("phrase", ["09/08/2015", "9.8.2015", "8/9/2015"])
def test_numeric_dates_take_the_reading_nearest_before_publication(phrase: str) -> None:
    # 9 August or 8 September: the article (10 August) has not seen September yet; for
    # 8/9/2015 both readings are past and the nearer, 9 August (month first), is taken.
    check(f"The convoy was hit on {phrase} near the river.", phrase, date(2015, 8, 9), 1)


def test_numeric_date_with_a_day_over_12_has_one_reading() -> None:
    check("The convoy was hit on 27/07/2015 near the river.", "27/07/2015", date(2015, 7, 27), 1)
    check("The convoy was hit on 7/27/2015 near the river.", "7/27/2015", date(2015, 7, 27), 1)
    assert find_dates("Version 1.2.2015x of the file.", published=date(2015, 8, 11)) == []


@pytest.mark.parametrize("phrase", ["9 August", "August 9", "Aug. 9", "the 9th of August", "Aug 9th"])
def test_day_without_year_takes_most_recent_year(phrase: str) -> None:
    m = check(f"The convoy was hit on {phrase} near the river.", phrase, date(2015, 8, 9), 1)
    assert m.relative


def test_day_without_year_after_publication_is_previous_year() -> None:
    check("The convoy was hit on 20 August.", "20 August", date(2014, 8, 20), 1)


def test_explicit_date_after_publication_is_dropped() -> None:
    check("Elections are set for 20 September 2015.", "20 September 2015", None, 1)


def test_day_range_is_coded_at_midpoint() -> None:
    check("Clashes raged between 3 and 7 August.", "between 3 and 7 August", date(2015, 8, 5), 2)
    check("Clashes raged on July 1-20, 2015.", "July 1-20, 2015", date(2015, 7, 10), 3)


def test_invalid_day_falls_back_to_the_month() -> None:
    check("The convoy was hit on 31 September 2014.", "September 2014", date(2014, 9, 15), 3)
    assert find_dates("The convoy was hit on 31 September.", published=MONDAY) == []


def test_year_alone_is_background() -> None:
    m = check("The group was founded in 2013.", "2013", None, 3)
    assert not m.relative


def test_several_mentions_in_order() -> None:
    text = "Rebels attacked on Tuesday after a lull since March, and again yesterday."
    found = find_dates(text, published=MONDAY)
    assert [m.text for m in found] == ["Tuesday", "March", "yesterday"]
    assert [m.date for m in found] == [date(2015, 8, 4), date(2015, 3, 15), date(2015, 8, 9)]


def test_datetime_publication_is_accepted() -> None:
    check("Militants raided the village yesterday.", "yesterday", date(2015, 8, 9), 1, published=datetime(2015, 8, 10, 9))


def test_find_dates_is_fast_on_a_long_article() -> None:
    para = (
        "On Tuesday rebels shelled the town, killing 12 people, officials said. Government troops "
        "took the city in August 2014 after a long fight with allied militias, a monitor said. "
    )
    text = (para * 40)[:5000]
    find_dates(text, published=MONDAY)
    best = min(_timed(text) for _ in range(5))
    assert best < 0.02  # typically about 2 ms; generous for loaded CI machines


def _timed(text: str) -> float:
    t = time.perf_counter()
    find_dates(text, published=MONDAY)
    return time.perf_counter() - t


# --------------------------------------------------------- publication metadata


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2015-08-10", date(2015, 8, 10)),
        ("8/10/2015", date(2015, 8, 10)),
        ("25/10/2015", date(2015, 10, 25)),
        ("10 August 2015", date(2015, 8, 10)),
        ("August 10, 2015", date(2015, 8, 10)),
        ("Wed 05 Apr 2017", date(2017, 4, 5)),
        ("2015-08-10T12:00:00Z", date(2015, 8, 10)),
        ("2015-08-10 23:59:00+02:00", date(2015, 8, 10)),
        ("Mon, 10 Aug 2015 12:00:00 +0000", date(2015, 8, 10)),
        ("20150810", date(2015, 8, 10)),
        ("10.08.2015", date(2015, 8, 10)),
        ("  10 august 2015 ", date(2015, 8, 10)),
    ],
)
def test_parse_published_formats(value: str, expected: date) -> None:
    assert parse_published(value) == expected


@pytest.mark.parametrize("value", ["", "garbage", "32/13/2015", "2015-02-30", "hello 2015", "not a date at all", "99999999"])
def test_parse_published_garbage_is_none(value: str) -> None:
    assert parse_published(value) is None


@given(st.text(max_size=60))
@settings(max_examples=200, deadline=None)
def test_parse_published_never_raises(value: str) -> None:
    result = parse_published(value)
    assert result is None or isinstance(result, date)


# ----------------------------------------------------------------- datelines


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Wed 05 Apr 2017 Rebels shelled the town.", date(2017, 4, 5)),
        ("10 August 2015\nRebels shelled the town.", date(2015, 8, 10)),
        ("Town shelled\nPublished: 2015-08-10\nRebels shelled the town.", date(2015, 8, 10)),
        ("Town shelled\nUpdated on 8/10/2015\nRebels shelled the town.", date(2015, 8, 10)),
    ],
)
def test_dateline_found(text: str, expected: date) -> None:
    assert find_dateline(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "BEIRUT, Aug 10 (Reuters) - Rebels shelled the town.",
        "Town shelled\nby staff\nRebels shelled the town.",
        "One\nTwo\nThree\nPublished: 2015-08-10",
        "x" * 400 + " 10 August 2015",
    ],
)
def test_dateline_absent(text: str) -> None:
    assert find_dateline(text) is None


# ------------------------------------------------------------- properties

_PIECES = st.sampled_from(
    [
        "Rebels attacked", " on Tuesday", " late Sunday", " yesterday", " in March", " on 9 August",
        " in August 2014", " last week", " two nights ago", " earlier this month", " last month",
        " in 2013", " on 2016-01-02", " mid-December", " on 31 December", ".", ",", " and", " May",
        " Friday night", " 3 days ago", " in late October", " on Feb 29",
    ]
)


@given(st.lists(_PIECES, max_size=12), st.dates(min_value=date(2001, 1, 1), max_value=date(2030, 12, 31)))
@settings(max_examples=300, deadline=None)
def test_never_after_publication_and_offsets_hold(pieces: list[str], published: date) -> None:
    text = "".join(pieces)
    found = find_dates(text, published=published)
    last_end = -1
    for m in found:
        assert text[m.start : m.end] == m.text
        assert m.start >= last_end  # ordered and non-overlapping
        last_end = m.end
        assert m.date is None or m.date <= published
        assert m.precision in (1, 2, 3)


@given(st.text(max_size=200))
@settings(max_examples=200, deadline=None)
def test_arbitrary_text_never_raises(text: str) -> None:
    for m in find_dates(text, published=MONDAY):
        assert text[m.start : m.end] == m.text
        assert m.date is None or m.date <= MONDAY


def test_decades_are_not_years() -> None:
    assert find_dates("Fighting raged throughout 1990s Bosnia.", published=MONDAY) == []


def test_capitalised_the_starts_a_day_mention() -> None:
    check("The 9th of August was calm.", "The 9th of August", date(2015, 8, 9), 1)



def _plain_anchors(text: str) -> list[tuple[str | None, int, int]]:
    """The anchors by one word-bounded alternation, as ``find_dates`` once scanned them."""
    import re

    from frontlines.dates import _variants, _words

    w = _words()
    keywords = sorted({"ago", *(phrase.split()[-1] for phrase in (*w["relative"], *w["periods"]))})
    months = "|".join(_variants(w["months"], cased=True) + _variants(w["month_abbreviations"], cased=True))
    plain = re.compile(
        rf"(?<!\w)(?:(?P<month>{months})|(?P<weekday>{'|'.join(_variants(w['weekdays'], cased=True))})"
        rf"|(?P<year>(?:19|20)\d\d)|(?P<keyword>{'|'.join(_variants(keywords, cased=False))}))\b"
    )
    return [(m.lastgroup, m.start(), m.end()) for m in plain.finditer(text)]


@pytest.mark.parametrize("text", ["Sept. 9, 2015 today", "AGO Ago İago x2015 _2019 Mayor May MONDAY's", "May"])
def test_anchors_are_whole_words(text: str) -> None:
    from frontlines.dates import _anchors

    assert list(_anchors().finditer(text)) == _plain_anchors(text)


@given(st.text(alphabet="Aa Ssp.t-ugo2019_İ,\nMayonday", max_size=60))
@settings(max_examples=300, deadline=None)
def test_anchors_match_the_plain_alternation(text: str) -> None:
    from frontlines.dates import _anchors

    assert list(_anchors().finditer(text)) == _plain_anchors(text)
