// Cluster Atlas map behaviour plotly.js does not give clustered scattermap traces (no network).
//
// 1. A cluster bubble (MapLibre clusters of a `cluster: {enabled: true}` trace) gets a pointer
//    cursor, a tooltip "24 clusters — click to zoom in", and on click the map eases to the
//    zoom at which the bubble splits (GeoJSONSource.getClusterExpansionZoom).
// 2. When Dash replaces the figure, any hover label of the old figure is removed: plotly.js
//    leaves it on the map (e.g. a country's label from a choropleth over the points).
// 3. A click on a cell (trace meta "cells": counts where the view holds too many clusters)
//    zooms in around it.
// 4. `atlasMap.viewport`, a Dash clientside callback: after a pan or zoom, the map's view
//    (kept for the server's next figure) and, unless the figure shown covers it (layout.meta,
//    see mapping/figures.py: every point, the points or cells of an area, or areas), the same
//    view again to have the server draw the map for it.
// 5. `atlasMap.afterMap`, a Dash clientside callback: the four charts below the map get their
//    figures (the dashboard callback's store) once the map has drawn the figure of the same
//    state, so their drawing does not hold up the map's (MapLibre draws in the same page, and
//    in software WebGL here). At once when the map is not on screen, at most AFTER_MAP_MS
//    later in any case, and never older figures after newer ones.
//
// plotly.js 4.1 and MapLibre internals relied on (check them when upgrading plotly):
//   gd._fullLayout.map._subplot.map   the MapLibre map of the graph div `gd`;
//   layer ids "plotly-trace-layer-<uid>-cluster": the bubbles of the trace with that uid
//   (their GeoJSON source, with cluster: true, is the layer's `source`);
//   plotly.js's own map "moveend" handler records a view change (layout, relayoutData)
//   only when the event has an `originalEvent`, so easeTo passes one;
//   map._fadeDuration: MapLibre's fadeDuration option, which plotly.js does not pass.
(function () {
  "use strict";

  const GRAPHS = "#cluster-map .js-plotly-plot, #partner-map .js-plotly-plot, #network-map .js-plotly-plot";
  const LAYER_PREFIX = "plotly-trace-layer-";
  const BUBBLE_SUFFIX = "-cluster";
  // plotly.js replaces a graph's event emitter (gd._ev) when it purges and replots it.
  const hookedEmitters = new WeakSet();
  const hookedMaps = new WeakSet();
  const shownData = new WeakMap();

  function mapOf(gd) {
    const subplot = gd._fullLayout && gd._fullLayout.map && gd._fullLayout.map._subplot;
    return subplot && subplot.map;
  }

  function isBubble(feature) {
    const id = feature.layer && feature.layer.id;
    return (
      typeof id === "string" &&
      id.startsWith(LAYER_PREFIX) &&
      id.endsWith(BUBBLE_SUFFIX) &&
      Boolean(feature.properties && feature.properties.cluster)
    );
  }

  // The bubble layers of all clustered traces.
  function bubbleLayers(map) {
    const ids = typeof map.getLayersOrder === "function" ? map.getLayersOrder() : [];
    return ids.filter((id) => id.startsWith(LAYER_PREFIX) && id.endsWith(BUBBLE_SUFFIX));
  }

  // The topmost cluster bubble under a screen point, or null.
  function bubbleAt(map, point) {
    try {
      const layers = bubbleLayers(map);
      if (!layers.length) return null;
      return map.queryRenderedFeatures(point, { layers }).find(isBubble) || null;
    } catch (err) {
      return null; // the style is being replaced by a figure update
    }
  }

  function tooltipOf(map) {
    const container = map.getContainer();
    let tip = container.querySelector(":scope > .atlas-bubble-tip");
    if (!tip) {
      tip = document.createElement("div");
      tip.className = "atlas-bubble-tip";
      tip.setAttribute("role", "tooltip");
      Object.assign(tip.style, {
        position: "absolute", zIndex: 3, pointerEvents: "none", display: "none",
        background: "#ffffff", color: "#1f2933", border: "1px solid #c3cad3",
        borderRadius: "3px", padding: "2px 6px", font: "13px system-ui, sans-serif",
        whiteSpace: "nowrap", boxShadow: "0 1px 3px rgba(0,0,0,.15)",
      });
      container.appendChild(tip);
    }
    return tip;
  }

  function describe(feature) {
    const count = Number(feature.properties.point_count) || 0;
    return `${count.toLocaleString("en")} clusters — click to zoom in`;
  }

  function showTip(map, feature, point) {
    const tip = tooltipOf(map);
    tip.textContent = describe(feature); // text, never markup
    tip.style.left = `${point.x + 14}px`;
    tip.style.top = `${point.y + 10}px`;
    tip.style.display = "block";
  }

  function hideTip(map) {
    const tip = map.getContainer().querySelector(":scope > .atlas-bubble-tip");
    if (tip) tip.style.display = "none";
  }

  function setPointer(map, on) {
    map.getCanvas().style.cursor = on ? "pointer" : "";
  }

  // Ease to the zoom at which the bubble splits into its members.
  function zoomInto(map, feature, originalEvent) {
    const source = map.getSource(feature.source);
    if (!source || typeof source.getClusterExpansionZoom !== "function") return;
    let done = false;
    const ease = (zoom) => {
      if (done || typeof zoom !== "number") return;
      done = true;
      const target = Math.max(zoom, map.getZoom() + 1);
      // The originalEvent makes plotly.js store the new view as a user edit (see above).
      map.easeTo(
        { center: feature.geometry.coordinates, zoom: Math.min(target, map.getMaxZoom()) },
        { originalEvent },
      );
    };
    const clusterId = feature.properties.cluster_id;
    // MapLibre >= 3 returns a promise; older versions call back (err, zoom).
    const result = source.getClusterExpansionZoom(clusterId, (err, zoom) => err || ease(zoom));
    if (result && typeof result.then === "function") result.then(ease, () => {});
  }

  function hookMap(map) {
    if (hookedMaps.has(map)) return;
    hookedMaps.add(map);
    // Labels (cluster and cell counts) appear at once, not over 300 ms: a fade costs a frame
    // each time, and a frame of this map takes 0.2-0.4 s in software WebGL (the first page:
    // 0.85 -> 0.65 s from its last data to idle, 3 runs each).
    map._fadeDuration = 0;
    map.on("mousemove", (e) => {
      const bubble = bubbleAt(map, e.point);
      setPointer(map, Boolean(bubble));
      if (bubble) showTip(map, bubble, e.point);
      else hideTip(map);
    });
    map.on("click", (e) => {
      const bubble = bubbleAt(map, e.point);
      if (!bubble) return;
      hideTip(map);
      zoomInto(map, bubble, e.originalEvent);
    });
    map.on("mouseout", () => {
      setPointer(map, false);
      hideTip(map);
    });
    // plotly.js keeps a map's hover label when the pointer leaves the map (it hides a
    // cartesian plot's): it then stood over other views, e.g. after a mode switch.
    map.getCanvas().addEventListener("mouseleave", () => {
      const gd = map.getContainer().closest(".js-plotly-plot");
      if (gd && window.Plotly) window.Plotly.Fx.unhover(gd);
    });
    map.on("movestart", () => hideTip(map));
  }

  // Two zoom levels closer around a clicked cell, where its clusters spread out.
  const CELL_ZOOM_STEP = 2;

  function zoomIntoCell(gd, event) {
    const point = event && event.points && event.points[0];
    const map = mapOf(gd);
    if (!map || !point || !point.data || point.data.meta !== "cells") return;
    map.easeTo(
      { center: [point.lon, point.lat],
        zoom: Math.min(map.getZoom() + CELL_ZOOM_STEP, map.getMaxZoom()) },
      { originalEvent: event.event || {} },
    );
  }

  // A map narrower than the one the server framed for (mapping/view.py: 900 px) fits the
  // figure's bounds itself, once per new framing (uirevision), so a phone shows every point.
  const FRAMED_WIDTH = 900;
  const framed = new WeakMap();

  function frameNarrowMap(gd, map) {
    const frame = gd.layout && gd.layout.meta && gd.layout.meta.frame;
    const revision = gd.layout && gd.layout.uirevision;
    const width = map.getContainer().clientWidth;
    // A map drawn in a hidden view has no width yet: frame it once it is shown.
    if (!frame || !width || framed.get(gd) === revision) return;
    framed.set(gd, revision);
    if (width >= 0.8 * FRAMED_WIDTH) return;
    const [west, south, east, north] = frame;
    // After plotly.js has finished applying the new figure's own view.
    window.setTimeout(() => {
      map.fitBounds([[west, south], [east, north]],
                    { padding: 24, maxZoom: 7, animate: false }, { originalEvent: {} });
    }, 50);
  }

  function afterPlot(gd) {
    // A new figure (Dash sets gd.data on every update; pan and zoom keep it): drop hover
    // labels of the old one, which plotly.js would leave standing over the new traces.
    if (shownData.has(gd) && shownData.get(gd) !== gd.data && window.Plotly) {
      window.Plotly.Fx.unhover(gd);
      const map = mapOf(gd);
      if (map) hideTip(map);
    }
    shownData.set(gd, gd.data);
    const map = mapOf(gd);
    if (map) {
      hookMap(map);
      frameNarrowMap(gd, map);
    }
  }

  function hookGraphs() {
    document.querySelectorAll(GRAPHS).forEach((gd) => {
      // plotly.js gives the div its event emitter (gd.on) when it first plots.
      if (!gd._ev || hookedEmitters.has(gd._ev) || typeof gd.on !== "function") return;
      hookedEmitters.add(gd._ev);
      gd.on("plotly_afterplot", () => afterPlot(gd));
      gd.on("plotly_click", (event) => zoomIntoCell(gd, event));
      afterPlot(gd);
    });
  }

  let queued = false;
  const observer = new MutationObserver(() => {
    if (queued) return;
    queued = true;
    window.requestAnimationFrame(() => {
      queued = false;
      hookGraphs();
    });
  });

  function start() {
    observer.observe(document.body, { childList: true, subtree: true });
    hookGraphs();
  }

  if (document.body) start();
  else document.addEventListener("DOMContentLoaded", start);

  // --- The view to draw the map for (4.) -------------------------------------------------
  // Cells change size every half zoom level: mapping.view.cell_level.
  const LEVELS_PER_ZOOM = 2;
  // An area reaching this latitude reaches the pole (mapping.view.EDGE_LAT).
  const EDGE_LAT = 85;

  function cellLevel(zoom) {
    return Math.floor(zoom * LEVELS_PER_ZOOM + 1e-9) / LEVELS_PER_ZOOM;
  }

  // Whether [west, south, east, north] lies within `area` (longitudes modulo 360).
  function within(bounds, area) {
    const [west, south, east, north] = bounds;
    const top = area[3] >= EDGE_LAT ? 90 : area[3];
    const bottom = area[1] <= -EDGE_LAT ? -90 : area[1];
    if (south < bottom || north > top) return false;
    const span = area[2] - area[0];
    if (span >= 360) return true;
    const offset = (((west - area[0]) % 360) + 360) % 360;
    return offset + (east - west) <= span;
  }

  function covers(meta, bounds, zoom) {
    if (meta.shown === "all" || meta.shown === "areas") return true;
    if (!Array.isArray(meta.area)) return false;
    if (meta.shown === "cells" && cellLevel(zoom) !== meta.level) return false;
    return within(bounds, meta.area);
  }

  // The cluster map's view as MapLibre has it now. Not from relayoutData: an autosize
  // relayout often follows a move at once, and the callback then sees only the last one.
  function currentView() {
    const gd = document.querySelector("#cluster-map .js-plotly-plot");
    const map = gd && mapOf(gd);
    if (!map) return null;
    const center = map.getCenter();
    const edges = map.getBounds();
    // MapLibre does not wrap a view panned across the antimeridian: bring it back.
    const shift = 360 * Math.round(center.lng / 360);
    return {
      zoom: map.getZoom(), lat: center.lat, lon: center.lng - shift,
      bounds: [edges.getWest() - shift, edges.getSouth(), edges.getEast() - shift,
               edges.getNorth()],
    };
  }

  // After any relayout (a pan, a zoom, a new size): the view now, as /api/map.json's query
  // reads it (analysis.maps.parse_view) with the figure's uirevision (the server ignores a
  // view of other filters); and the same again, to redraw, if the figure does not cover it.
  function viewport(relayout, figure) {
    const skip = window.dash_clientside.no_update;
    const view = currentView();
    if (!view) return [skip, skip];
    const layout = (figure && figure.layout) || {};
    const reported = {
      zoom: String(view.zoom), lat: String(view.lat), lon: String(view.lon),
      bounds: view.bounds.join(","), revision: String(layout.uirevision || ""),
    };
    return [reported, covers(layout.meta || {}, view.bounds, view.zoom) ? skip : reported];
  }

  const AFTER_MAP_MS = 4000;
  const AFTER_MAP_POLL_MS = 40;
  const AFTER_MAP_SHOWN_MS = 100;
  let chartsAsked = 0;

  // Whether the map graph shows `figure` and MapLibre has drawn it (or the map is not shown).
  function mapDrew(figure) {
    const graph = document.getElementById("cluster-map");
    if (!graph || graph.offsetParent === null) return true;
    const gd = graph.querySelector(".js-plotly-plot");
    // dcc.Graph hands plotly.js the figure's own data array, and marks the graph pending
    // until plotly.js has drawn it.
    if (!gd || !figure || gd.data !== figure.data) return false;
    if (gd.classList.contains("dash-graph--pending")) return false;
    const map = mapOf(gd);
    return Boolean(map && map.loaded() && !map.isMoving());
  }

  function afterMap(charts, figure) {
    const context = window.dash_clientside.callback_context;
    const skip = context.outputs_list.map(() => window.dash_clientside.no_update);
    // A map redrawn for a pan or zoom (or the first call, before any figure) changes no chart.
    if (!charts || !context.triggered.some((t) => t.prop_id === "chart-figures.data")) {
      return skip;
    }
    const figures = context.outputs_list.map((output) => charts[output.id]);
    const asked = ++chartsAsked;
    const start = performance.now();
    return new Promise((resolve) => {
      (function wait() {
        if (asked !== chartsAsked) resolve(skip); // newer figures are on their way
        else if (performance.now() - start > AFTER_MAP_MS) resolve(figures);
        // Once drawn, the map is shown at the next frames: the charts' work comes after them.
        else if (mapDrew(figure)) window.setTimeout(() => resolve(figures), AFTER_MAP_SHOWN_MS);
        else window.setTimeout(wait, AFTER_MAP_POLL_MS);
      })();
    });
  }

  window.dash_clientside = Object.assign({}, window.dash_clientside, {
    atlasMap: { viewport, afterMap },
  });
})();
