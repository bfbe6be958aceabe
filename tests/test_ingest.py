from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

import pytest

from conftest import REPORTS, SCRAPED_PAGE, write_jsonl
from frontlines.errors import InputError
from frontlines.ingest import ReadOptions, clean_text, parse_csv_map, read_inputs
from frontlines.records import Article


def _split(items):
    arts = [i for i in items if isinstance(i, Article)]
    errs = [i for i in items if isinstance(i, InputError)]
    return arts, errs


def test_jsonl_reader_keeps_external_ids_and_metadata(reports_file):
    arts, errs = _split(list(read_inputs([str(reports_file)])))
    assert not errs
    assert [a.external_id for a in arts] == ["t-1", "t-2", "t-3"]
    assert arts[0].published == date(2015, 8, 10)
    assert arts[0].outlet == "Test Wire"
    assert arts[0].id == Article.content_id(arts[0].text)


def test_malformed_json_line_is_named_and_the_rest_goes_on(tmp_path):
    path = tmp_path / "docs.jsonl"
    path.write_text(json.dumps(REPORTS[0]) + "\n{not json\n" + json.dumps({"id": "x"}) + "\n" + json.dumps(REPORTS[1]) + "\n")
    arts, errs = _split(list(read_inputs([str(path)])))
    assert [a.external_id for a in arts] == ["t-1", "t-2"]
    assert f"{path}:2: malformed JSON" in str(errs[0])
    assert f"{path}:3: missing required field(s) text" in str(errs[1])


def test_txt_files_with_sidecar_meta(tmp_path):
    (tmp_path / "a.txt").write_text("Rebels said they repelled an attack.\n")
    (tmp_path / "b.txt").write_text("10 August 2015\n\nA second report of fighting.\n")
    (tmp_path / "meta.jsonl").write_text(json.dumps({"file": "a.txt", "published": "2015-08-10", "outlet": "Wire"}) + "\n")
    arts, errs = _split(list(read_inputs([str(tmp_path)])))
    assert not errs
    by_id = {a.external_id: a for a in arts}
    assert by_id["a"].published == date(2015, 8, 10) and by_id["a"].outlet == "Wire"
    # No metadata: the date line at the top of the text is used.
    assert by_id["b"].published == date(2015, 8, 10)


def test_no_date_anywhere_stays_unknown(tmp_path):
    (tmp_path / "c.txt").write_text("Fighting was reported near the town.\n")
    (arts, _) = _split(list(read_inputs([str(tmp_path / "c.txt")])))
    assert arts[0].published is None


def test_folders_are_read_recursively(tmp_path):
    (tmp_path / "sub" / "deeper").mkdir(parents=True)
    (tmp_path / "sub" / "deeper" / "x.txt").write_text("A report of shelling.\n")
    write_jsonl(tmp_path / "sub" / "more.jsonl", REPORTS[:1])
    arts, _ = _split(list(read_inputs([str(tmp_path)])))
    assert sorted(a.external_id for a in arts) == ["t-1", "x"]


def test_stdin_jsonl_and_plain_text():
    data = "".join(json.dumps(r) + "\n" for r in REPORTS[:2]).encode()
    arts, _ = _split(list(read_inputs(["-"], stdin=io.BytesIO(data))))
    assert [a.external_id for a in arts] == ["t-1", "t-2"]
    arts, _ = _split(list(read_inputs(["-"], stdin=io.BytesIO(b"Clashes were reported in the town.\n"))))
    assert arts[0].external_id == "stdin"


