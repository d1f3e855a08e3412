"""ISO 3166 alpha-3 country codes and their English names (index time only; pycountry holds the table).

The index stores a passage's code and indexes the code with every English name, so that ``country:CHN``,
``country:China`` and ``country:"Viet Nam"`` all find it without a lookup on the query path.

>>> code_for("Viet Nam"), code_for("chn"), code_for("EU"), code_for("Atlantis")
('VNM', 'CHN', 'EU', '')
>>> display_name("KOR"), display_name("YUG")
('South Korea', 'Yugoslavia')
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any, Optional

# Codes used by UN General Debate files that ISO 3166-1 does not hold.
EXTRA = {"EU": ["European Union"]}
HISTORIC_SHORT = {"YUG": "Yugoslavia", "SUN": "USSR", "CSK": "Czechoslovakia", "DDR": "German Democratic Republic",
                  "YMD": "Democratic Yemen", "YEM": "Yemen", "ZAR": "Zaire", "BUR": "Burma"}


@lru_cache(maxsize=1024)
def _record(code: str) -> Optional[Any]:
    import pycountry

    return pycountry.countries.get(alpha_3=code) or pycountry.historic_countries.get(alpha_3=code)


def names(code: str) -> list[str]:
    """Every English name of a code: short, common and official ("Korea, Republic of" read both ways)."""
    code = code.upper()
    if code in EXTRA:
        return EXTRA[code]
    record = _record(code) if len(code) == 3 else None
    if record is None:
        return []
    found = [getattr(record, key, None) for key in ("common_name", "name", "official_name")]
    found.append(HISTORIC_SHORT.get(code))
    out: list[str] = []
    for name in found:
        if name and name not in out:
            out.append(name)
        if name and ", " in name:
            head, tail = name.split(", ", 1)
            out.append(f"{tail} {head}")
    return out


def display_name(code: str) -> str:
    """The name to show: the common or short name, with "Congo, The Democratic Republic of the" turned."""
    code = code.upper()
    all_names = names(code)
    if not all_names:
        return code
    if code in HISTORIC_SHORT and code not in ("YEM",):
        return HISTORIC_SHORT[code] if _current(code) is None else all_names[0]
    first = all_names[0]
    return f"{first.split(', ', 1)[1]} {first.split(', ', 1)[0]}" if ", " in first else first


def _current(code: str) -> Optional[Any]:
    import pycountry

    return pycountry.countries.get(alpha_3=code)


def code_for(value: str) -> str:
    """The alpha-3 code for a code (alpha-2 or alpha-3) or an English name; "" when unknown."""
    value = value.strip()
    if not value:
        return ""
    if value.upper() in EXTRA:
        return value.upper()
    import pycountry

    try:
        return str(pycountry.countries.lookup(value).alpha_3)
    except LookupError:
        record = _record(value.upper()) if len(value) == 3 else None
        return record.alpha_3 if record is not None else ""
