"""The most mentioned people of a warehouse and every name form they appear with.

Checks the actor resolution on a backfilled archive (issue 12: "the 20 most mentioned people
are one actor each under every name form, with the right country"). Reads the published
marts (``fct_actor_mentions``, ``dim_actors``) of ``$WIREHOUSE_HOME`` (or ``--db``).

A person is taken by name, not by actor_id, so the count does not depend on the resolution
it measures: the name forms of "Donald Trump" are the mention texts (any entity label) whose
name key is the surname ("Trump", "Mr. Trump's") or ends with the surname and holds the
first name ("Billionaire Donald Trump", "Donald J. Trump"). A bare surname another person
of the list shares ("Clinton") is counted for both.

Prints, per person: the mentions, the actor_ids over all those forms, then each form with
its actor_id(s) and the country they are coded to; last, the total of actor_ids and the
share of person mentions (entity label PERSON, named) that resolve to a KB actor.

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
from build_actor_kb import alias_key


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
    args = parser.parse_args()

    import duckdb

    con = duckdb.connect(str(args.db), read_only=True)
    people = args.people or [r[0] for r in con.execute(
        "select actor_name from dim_actors where actor_type = 'person' and actor_name like '% %'"
        " order by n_mentions desc, actor_name limit ?", [args.top]).fetchall()]
    rows = con.execute(
        "select mention_text, actor_id, coalesce(country_iso3, '-') from fct_actor_mentions"
        " where mention_kind = 'named'").fetchall()
    by_form: dict[str, list[tuple[str, str]]] = {}
    for text, actor_id, iso3 in rows:
        by_form.setdefault(alias_key(text), []).append((actor_id, iso3))
    names = dict(con.execute("select actor_id, actor_name from dim_actors").fetchall())

    total = 0
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
        main_id = max(ids, key=ids.get) if ids else None
        countries: dict[str, int] = {}
        for f in forms:
            for actor_id, iso3 in by_form[f]:
                if actor_id == main_id:
                    countries[iso3] = countries.get(iso3, 0) + 1
        share = ids[main_id] / n if main_id else 0.0
        print(f"{person:<24} {n:>6} mentions {len(forms):>4} forms {len(ids):>3} actor_ids; "
              f"main actor {names.get(main_id, '?')!r} {share:.2f} of mentions, "
              f"countries {dict(sorted(countries.items(), key=lambda kv: -kv[1]))}")
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
    print(f"person mentions resolving to a KB actor: {kb[0]}/{kb[1]} = {kb[0] / kb[1]:.1%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
