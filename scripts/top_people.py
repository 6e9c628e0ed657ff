"""The most mentioned people of a warehouse and every name form they appear with.

Checks the actor resolution on a backfilled archive (issue 12: "the 20 most mentioned people
are one actor each under every name form, with the right country"). Reads the published
marts (``fct_actor_mentions``, ``dim_actors``) of ``$WIREHOUSE_HOME`` (or ``--db``).

A person is taken by name, not by actor_id, so the count does not depend on the resolution
it measures: the name forms of "Donald Trump" are the texts of the mentions coded as a
person -- labelled PERSON (after extraction undid NER's label errors on people: "Rubio"
tagged FAC beside "Marco Rubio") or resolved to a person actor (a headline NER tagged ORG
whole) -- so that a place left a place ("Carson, Calif.") is no form of Ben Carson, while a
place wrongly linked to a person still counts against the resolution; forms are those
whose name key is the surname ("Trump", "Mr. Trump's") or ends with the surname and holds the
first name ("Billionaire Donald Trump", "Donald J. Trump"). A bare surname another person
of the list shares ("Clinton") is counted for both.

Prints, per person: the mentions, the actor_ids over all those forms, then each form with
its actor_id(s) and the country they are coded to; last, the total of actor_ids and the
share of person mentions (entity label PERSON, named) that resolve to a KB actor.

The total flatters nothing but also blames the resolution for other people who share the
surname ("Clinton" of Bill for Hillary). So the actor_ids of a person are split three ways:
``own`` -- the id most of the person's full-name forms (first name and surname) resolve to;
``other`` -- other real people: a person actor whose name is a given name (a KB given name
or one of ``first_name_genders``) and the same surname, whose given names are not the
person's (nor a subset of them: "George Bush" for George W. Bush is no other person, "Hilary"
within two edits of "Hillary" neither; two names that both give middle names are one person
when their initials agree, else two: George H. W. and George W. Bush), and which the KB knows or the
archive names in full;
``wrong`` -- the rest: duplicates of the person, junk forms ("Derelict Obama", "Obama White
House"), bare-surname actors (also an ambiguous "Bush" left unresolved, listed as
``ambiguous``), mislabelled spans ("Rubio" tagged FAC). The target is 0 wrong ids with the
right country on the own id.

Usage: ``python scripts/top_people.py [--db PATH] [--top 20] [--people "Donald Trump" ...]``
(the top N named people of ``dim_actors`` by default; pass ``--people`` to compare two
warehouses on the same list).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

# the same name key the KB seeds were built with (macros/alias_key.sql computes it in SQL)
from build_actor_kb import ROOT, alias_key


def given_names() -> frozenset[str]:
    """KB people's first names and the first-name seed's: what a person's first name is."""
    import csv

    from extract.actor_seeds import kb_people

    with (ROOT / "dbt_project" / "seeds" / "first_name_genders.csv").open(encoding="utf-8") as f:
        seeded = {r["first_name"] for r in csv.DictReader(f)}
    return kb_people()[0] | seeded


def edit_distance(a: str, b: str) -> int:
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def is_other_person(name_key: str, person_key: str, given: frozenset[str],
                    in_full: bool) -> bool:
    """Whether the actor named ``name_key`` is another real person than ``person_key``
    who shares the surname (see the module doc)."""
    words, mine = name_key.split(), person_key.split()
    if len(words) < 2 or words[-1] != mine[-1] or words[0] not in given or not in_full:
        return False
    # both give middle names: the same initials are one person ("George Walker Bush"),
    # others two (George H. W. and George W. Bush, though one name's words hold the other's)
    # (a word of one or two letters is initials written together: "hw" of "George H.W. Bush")
    middles = ["".join(w if len(w) <= 2 else w[0] for w in name[1:-1]) for name in (words, mine)]
    if all(middles):
        return middles[0] != middles[1] or words[0] != mine[0]
    theirs, own = set(words[:-1]), set(mine[:-1])
    if theirs <= own or own <= theirs:
        return False
    return not (len(words) == 2 and edit_distance(words[0], mine[0]) <= 2)


