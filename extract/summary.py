"""A short report read from the published marts (what ``make run`` prints at the end)."""

from __future__ import annotations

from extract.config import Settings

EXAMPLE_QUERY = """select relation_date, country_a, country_b, n_articles, n_sentences
from fct_country_relations order by n_sentences desc limit 10;"""


def print_summary(settings: Settings) -> None:
    import duckdb

    path = settings.published_dir / "wirehouse.duckdb"
    if not path.exists():
        print(f"No published marts yet at {path}: run `wirehouse run` first.")
        return
    with duckdb.connect(str(path), read_only=True) as con:
        tables = [r[0] for r in con.execute(
            "select table_name from information_schema.tables order by table_name").fetchall()]
        print("Marts (rows):")
        for name in tables:
            count = con.execute(f"select count(*) from {name}").fetchall()[0][0]
            print(f"  {name:<28} {count:>8}")
        if "dim_actors" in tables:
            # Canonical actors (one row per person or body, every name form counted): named
            # people and organisations first, countries would fill the whole list.
            print("\nTop people and organisations (canonical actors; KB = in the actor KB):")
            for name, kind, country, sector, n, forms, in_kb in con.execute(
                "select actor_name, actor_type, coalesce(country_iso3, '-'), "
                "coalesce(primary_sector, '-'), n_mentions, n_name_forms, is_in_kb "
                "from dim_actors where actor_type in ('person', 'organisation') "
                "order by n_mentions desc, actor_name limit 10"
            ).fetchall():
                print(f"  {name:<28} {kind:<13} {country:<4} {sector:<4} {n:>5} mentions, "
                      f"{forms} name forms{' KB' if in_kb else ''}")
            print("\nTop countries (mentions):")
            for name, country, n in con.execute(
                "select actor_name, country_iso3, n_mentions from dim_actors "
                "where actor_type = 'country' order by n_mentions desc, actor_name limit 5"
            ).fetchall():
                print(f"  {name:<32} {country:<4} {n:>5}")
        if "dim_agents" in tables:
            print("\nTop generic agents (country x sector, mentions):")
            for name, role, n in con.execute(
                "select agent_name, coalesce(top_role, '-'), n_mentions from dim_agents "
                "order by n_mentions desc, agent_name limit 5"
            ).fetchall():
                print(f"  {name:<32} {role:<16} {n:>5}")
        if "fct_country_relations" in tables:
            print("\nTop country pairs (stories, sentences, cooperation, conflict):")
            for a, b, n_art, n_sent, coop, conf in con.execute(
                "select country_a, country_b, sum(n_articles) as n_art, sum(n_sentences), "
                "sum(n_cooperation), sum(n_conflict) "
                "from fct_country_relations group by all order by n_art desc, 4 desc, 1, 2 "
                "limit 10"
            ).fetchall():
                print(f"  {a}-{b}  {n_art:>4} {n_sent:>5} {coop:>5} {conf:>5}")
    print(f"\nWarehouse (read-write, the pipeline's): {settings.db_path}")
    print(f"Published marts (read-only, for SQL clients): {path}")
    query = " ".join(EXAMPLE_QUERY.split())
    print(
        "Example query (any DuckDB client, read-only):\n"
        f"  .venv/bin/python -c \"import duckdb; "
        f"duckdb.connect('{path}', read_only=True).sql('{query}').show()\""
    )
