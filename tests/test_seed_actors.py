"""Resolution of the actor names that occur in the seed articles, against the real knowledge base.

Each case is a sentence written for this test that paraphrases a situation from the seed
articles (../shared/corpus/seeds), its publication date, the surface form to resolve and the
expected knowledge-base id. At least 95% must resolve correctly; failures are printed.
"""

from __future__ import annotations

from datetime import date

import pytest

from frontlines.actors import ActorBase, ActorMatcher
from frontlines.nlp import EntitySpan, entity_spans

NUSRA = "nusra_front"
AQ = "al_qaeda"
ISIS = "islamic_state"
SYRIA = "syria_military"
TURKEY = "turkey_government"
COALITION = "global_coalition"
FSA = "fsa"
LEVANT = "levant_front"
HAZM = "hazzm"
SRF = "srf"
MAAROUF = PERSON = "<person>"  # no knowledge-base entry needed: a person mention
AHRAR = "ahrar_al_sham"
TAWHID = "tawhid_brigade"
DIV13 = "division_13"
CONQUEST = "army_of_conquest"
JAI = "jaysh_al_islam"
HEZBOLLAH = "hezbollah"
RUSSIA = "russia_military"
YPG = "ypg"
SDF = "sdf"
JFS = "jabhat_fateh_al_sham"
HTS = "hts"
ISLAMIC_FRONT = "islamic_front"
JAM = "jaysh_al_mujahideen"
ADNANI = "abu_mohammad_al_adnani"
GOLANI = "abu_mohammad_al_julani"

D0 = date(2015, 8, 10)  # NOW (Lebanon)
D1 = date(2016, 3, 15)  # Middle East Eye
D2 = date(2015, 3, 1)  # The New Arab
D3 = date(2015, 5, 12)  # Middle East Eye
D4 = date(2014, 1, 9)  # Asharq Al-Awsat

