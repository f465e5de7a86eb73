"""Chinese keyword search without a tokenizer: single characters and character pairs (R-LIST-7).

A listing stores the unigrams and bigrams of its searchable text (`search_grams`); on
PostgreSQL a GIN index over them finds the candidates for any substring — even one character
like 茶, which a trigram index cannot serve — and a LIKE on the text confirms the exact match.
"""

import re

WORD = re.compile(r"\w+")


def normalise(text: str) -> str:
    return (text or "").lower()


def text_grams(text: str) -> str:
    """Space-separated unique unigrams and bigrams of every run of word characters."""
    grams: dict[str, None] = {}
    for run in WORD.findall(normalise(text)):
        for i, char in enumerate(run):
            grams[char] = None
            if i + 1 < len(run):
                grams[run[i : i + 2]] = None
    return " ".join(grams)


def query_grams(query: str) -> list[str]:
    """The grams every match must contain: the character itself, or each pair of characters."""
    grams: dict[str, None] = {}
    for run in WORD.findall(normalise(query)):
        if len(run) == 1:
            grams[run] = None
        for i in range(len(run) - 1):
            grams[run[i : i + 2]] = None
    return list(grams)


def tsquery(grams: list[str]) -> str:
    """A tsquery of literal lexemes ('a' & 'b'); grams hold word characters only."""
    return " & ".join("'" + g.replace("'", "''") + "'" for g in grams)
