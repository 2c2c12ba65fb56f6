"""200 realistic search terms typed at a Honduran front desk (1–12 characters)."""

from __future__ import annotations

import random

NAMES = [
    "maria",
    "jose",
    "juan",
    "ana",
    "carlos",
    "luis",
    "rosa",
    "karla",
    "fernando",
    "gabriela",
    "lopez",
    "perez",
    "martinez",
    "hernandez",
    "rodriguez",
    "garcia",
    "mejia",
    "flores",
    "castillo",
    "munoz",
    "nunez",
    "zuniga",
    "banegas",
    "reyes",
    "cruz",
    "ordonez",
    "pena",
]
ACCENTED = [
    "pérez",
    "muñoz",
    "martínez",
    "hernández",
    "núñez",
    "zúñiga",
    "ordóñez",
    "peña",
    "josé",
    "maría",
    "rodríguez",
    "garcía",
    "mejía",
]
PAIRS = [
    "maria lopez",
    "juan perez",
    "jose martinez",
    "ana garcia",
    "carlos mejia",
    "rosa flores",
    "luis reyes",
    "karla cruz",
]


def build_terms(count: int = 200, seed: int = 7) -> list[str]:
    """Prefixes as a receptionist types them, full words, accents, phones and DNI parts."""
    rng = random.Random(seed)
    terms: list[str] = []
    for word in NAMES[:12]:
        terms.extend(word[:n] for n in range(1, len(word) + 1))  # each keystroke
    terms.extend(NAMES)
    terms.extend(ACCENTED)
    terms.extend(PAIRS)
    terms.extend(w.upper() for w in NAMES[:6])
    while len(terms) < count:
        kind = rng.random()
        if kind < 0.35:  # phone fragments
            terms.append(
                rng.choice("3789")
                + "".join(rng.choice("0123456789") for _ in range(rng.randint(2, 7)))
            )
        elif kind < 0.6:  # DNI fragments: department+municipality, then year
            dept = rng.randint(1, 18)
            part = f"{dept:02d}{rng.randint(1, 9):02d}"
            if rng.random() < 0.5:
                part += f"-{rng.randint(1950, 2015)}"
            terms.append(part)
        elif kind < 0.8:
            terms.append(rng.choice(NAMES)[: rng.randint(3, 8)])
        else:
            terms.append(rng.choice(PAIRS))
    return terms[:count]