def test_csv_with_column_map(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text(
        "unit_id,article_title,article_content,source,date\n"
        '1,"Title one","Rebels shelled the airport, officials said.",Wire,8/10/2015\n'
        '2,"Title two","Government forces advanced on Monday.",Daily,4/5/2017\n'
    )
    cmap = parse_csv_map("id=unit_id,text=article_content,title=article_title,published=date,outlet=source")
    arts, errs = _split(list(read_inputs([str(path)], options=ReadOptions(csv_map=cmap))))
    assert not errs
    assert arts[0].external_id == "1" and arts[0].published == date(2015, 8, 10) and arts[0].title == "Title one"
    assert arts[1].published == date(2017, 4, 5)


def test_csv_missing_mapped_column(tmp_path):
    path = tmp_path / "f.csv"
    path.write_text("unit_id,body\n1,text\n")
    cmap = parse_csv_map("id=unit_id,text=article_content")
    _, errs = _split(list(read_inputs([str(path)], options=ReadOptions(csv_map=cmap))))
    assert len(errs) == 1
    assert str(path) in str(errs[0]) and "article_content" in str(errs[0])


def test_csv_map_syntax_errors():
    with pytest.raises(InputError, match="unknown field"):
        parse_csv_map("id=a,text=b,colour=c")
    with pytest.raises(InputError, match="'text'"):
        parse_csv_map("id=a")


def test_html_main_text_title_and_date(tmp_path):
    page = tmp_path / "page.html"
    body = " ".join(["Rebel fighters repelled an attack on the town of Marea on Sunday, a commander said."] * 4)
    page.write_text(
        "<html><head><title>Rebels repel attack</title>"
        '<meta property="article:published_time" content="2015-08-10T10:00:00Z"></head>'
        "<body><nav>Home | World | Sport</nav><article><h1>Rebels repel attack</h1>"
        f"<p>{body}</p><p>{body}</p></article><footer>Copyright 2015</footer></body></html>"
    )
    arts, errs = _split(list(read_inputs([str(page)])))
    assert not errs, errs
    assert "Marea" in arts[0].text and "Home | World" not in arts[0].text
    assert arts[0].title == "Rebels repel attack"
    assert arts[0].published == date(2015, 8, 10)


def test_cleaning_a_scraped_page():
    cleaned = clean_text(SCRAPED_PAGE)
    assert "Skip to main content" not in cleaned
    assert "Select Page" not in cleaned
    assert "newsletter" not in cleaned.lower()
    assert "republish" not in cleaned.lower()
    assert "AFP/Test Photographer" not in cleaned
    assert cleaned.startswith("BEIRUT - Rebels said on Monday")
    assert "The fighting went on into the night" in cleaned


def test_cleaning_repairs_unicode_and_drops_repeats():
    text = "The townâ€™s defenders held.\n\nA long repeated pull quote line here.\n\nA long repeated pull quote line here.\n"
    cleaned = clean_text(text)
    assert "town’s" in cleaned or "town's" in cleaned
    assert cleaned.count("pull quote") == 1


@pytest.mark.parametrize(
    ("name", "content", "problem"),
    [
        ("empty.txt", b"", "empty file"),
        ("blank.txt", b"   \n\n", "empty file"),
        ("binary.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00IHDR", "binary file"),
        ("latin1.txt", "Clashes in Ma\xe2arrat".encode("latin-1"), "not valid UTF-8"),
        ("noarticle.html", b"<html><body><nav>Home</nav></body></html>", "no article text"),
    ],
)
def test_bad_inputs_get_one_clear_line_and_the_batch_goes_on(tmp_path, name, content, problem):
    bad = tmp_path / name
    bad.write_bytes(content)
    good = write_jsonl(tmp_path / "good.jsonl", REPORTS[:1])
    items = list(read_inputs([str(bad), str(good)]))
    arts, errs = _split(items)
    assert [a.external_id for a in arts] == ["t-1"]
    assert len(errs) == 1
    message = str(errs[0])
    assert message.startswith(str(bad)) and problem in message and "\n" not in message


def test_huge_file_is_refused_without_reading_it(tmp_path):
    big = tmp_path / "big.txt"
    with big.open("wb") as f:
        f.seek(50 * 1024 * 1024)
        f.write(b"x")
    _, errs = _split(list(read_inputs([str(big)])))
    assert "file too large" in str(errs[0]) and str(big) in str(errs[0])


def test_missing_path(tmp_path):
    _, errs = _split(list(read_inputs([str(tmp_path / "nope.txt")])))
    assert "no such file" in str(errs[0])