CASES: list[tuple[str, date, str, str]] = [
    ("Nusra pulled its fighters back from the Turkish frontier.", D0, "Nusra", NUSRA),
    ("The Al-Nusra Front said it would not help Ankara fight ISIS.", D0, "Al-Nusra Front", NUSRA),
    ("The Al-Nusra Front said it would not help Ankara fight ISIS.", D0, "ISIS", ISIS),
    ("The Al-Qaeda franchise in Syria rejected the buffer-zone plan.", D0, "Al-Qaeda franchise", NUSRA),
    ("The blessed Army of Conquest pressed toward the coastal mountains.", D0, "Army of Conquest", CONQUEST),
    ("The Nusairi army has suffered defeat after defeat in the plain, it said.", D0, "Nusairi army", SYRIA),
    ("Nusra said the Turkish government was steering the fight, the Islamist group alleged.", D0,
     "Turkish government", TURKEY),
    ("Nusra said outsiders were steering the fight, the Islamist group alleged.", D0, "Islamist group", NUSRA),
    ("Nusra said the international coalition had its own priorities.", D0, "international coalition", COALITION),
    ("Free Syrian Army-affiliated battalions were expected to lead the push.", D0, "Free Syrian Army", FSA),
    ("Nusra is leaving its posts facing the kharijites north of the city.", D0, "kharijites", ISIS),
    ("Its fronts with the Kharijites in the desert will stay open.", D0, "Kharijites", ISIS),
    ("The Nusairi regime has retreated toward the coast, the group argued.", D0, "Nusairi regime", SYRIA),
    ("Nusra spoke again: the Al-Qaeda faction added that rebels could beat ISIS alone.", D0, "Al-Qaeda faction", NUSRA),
    ("ISIS stormed the village after Nusra's withdrawal.", D0, "Nusra's", NUSRA),
    ("FSA-linked rebels abandoned the village after heavy losses.", D0, "FSA", FSA),
    ("A commander from the Shamiyya Front said the car bombs killed dozens.", D0, "Shamiyya Front", LEVANT),
    ("Two car bombs hit Liwaa al-Tawhid's first regiment.", D0, "Liwaa al-Tawhid", TAWHID),
    ("Turkey will give air cover to some opposition factions.", D0, "Turkey", TURKEY),
    ("The Nusra Front vowed to renew its assault on government forces.", D1, "Nusra Front", NUSRA),
    ("Without the Russian warplanes the fighters would have reached the coast.", D1, "Russian warplanes", RUSSIA),
    ("The Syrian army let the Russians down, a commander said.", D1, "Syrian army", SYRIA),
    ("Both Nusra and IS were left out of the truce.", D1, "IS", ISIS),
    ("Nusra drove the Free Syrian Army 13th Division out of the town.", D1, "13th Division", DIV13),
    ("Nusra drove the Free Syrian Army 13th Division out of the town.", D1, "Free Syrian Army", FSA),
    ("The Nusayri regime and its allies gain from any clash, the statement said.", D1, "Nusayri regime", SYRIA),
    ("Russian air strikes kept hitting IS targets in the desert.", D1, "Russian air strikes", RUSSIA),
    ("The al-Qaeda affiliate said it would attack within two days.", D1, "al-Qaeda affiliate", NUSRA),
    ("Residents told Nusra to get out of Atareb.", D1, "Nusra", NUSRA),
    ("The Nusra Front launched a tank-led attack on Hazzm positions.", D2, "Hazzm", HAZM),
    ("Hazzm fighters pulled back from Atarib.", D2, "Hazzm", HAZM),
    ("Hazzm reportedly merged into the Levant Front.", D2, "Levant Front", LEVANT),
    ("Activists urged the Ahrar al-Sham group to intervene.", D2, "Ahrar al-Sham", AHRAR),
    ("Nusra declared its hostility to the Syria Revolutionaries Front last year.", D2,
     "Syria Revolutionaries Front", SRF),
    ("Nusra later pushed the SRF out of the mountain villages.", D2, "SRF", SRF),
    ("The Nusra Front, the Syrian al-Qaeda franchise, shelled the base.", D2, "al-Qaeda franchise", NUSRA),
    ("Fighters attacked Hazzm Movement positions west of the city.", D2, "Hazzm Movement", HAZM),
    ("Harakat Hazm fighters held the old army base.", D2, "Harakat Hazm", HAZM),
    ("Jamal Maarouf, the leader of the Syria Revolutionaries Front, fled.", D2, "Jamal Maarouf", MAAROUF),
    ("SRF commander Jamal Maarouf denied the claims.", D2, "Jamal Maarouf", MAAROUF),
    ("Activists said Nusra was following the Islamic State group.", D2, "Islamic State", ISIS),
    ("The regime dropped barrel bombs on towns north of the city.", D2, "regime", SYRIA),
    ("Nusra militants began attacking IS positions in the mountains.", D3, "IS", ISIS),
    ("Hezbollah and Syrian government troops advanced near the border.", D3, "Hezbollah", HEZBOLLAH),
    ("Hezbollah and Syrian government troops advanced near the border.", D3,
     "Syrian government troops", SYRIA),
    ("Al-Qaeda's representative in Syria vowed to eradicate IS.", D3, "Al-Qaeda", AQ),
    ("Rebels seized ISIS's headquarters in the city.", D4, "ISIS's", ISIS),
    ("The Islamic Front has clashed with the Free Syrian Army (FSA) before.", D4, "FSA", FSA),
    ("The Islamic Front has clashed with the Free Syrian Army (FSA) before.", D4, "Islamic Front", ISLAMIC_FRONT),
    ("The Al-Nusra Front called for a truce between ISIS and its rivals.", D4, "Al-Nusra Front", NUSRA),
    ("Fighting went on between ISIS and the Jaysh al-Mujahideen.", D4, "Jaysh al-Mujahideen", JAM),
    ("The Assad regime gains from rebel infighting, the group said.", D4, "Assad regime", SYRIA),
    ("Jaysh al-Islam shelled regime positions east of the capital.", date(2016, 1, 5), "Jaysh al-Islam", JAI),
    ("The YPG captured a village east of the river.", date(2015, 6, 1), "YPG", YPG),
    ("SDF fighters advanced on the city from the north.", date(2017, 6, 1), "SDF", SDF),
    ("Jabhat Fateh al-Sham fighters joined the battle.", date(2016, 10, 1), "Jabhat Fateh al-Sham", JFS),
    ("HTS took over checkpoints around the city.", date(2018, 2, 20), "HTS", HTS),
    ("Hayat Tahrir al-Sham said it would launch an offensive.", date(2018, 2, 20), "Hayat Tahrir al-Sham", HTS),
    ("The international coalition struck oil facilities.", date(2015, 10, 1), "international coalition", COALITION),
    ("Ahrar al-Sham and Nusra formed the Army of Conquest.", date(2015, 4, 1), "Army of Conquest", CONQUEST),
    ("Shamiyya Front fighters drove the extremists out of the village.", D0, "Shamiyya Front", LEVANT),
]


@pytest.fixture(scope="module")
def matcher() -> ActorMatcher:
    return ActorMatcher(ActorBase.load())


def resolve(
    matcher: ActorMatcher, sentence: str, published: date, surface: str, entities: list[EntitySpan]
) -> str | None:
    start = sentence.index(surface)
    end = start + len(surface)
    for mention in matcher.find(sentence, published=published, entities=entities):
        if mention.start < end and start < mention.end:
            if mention.kind == "person" and mention.resolved_id is None:
                return PERSON
            return mention.resolved_id
    return None


def test_seed_surface_forms_resolve(matcher: ActorMatcher) -> None:
    failures = []
    entities = list(entity_spans([sentence for sentence, _, _, _ in CASES]))
    for (sentence, published, surface, expected), ents in zip(CASES, entities, strict=True):
        got = resolve(matcher, sentence, published, surface, ents)
        if got != expected:
            failures.append(f"{surface!r} ({published}) -> {got!r}, expected {expected!r}: {sentence}")
    rate = 1 - len(failures) / len(CASES)
    print(f"\nseed actor resolution: {len(CASES) - len(failures)}/{len(CASES)} = {rate:.1%}")
    for failure in failures:
        print("  FAIL", failure)
    assert rate >= 0.95, "\n".join(failures)


def test_cases_are_well_formed() -> None:
    assert len(CASES) >= 55
    for sentence, _, surface, _ in CASES:
        assert surface in sentence
