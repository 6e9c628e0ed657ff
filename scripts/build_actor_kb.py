"""Generate the actor knowledge-base seeds from the PETRARCH2 / Phoenix dictionaries.

Sources (``--reference``, default ``/work/shared/reference/petrarch2``; see its README):

* ``Phoenix.Countries.actors.txt`` -- people and national bodies with dated roles
  (CountryInfo, CC BY-SA 3.0, via Phoenix, MIT);
* ``Phoenix.International.actors.txt`` -- international bodies, NGOs, companies;
* ``Phoenix.MilNonState.actors.txt`` -- armed non-state groups;
* ``Phoenix.agents.txt`` -- generic role words -> sector;
* ``scripts/actor_kb_supplement.txt`` (ours, same TABARI format) -- actors and roles the
  dictionaries miss because they stop in early 2014 (read last: its roles add to an entry's;
  a name form it lists is its entry's alone, so a dictionary entry that lumps two bodies
  together -- "FBI" with "DEA" -- loses the form the supplement gives its own entry).

Outputs in ``dbt_project/seeds/`` (sorted, ``\\n`` line ends: a rerun is byte-identical):

``kb_actors.csv`` -- ``kb_id,actor_name,actor_type,source``: one row per KB actor. ``kb_id``
  is a hash of the normalised primary name, so it is stable across reruns and dictionary
  versions. Entries coded only by a bare country (``AFGHANISTAN_ [AFG]``) are countries and
  stay the gazetteer's business (``country_aliases``): they are left out.
``kb_actor_aliases.csv`` -- ``alias_key,kb_id``: every name form, normalised with
  ``alias_key`` (the SQL in ``stg_news__actor_cues`` computes the same key for a mention).
``kb_actor_roles.csv`` -- ``kb_id,role_code,country_iso3,sector,valid_from,valid_to``:
  one row per dated role, ``valid_from``/``valid_to`` inclusive, empty when open.
``kb_agents.csv`` -- ``agent_key,sector``: generic agent words ("soldier" -> MIL).

Codes. A CAMEO actor code is a 3-letter country (or IGO/NGO/IMG/MNC) followed by 3-letter
sector codes; the first one we know becomes ``sector``, mapped onto the project's sector
list (CAMEO MED "media" -> JRN, HLH "health" -> MED, religions -> REL, UAF -> MIL, INS/SEP
-> REB, HRI/ENV/DEV -> NGO when they stand for the body). ``country_iso3`` is null for
international codes and for codes that are no ISO3 in ``country_gazetteer``.

Dates: ``YYMMDD`` (years <= 30 are 20yy) or ``YYYYMMDD``; an impossible date drops the role.

Usage: ``python scripts/build_actor_kb.py [--reference DIR] [--out DIR]``.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

# the name key the seeds are keyed on; extract/ matches names with the same function
from extract.actor_seeds import alias_key

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_REFERENCE = Path("/work/shared/reference/petrarch2")
SUPPLEMENT = ROOT / "scripts" / "actor_kb_supplement.txt"
ACTOR_FILES = (
    ("Phoenix.Countries.actors.txt", "countries"),
    ("Phoenix.International.actors.txt", "international"),
    ("Phoenix.MilNonState.actors.txt", "milnonstate"),
)

# CAMEO sector code -> the project's sector (the accepted values of the marts' yml).
SECTORS = {
    "GOV": "GOV", "MIL": "MIL", "REB": "REB", "OPP": "OPP", "COP": "COP", "JUD": "JUD",
    "LEG": "LEG", "BUS": "BUS", "CVL": "CVL", "REF": "REF", "LAB": "LAB", "EDU": "EDU",
    "ELI": "ELI", "PTY": "PTY", "SPY": "SPY", "AGR": "AGR", "CRM": "CRM",
    "MED": "JRN", "HLH": "MED", "UAF": "MIL", "INS": "REB", "SEP": "REB",
    "REL": "REL", "MUS": "REL", "CHR": "REL", "JEW": "REL", "HIN": "REL", "BUD": "REL",
    "CTH": "REL", "HRI": "NGO", "ENV": "NGO", "DEV": "NGO", "MNC": "BUS",
}
RELIGIONS = frozenset({"REL", "MUS", "CHR", "JEW", "HIN", "BUD", "CTH"})
INTERNATIONAL = {"IGO": "IGO", "NGO": "NGO", "IMG": "REB", "MNC": "BUS"}
HONORIFICS = ("mr", "mrs", "ms", "dr", "sir", "madam")
SMALL_WORDS = frozenset({"of", "the", "and", "for", "in", "on", "de", "al", "el", "bin", "to"})


# ---------------------------------------------------------------- normalisation


def display_name(phrase: str) -> str:
    """"VLADIMIR_PUTIN_" -> "Vladimir Putin"; acronyms ("U.N.", "NATO") stay upper case."""
    # No double quotes: dbt-duckdb reads seeds with DuckDB's CSV sniffer, which does not
    # detect "" escapes.
    words = phrase.replace('"', "").strip("_ ").replace("_", " ").split()
    if words and words[0].lower() == "the":
        words = words[1:]
    out = []
    for i, word in enumerate(words):
        low = word.lower()
        if "." in word or (len(word) <= 4 and not re.search(r"[AEIOUY]", word)):
            out.append(word)  # an acronym or initials
        elif i and low in SMALL_WORDS:
            out.append(low)
        else:
            out.append("-".join(part[:1].upper() + part[1:] for part in low.split("-")))
    return " ".join(out)


def kb_id_of(phrase: str) -> str:
    return "kb_" + hashlib.sha1(alias_key(without_acronym(phrase)).encode()).hexdigest()[:16]


ACRONYM_RE = re.compile(r"_*\(([^)]*)\)_*")


def without_acronym(phrase: str) -> str:
    """"MORO_ISLAMIC_LIBERATION_FRONT_(MILF)_" -> "MORO_ISLAMIC_LIBERATION_FRONT_"."""
    return ACRONYM_RE.sub("_", phrase).strip()


def name_forms(phrase: str) -> list[str]:
    """A phrase and, when it ends in a parenthesised acronym, the name and the acronym."""
    m = ACRONYM_RE.search(phrase)
    if not m:
        return [phrase]
    return [without_acronym(phrase), m.group(1)]


INITIALS_RE = re.compile(r"(?<!\S)([a-z])((?: [a-z])+)(?!\S)")


def joined_initials(key: str) -> str:
    """A person's name key with its run of initials written together: the dictionary's
    "GEORGE_H._W._BUSH" is "george h w bush", the news's "George H.W. Bush" "george hw bush"
    (``alias_key`` drops the periods and so joins initials written without a space). A key of
    initials only stays as it is."""
    if all(len(word) == 1 for word in key.split()):
        return key
    return INITIALS_RE.sub(lambda m: m.group(1) + m.group(2).replace(" ", ""), key)


def without_initials(key: str) -> str:
    """A name key without its middle initials, as ``int_mentions_resolved`` keys a person
    ("george h w bush" -> "george bush")."""
    return re.sub(r" [a-z](?= )", "", key)


def person_display(entry: Entry, initialed: set[str]) -> str:
    """A person's display name: the dictionary's name, but when another KB person has the
    same name with middle initials ("George W. Bush" beside the dictionary's "George Bush"),
    this person's own form with initials ("George H. W. Bush"), if the entry lists one: a
    name that tells the two apart in ``dim_actors``."""
    name = display_name(without_acronym(entry.phrase))
    key = alias_key(name)
    if key not in initialed:
        return name
    for phrase in entry.synonyms:
        form = alias_key(without_acronym(phrase))
        if form != key and without_initials(form) == key:
            return display_name(without_acronym(phrase))
    return name


# ---------------------------------------------------------------- parsing


@dataclass
class Role:
    code: str
    valid_from: dt.date | None
    valid_to: dt.date | None


@dataclass
class Entry:
    phrase: str
    source: str
    comment: str = ""
    synonyms: list[str] = field(default_factory=list)
    roles: list[Role] = field(default_factory=list)


CODE_RE = re.compile(r"\[([^\]]*)\]")


def parse_date(text: str) -> dt.date | None:
    text = text.strip()
    if len(text) == 6 and text.isdigit():
        year = int(text[:2])
        text = f"{2000 + year if year <= 30 else 1900 + year}{text[2:]}"
    if len(text) != 8 or not text.isdigit():
        raise ValueError(text)
    return dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))


def parse_code(body: str) -> Role | None:
    """"UKRGOV > 20140607" -> Role("UKRGOV", 2014-06-07, None); None for "---" or bad dates."""
    body = body.strip()
    if not body or body.startswith("~") or body.endswith("~"):
        return None
    code, _, rest = body.partition(" ")
    if not re.fullmatch(r"[A-Z]{3,}", code):
        return None
    rest = rest.replace(" ", "")
    try:
        if not rest:
            return Role(code, None, None)
        if rest.startswith(">"):
            return Role(code, parse_date(rest[1:]), None)
        if rest.startswith("<"):
            return Role(code, None, parse_date(rest[1:]))
        start, _, end = rest.partition("-")
        return Role(code, parse_date(start), parse_date(end))
    except ValueError:
        return None


def parse_actors(path: Path, source: str) -> list[Entry]:
    entries: list[Entry] = []
    current: Entry | None = None
    for raw in path.read_text(encoding="utf-8", errors="replace").splitlines():
        line, _, comment = raw.partition("#")
        if not line.strip():
            continue
        codes = [r for r in map(parse_code, CODE_RE.findall(line)) if r]
        phrase = CODE_RE.sub("", line).strip()
        if line[:1] in (" ", "\t"):  # a code line of the current entry
            if current is not None:
                current.roles.extend(codes)
            continue
        if phrase.startswith("+"):
            if current is not None:
                current.synonyms.extend(p for p in phrase[1:].split("+") if p.strip())
                current.roles.extend(codes)
            continue
        current = Entry(phrase.replace(" ", "_"), source, comment.strip(), [], codes)
        entries.append(current)
    return entries


def parse_agents(path: Path) -> dict[str, str]:
    """Agent phrase key -> project sector; ``!SET!`` words expanded."""
    sets: dict[str, list[str]] = {}
    out: dict[str, str] = {}
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    for raw in lines:
        line = raw.partition("#")[0].strip()
        m = re.fullmatch(r"!(\w+)!\s*=\s*(.+)", line)
        if m:
            sets[m.group(1)] = [w.strip() for w in m.group(2).split(",") if w.strip()]
    for raw in lines:
        line = raw.partition("#")[0].strip()
        m = re.fullmatch(r"(.+?)\s*(?:\{[^}]*\})?\s*\[~([A-Z]{3})[A-Z]*\]", line)
        if not m or "=" in line or m.group(2) not in SECTORS:
            continue
        phrases = [m.group(1).replace(" ", "")]
        for name, words in sets.items():
            token = f"!{name}!"
            phrases = [p.replace(token, "_" + w + "_", 1) for p in phrases for w in words] \
                if any(token in p for p in phrases) else phrases
        for phrase in phrases:
            key = alias_key(phrase)
            if key and "!" not in key:
                out.setdefault(key, SECTORS[m.group(2)])
    return out


# ---------------------------------------------------------------- building


def role_fields(code: str, countries: set[str]) -> tuple[str | None, str | None]:
    """(country_iso3, sector) of a CAMEO actor code."""
    head, rest = code[:3], code[3:]
    chunks = [rest[i:i + 3] for i in range(0, len(rest) - 2, 3)]
    # In an actor code a religion is a descriptor (IMGSEAMUS: a Muslim armed group), not
    # the sector; only a religious body's code starts with REL.
    sector = next((SECTORS[c] for c in chunks if c in SECTORS
                   and (c not in RELIGIONS or c == chunks[0] == "REL")), None)
    if head in INTERNATIONAL:
        return None, sector or INTERNATIONAL[head]
    return (head if head in countries else None), sector


def is_country_entry(entry: Entry) -> bool:
    """A country (or a state in its time: "IRAQ_ [IRQ <030320]"): only bare country codes."""
    return bool(entry.roles) and all(len(r.code) == 3 for r in entry.roles) \
        and entry.source == "countries" and "CountryInfo" not in entry.comment


def actor_type(entry: Entry) -> str:
    """CountryInfo's entries are people; elsewhere an entry with dated roles and a short name
    is a person, unless a code makes it a body (IGO, NGO, armed group, company)."""
    if entry.source == "countries" and "CountryInfo" in entry.comment:
        return "person"
    if any(r.code[:3] in INTERNATIONAL for r in entry.roles):
        return "organisation"
    if any(r.valid_from or r.valid_to for r in entry.roles) and len(entry.phrase.split("_")) <= 5:
        return "person"
    return "organisation"


def build(reference: Path, supplement: Path, seeds: Path) -> dict[str, int]:
    countries = {r["iso3"] for r in csv.DictReader((seeds / "country_gazetteer.csv").open())}
    country_words = {r["alias"] for r in csv.DictReader((seeds / "country_aliases.csv").open())}
    entries: list[Entry] = []
    for name, source in ACTOR_FILES:
        entries += parse_actors(reference / name, source)
    if supplement.exists():
        entries += parse_actors(supplement, "supplement")

    merged: dict[str, Entry] = {}
    claimed: dict[str, str] = {}  # name key -> the supplement entry that owns it
    for entry in entries:
        name = alias_key(without_acronym(entry.phrase))
        # Countries are the gazetteer's (country_aliases): "Gaza", "the White House" too.
        if not entry.roles or is_country_entry(entry) or not name or name in country_words:
            continue
        kb_id = kb_id_of(entry.phrase)
        if entry.source == "supplement":
            for form in (f for phrase in (entry.phrase, *entry.synonyms)
                         for f in name_forms(phrase)):
                claimed[alias_key(form)] = kb_id
        if kb_id in merged:  # the same actor listed twice (or updated by the supplement)
            merged[kb_id].synonyms += [entry.phrase, *entry.synonyms]
            merged[kb_id].roles += entry.roles
            if entry.source == "supplement" and "person" in entry.comment:
                merged[kb_id].comment = "CountryInfo person"
        else:
            merged[kb_id] = entry
            if entry.source == "supplement" and "person" in entry.comment:
                entry.comment = "CountryInfo person"
                entry.source = "countries"

    actors, aliases, roles = [], set(), set()
    joined_forms: set[tuple[str, str]] = set()
    # people the KB names with middle initials, keyed without them ("george w bush")
    initialed = {bare for entry in merged.values() if actor_type(entry) == "person"
                 and (bare := without_initials(key := alias_key(without_acronym(entry.phrase))))
                 != key}
    for kb_id, entry in merged.items():
        keys = {key for phrase in (entry.phrase, *entry.synonyms) for f in name_forms(phrase)
                if len(key := alias_key(f)) > 1 and claimed.get(key, kb_id) == kb_id}
        if not keys:  # every name it had is a supplement entry's now
            continue
        if actor_type(entry) == "person":
            joined_forms.update((joined, kb_id) for key in keys
                                if (joined := joined_initials(key)) != key)
        aliases.update((key, kb_id) for key in keys)
        actors.append((kb_id, person_display(entry, initialed) if actor_type(entry) == "person"
                       else display_name(without_acronym(entry.phrase)), actor_type(entry),
                       entry.source))
        for role in entry.roles:
            country, sector = role_fields(role.code, countries)
            roles.add((kb_id, role.code, country or "", sector or "",
                       role.valid_from.isoformat() if role.valid_from else "",
                       role.valid_to.isoformat() if role.valid_to else ""))

    # initials written together ("george hw bush"), unless another actor has the name so
    # written: the dictionary lists some people twice ("PJ_PATTERSON", "P._J._PATTERSON")
    taken = {key for key, _ in aliases}
    aliases.update(form for form in joined_forms if form[0] not in taken)
    agents = parse_agents(reference / "Phoenix.agents.txt")
    _write(seeds / "kb_actors.csv", ("kb_id", "actor_name", "actor_type", "source"),
           sorted(actors))
    _write(seeds / "kb_actor_aliases.csv", ("alias_key", "kb_id"), sorted(aliases))
    _write(seeds / "kb_actor_roles.csv",
           ("kb_id", "role_code", "country_iso3", "sector", "valid_from", "valid_to"),
           sorted(roles))
    _write(seeds / "kb_agents.csv", ("agent_key", "sector"), sorted(agents.items()))
    return {"actors": len(actors), "aliases": len(aliases), "roles": len(roles),
            "agents": len(agents)}


def _write(path: Path, header: tuple[str, ...], rows: list[tuple]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reference", type=Path, default=DEFAULT_REFERENCE)
    parser.add_argument("--supplement", type=Path, default=SUPPLEMENT)
    parser.add_argument("--out", type=Path, default=ROOT / "dbt_project" / "seeds")
    args = parser.parse_args()
    counts = build(args.reference, args.supplement, args.out)
    print(", ".join(f"{v} {k}" for k, v in counts.items()))


if __name__ == "__main__":
    main()
