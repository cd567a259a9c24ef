// A world map drawn from map data bundled with the app: no tiles, nothing fetched, so it works
// air-gapped. Land outlines: Natural Earth 1:110m (public domain, naturalearthdata.com) as TopoJSON
// from the world-atlas package (ISC); projected with d3-geo, decoded with topojson-client.
// Imported only by lazily loaded pages, so none of it is in the first bundle.
import { geoGraticule10, geoNaturalEarth1, geoPath } from "d3-geo";
import type { GeoPermissibleObjects } from "d3-geo";
import { feature } from "topojson-client";
import type { GeometryCollection, Topology } from "topojson-specification";
import land110m from "world-atlas/land-110m.json";
import { useMemo } from "react";

export interface MapMarker {
  id: string;
  lat: number;
  lon: number;
  /** Fill colour (CSS). */
  color: string;
  /** Shown as the marker's tooltip and accessible name. */
  label: string;
}

const WIDTH = 960;
const HEIGHT = 500;
const SPHERE: GeoPermissibleObjects = { type: "Sphere" };

function useBaseMap() {
  return useMemo(() => {
    const projection = geoNaturalEarth1().fitExtent(
      [
        [4, 4],
        [WIDTH - 4, HEIGHT - 4],
      ],
      SPHERE,
    );
    const path = geoPath(projection);
    const topology = land110m as unknown as Topology<{ land: GeometryCollection }>;
    const land = feature(topology, topology.objects.land);
    return {
      projection,
      sphere: path(SPHERE) ?? "",
      graticule: path(geoGraticule10()) ?? "",
      land: path(land) ?? "",
    };
  }, []);
}

/** The world with `markers` at their positions; `label` names the whole map for screen readers. */
export function WorldMap({ markers, label }: { markers: MapMarker[]; label: string }) {
  const base = useBaseMap();
  return (
    <svg className="world-map" viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={label}>
      <path d={base.sphere} fill="#eef3fb" stroke="#c9d3e3" />
      <path d={base.graticule} fill="none" stroke="#dde4ef" strokeWidth={0.5} />
      <path d={base.land} fill="#cfd6e0" stroke="#b4bdca" strokeWidth={0.5} />
      {markers.map((m) => {
        const point = base.projection([m.lon, m.lat]);
        if (!point) return null;
        return (
          <g key={m.id} className="marker" data-node-id={m.id} transform={`translate(${point[0]},${point[1]})`}>
            <circle r={11} fill={m.color} opacity={0.25} />
            <circle r={6} fill={m.color} stroke="#fff" strokeWidth={2}>
              <title>{m.label}</title>
            </circle>
          </g>
        );
      })}
    </svg>
  );
}
