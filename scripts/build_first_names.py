"""Generate ``dbt_project/seeds/first_name_genders.csv``: common given names and the gender
they mostly stand for, so that "Mrs. Clinton" can go to Hillary and "Mr. Clinton" to Bill.

Provenance: no openly licensed name list was at hand offline, so the lists below are written
by the Wirehouse developers (common English-language given names, and given names of people
in the news), under the project's own licence. A name commonly given to both (Taylor, Jordan,
Kelly, ...) is listed with gender ``u``: it must not decide between two people. The lists are
a prior for one rule only (an honorific before a bare surname picks among the full names of
the story) and for ``scripts/top_people.py`` (is a word a given name); extend them here and
rerun.

Output (sorted, ``\\n`` line ends: a rerun is byte-identical): ``first_name,gender`` with
``first_name`` lower case as ``alias_key`` leaves it and ``gender`` ``f``, ``m`` or ``u``
(given to both).

Usage: ``python scripts/build_first_names.py [--out DIR]``.
"""

from __future__ import annotations

import argparse
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

FEMALE = """
abigail ada adele adriana agnes aisha alexandra alexis alice alicia alison amanda amber amelia
amy ana andrea angela angelina angelique ann anna anne annette antonia april ashley audrey
barbara beatrice becky benazir betsy betty beverly brenda bridget brittany camila carla carly
carmen carol caroline carolyn cassandra catherine cathy cecilia charlotte chelsea cheryl
christina christine cindy claire clara claudia colleen connie courtney cynthia daisy dana
danielle daphne darlene deborah debbie debra denise diana diane dianne donna doris dorothy
edith eileen elaine eleanor elena elisabeth elise eliza elizabeth ella ellen eloise emily
emma erica erin esther eva evelyn fatima felicia fiona florence frances francesca gabriela
gail geraldine gina ginger gloria grace gretchen gwen hannah harriet hayley heather heidi
helen helena hilary hillary hope huma ida ingrid irene iris isabel isabella ivana ivanka jacqueline
jane janet janice jasmine jean jeanne jennifer jenny jessica jill joan joanna joanne jodi
josephine joy joyce judith judy julia julie juliet june karen katherine kathleen kathryn
kathy katie katrina kay kayleigh kellyanne kim kimberly kirsten kristen laura lauren laurie
leah lena leslie lillian linda lisa liz lois lorraine lori louise lucy lydia lynn madeleine
madeline maggie marcia margaret maria marian marie marilyn marion marjorie marsha martha mary
maureen maxine megan megyn melania melanie melinda melissa meredith michele michelle mildred
miranda molly monica nadia nancy naomi natalie natasha nicola nicole nikki nina nora norma
olivia pamela patricia paula pauline peggy penny phyllis priscilla rachel rebecca regina
renee rita roberta rosa rosalind rose rosemary ruth sabrina sally samantha sandra sara sarah
sharon sheila shirley sonia sophia sophie stacey stephanie susan susanna suzanne sylvia tamara
tammy tanya teresa theresa tiffany tina tracy ursula valerie vanessa vera veronica victoria
virginia wanda wendy yolanda yvonne zoe
"""

MALE = """
aaron abdul abraham adam adrian ahmed al alan albert alberto alex alexander alfred ali allen
alvin andre andrew andy angus anthony antonio arnold arthur barack barry ben benjamin bernard
bernie bill billy bob bobby boris brad bradley brandon brendan brent brett brian bruce bryan
bud byron calvin carl carlos charles charlie chester chris christopher chuck clarence claude
clifford clint clinton cody colin corey craig curtis dale dan daniel danny darrell dave david
dean dennis derek devin dick don donald doug douglas duane dwight earl ed eddie edgar edward
edwin elijah elliot emmanuel eric ernest eugene evan felix fernando francis francisco frank
franklin fred frederick gary gavin gene geoffrey george gerald gilbert glenn gordon graham
greg gregory harold harry harvey hector henry herbert herman howard hugh hugo ian isaac ivan
jack jacob jake james jared jason javier jay jeb jeff jeffrey jeremy jerome jerry jesse jim
jimmy joe joel john johnny jon jonathan jorge jose joseph josh joshua juan julian justin karl
keith ken kenneth kevin kurt lamar lance larry lawrence lee len leo leon leonard lester lewis
lincoln lloyd louis lucas luis luke malcolm manuel marco marcus mario mark martin marvin
matt matthew maurice max melvin michael miguel mike mitch mitchell mitt mohammed muhammad
nathan neil nelson nicholas nick nigel noah norman oliver omar oscar owen pablo patrick paul
pedro peter phil philip pierre rafael ralph rand randall randy raul ray raymond reggie reince
reginald rex richard rick rob robert roberto roger roland ron ronald ronnie ross roy rudy
russell ryan sam samuel scott sean sergei sergio seth shawn sidney simon stanley stephen steve
steven stuart ted terry theodore thomas tim timothy todd tom tommy tony travis trent troy
tyler victor vincent vladimir wade walter warren wayne wesley willard william willie wilson
zachary
"""


# Given to both: a given name all the same (scripts/top_people.py asks), of no gender.
BOTH = """
avery cameron casey drew jamie jordan kelly kendall lindsey morgan quinn riley robin taylor
"""


def rows() -> list[tuple[str, str]]:
    female, male, both = set(FEMALE.split()), set(MALE.split()), set(BOTH.split())
    both |= female & male  # a name given to both decides nothing
    return sorted([(n, "f") for n in female - both] + [(n, "m") for n in male - both]
                  + [(n, "u") for n in both])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "dbt_project" / "seeds")
    args = parser.parse_args()
    lines = ["first_name,gender"] + [f"{n},{g}" for n, g in rows()]
    (args.out / "first_name_genders.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
