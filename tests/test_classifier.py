"""The optional learned sub-event classifier (made-up ACLED-format rows; needs scikit-learn)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

pytest.importorskip("sklearn")

from frontlines import classifier  # noqa: E402
from frontlines.errors import FrontlinesError  # noqa: E402
from frontlines.events import code_events  # noqa: E402
from frontlines.nlp import split_sentences  # noqa: E402
from frontlines.records import Article, Mention, Place  # noqa: E402

NOTES = {
    "Air/drone strike": [
        "On 3 May 2020, warplanes carried out air strikes on the outskirts of the town.",
        "On 4 May 2020, an air strike hit a market in the village.",
        "On 5 May 2020, drones struck a vehicle on the highway.",
        "On 6 May 2020, military aircraft bombed positions near the river.",
    ],
    "Shelling/artillery/missile attack": [
        "On 3 May 2020, government forces shelled the village with artillery.",
        "On 4 May 2020, rebels fired mortars at the town centre.",
        "On 5 May 2020, rockets were fired at the airport.",
        "On 6 May 2020, artillery shelling hit the eastern districts.",
    ],
    "Peaceful protest": [
        "On 3 May 2020, residents protested in the main square against power cuts.",
        "On 4 May 2020, teachers demonstrated peacefully demanding unpaid salaries.",
        "On 5 May 2020, hundreds of people rallied in the city centre. [size=hundreds]",
        "On 6 May 2020, students held a sit-in outside the university.",
    ],
}


def write_csv(path: Path, rows: dict[str, list[str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["event_date", "sub_event_type", "notes", "country"])
        writer.writeheader()
        for k, (sub, notes) in enumerate(rows.items()):
            for i, note in enumerate(notes):
                writer.writerow({"event_date": f"{3 + i}-May-20", "sub_event_type": sub, "notes": note, "country": "Testland"})
        writer.writerow({"event_date": "3-May-20", "sub_event_type": "Not a type", "notes": "ignored", "country": "X"})
    return path


def test_clean_note_drops_the_date_and_size() -> None:
    assert classifier.clean_note("On 9 May 2020, medical interns protested. [size=no report]") == "medical interns protested."


def test_train_save_load_rank(tmp_path: Path) -> None:
    report = classifier.train(write_csv(tmp_path / "acled.csv", NOTES), tmp_path / "model.bin")
    assert report.rows == 12 and set(report.classes) == set(NOTES)
    assert Path(report.path).exists()
    model = classifier.load(tmp_path / "model.bin")
    ranking = model.rank("Warplanes carried out air strikes on the village.")
    assert ranking[0][0] == "Air/drone strike"
    assert abs(sum(p for _, p in ranking) - 1.0) < 1e-6
    assert model.predict(["Hundreds of people protested in the square."]) == ["Peaceful protest"]


def test_training_data_is_not_stored_in_the_model(tmp_path: Path) -> None:
    classifier.train(write_csv(tmp_path / "acled.csv", NOTES), tmp_path / "model.bin")
    assert b"unpaid salaries" not in (tmp_path / "model.bin").read_bytes()


def test_bad_inputs_raise_clear_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(FrontlinesError, match="not an ACLED export"):
        classifier.train(bad, tmp_path / "m.bin")
    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"not a pickle")
    with pytest.raises(FrontlinesError, match="not a frontlines classifier"):
        classifier.load(junk)
    with pytest.raises(FrontlinesError, match="cannot read"):
        classifier.load(tmp_path / "missing.bin")


def test_code_events_uses_the_model_within_the_rule_event_type(tmp_path: Path) -> None:
    classifier.train(write_csv(tmp_path / "acled.csv", NOTES), tmp_path / "model.bin")
    model = classifier.load(tmp_path / "model.bin")
    text = "On Sunday warplanes bombarded Saraqib."  # the rules say shelling ("bombarded")
    place = Place(id="saraqib", name="Saraqib", latitude=35.86, longitude=36.8, country="Syria")
    start = text.index("Saraqib")
    mentions = [Mention(start=start, end=start + 7, text="Saraqib", kind="place", resolved_id="saraqib", place=place, geo_precision=1)]
    article = Article(id="x", external_id="x", text=text)
    rules = code_events(article, split_sentences(text), mentions, [])
    learned = code_events(article, split_sentences(text), mentions, [], model=model)
    assert [e.event_type for e in rules] == [e.event_type for e in learned] == ["Explosions/Remote violence"]
    assert learned[0].sub_event_type in {"Air/drone strike", "Shelling/artillery/missile attack"}