def is_form_of(form_key: str, first: str, surname: str) -> bool:
    words = form_key.split()
    if not words or words[-1] != surname:
        return False
    return len(words) == 1 or first in words[:-1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    home = Path(os.environ.get("WIREHOUSE_HOME", "."))
    parser.add_argument("--db", type=Path, default=home / "published" / "wirehouse.duckdb")
    parser.add_argument("--top", type=int, default=20)
    parser.add_argument("--people", nargs="*", help="full names (default: the top N)")
    parser.add_argument("--forms", action="store_true", help="list every name form")
    parser.add_argument("--country", default="USA",
                        help="the right country of the own ids, unless --expect says other")
    parser.add_argument("--expect", nargs="*", default=["Vladimir Putin=RUS"],
                        help="NAME=ISO3: a person's right country where it is not --country")
    args = parser.parse_args()

    import duckdb

    con = duckdb.connect(str(args.db), read_only=True)
    people = args.people or [r[0] for r in con.execute(
        "select actor_name from dim_actors where actor_type = 'person' and actor_name like '% %'"
        " order by n_mentions desc, actor_name limit ?", [args.top]).fetchall()]
    rows = con.execute(
        "select mention_text, actor_id, coalesce(country_iso3, '-') from fct_actor_mentions"
        " where mention_kind = 'named'"
        " and (entity_label = 'PERSON' or actor_type = 'person')").fetchall()
    by_form: dict[str, list[tuple[str, str]]] = {}
    for text, actor_id, iso3 in rows:
        by_form.setdefault(alias_key(text), []).append((actor_id, iso3))
    names = dict(con.execute("select actor_id, actor_name from dim_actors").fetchall())
    types = dict(con.execute("select actor_id, actor_type from dim_actors").fetchall())
    # actors the KB knows, or that some mention names in full (a two-word name key)
    in_full = {r[0] for r in con.execute(
        "select distinct actor_id from fct_actor_mentions where mention_kind = 'named'"
        " and (kb_id is not null or (entity_label = 'PERSON' and mention_text like '% %'))"
    ).fetchall()}
    given = given_names()

    total = 0
    totals = {"own": 0, "other": 0, "wrong": 0, "ambiguous": 0}
    right_country = 0
    for person in people:
        words = alias_key(person).split()
        first, surname = words[0], words[-1]
        forms = sorted(f for f in by_form if is_form_of(f, first, surname))
        ids: dict[str, int] = {}
        for f in forms:
            for actor_id, _ in by_form[f]:
                ids[actor_id] = ids.get(actor_id, 0) + 1
        total += len(ids)
        n = sum(ids.values())
        full_ids: dict[str, int] = {}
        for f in forms:
            if len(f.split()) > 1:
                for actor_id, _ in by_form[f]:
                    full_ids[actor_id] = full_ids.get(actor_id, 0) + 1
        main_id = max(full_ids or ids, key=(full_ids or ids).get) if ids else None
        split: dict[str, list[str]] = {"own": [], "other": [], "wrong": [], "ambiguous": []}
        for actor_id in ids:
            key = alias_key(names.get(actor_id, ""))
            if actor_id == main_id:
                kind = "own"
            elif types.get(actor_id) == "person" and is_other_person(
                    key, alias_key(person), given, actor_id in in_full):
                kind = "other"
            elif key == surname and sum(
                    1 for k in {alias_key(n) for a, n in names.items() if a in in_full
                                and types.get(a) == "person"}
                    if len(k.split()) > 1 and k.split()[-1] == surname
                    and k.split()[0] in given) > 1:
                kind = "ambiguous"  # a bare surname several real people share
            else:
                kind = "wrong"
            split[kind].append(actor_id)
        for kind, found in split.items():
            totals[kind] += len(found)
        countries: dict[str, int] = {}
        for f in forms:
            for actor_id, iso3 in by_form[f]:
                if actor_id == main_id:
                    countries[iso3] = countries.get(iso3, 0) + 1
        share = ids[main_id] / n if main_id else 0.0
        top_country = max(countries, key=countries.get) if countries else "-"
        expected = dict(e.split("=", 1) for e in args.expect).get(person, args.country)
        right_country += top_country == expected
        print(f"{person:<24} {n:>6} mentions {len(forms):>4} forms {len(ids):>3} actor_ids; "
              f"main actor {names.get(main_id, '?')!r} {share:.2f} of mentions, "
              f"countries {dict(sorted(countries.items(), key=lambda kv: -kv[1]))}")
        wrong = split["wrong"] + split["ambiguous"]
        print(f"    own 1, other people {len(split['other'])}, wrong {len(wrong)}"
              + (": " + ", ".join(f"{names.get(a, a)!r} x{ids[a]}"
                                  + (" (ambiguous)" if a in split["ambiguous"] else "")
                                  for a in wrong) if wrong else ""))
        if args.forms:
            for f in forms:
                per: dict[tuple[str, str], int] = {}
                for actor_id, iso3 in by_form[f]:
                    per[names.get(actor_id, actor_id), iso3] = per.get(
                        (names.get(actor_id, actor_id), iso3), 0) + 1
                print(f"    {f!r:<40} " + "; ".join(f"{a} {c} x{k}" for (a, c), k in
                                                    sorted(per.items(), key=lambda kv: -kv[1])))
    kb = con.execute(
        "select count(*) filter (where kb_id is not null), count(*) from fct_actor_mentions"
        " where mention_kind = 'named' and entity_label = 'PERSON'").fetchone()
    print(f"\nactor_ids over the {len(people)} people's name forms: {total}")
    print(f"split: own {totals['own']}, other people {totals['other']}, "
          f"wrong {totals['wrong'] + totals['ambiguous']} (of which ambiguous bare surnames "
          f"left unresolved {totals['ambiguous']}); own id mostly coded the right country: "
          f"{right_country}/{len(people)}")
    print(f"person mentions resolving to a KB actor: {kb[0]}/{kb[1]} = {kb[0] / kb[1]:.1%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
