/* The map page: outlines, places coloured by controller, incidents as markers, and a slider
   that replays control over time. Data comes from the API; text from it is only ever set
   with textContent (article text is untrusted), never as HTML. */
(function () {
  "use strict";

  var mapElement = document.getElementById("map");
  var palette = JSON.parse(mapElement.getAttribute("data-palette"));
  var slider = document.getElementById("time");
  var label = document.getElementById("time-label");

  function colour(side) { return palette[side] || palette[""]; }

  function element(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    if (className) { node.className = className; }
    return node;
  }

  function link(href, text) {
    var node = element("a", text);
    node.href = href;
    return node;
  }

  function getJSON(url) {
    return fetch(url, {headers: {"Accept": "application/json"}}).then(function (response) {
      if (!response.ok) { throw new Error(url + ": " + response.status); }
      return response.json();
    });
  }

  var map = L.map(mapElement, {worldCopyJump: true, zoomSnap: 0.5}).setView([35, 38.5], 6);
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution("Outlines: Natural Earth");
  // Outlines get their own pane below the markers' (they arrive last, and would cover them).
  map.createPane("outlines").style.zIndex = "350";
  var outlineLayer = L.layerGroup().addTo(map);
  var placeLayer = L.layerGroup().addTo(map);
  var incidentLayer = L.layerGroup().addTo(map);

  getJSON("/basemap.geojson").then(function (data) {
    L.geoJSON(data, {
      interactive: false,
      pane: "outlines",
      style: function (feature) {
        var region = feature.properties.kind === "admin1";
        return {color: region ? "#a9a39a" : "#6d675f", weight: region ? 0.6 : 1, fillColor: "#f3efe6",
                fillOpacity: region ? 0 : 1};
      }
    }).addTo(outlineLayer);
  });

  var steps = [];
  var places = [];   // {entry, marker}
  var incidents = []; // {feature, marker, start}

  function periodAt(entry, step) {
    var shown = null;
    entry.periods.forEach(function (period) { if (period.step <= step) { shown = period; } });
    return shown;
  }

  function placePopup(entry, period) {
    var box = element("div", null, "popup");
    box.appendChild(element("strong", entry.place.name));
    box.appendChild(element("div", "held by " + (period.controller || "unknown") +
      (period.since ? " since " + period.since : " (latest reports)")));
    box.appendChild(element("div", period.status + (period.contested_by.length ? " by " +
      period.contested_by.join(", ") : "") + " · " + period.basis + " · " + period.sources + " source(s)"));
    box.appendChild(link("/incidents?place=" + encodeURIComponent(entry.place.entity_id), "incidents here"));
    return box;
  }

  function incidentPopup(properties) {
    var box = element("div", null, "popup");
    box.appendChild(link("/incidents/" + encodeURIComponent(properties.incident_id),
      properties.sub_event_type + " · " + properties.place));
    box.appendChild(element("div", (properties.date || "undated") + " · " + properties.modality + " · " +
      properties.sources + " source(s)"));
    box.appendChild(element("q", properties.evidence));
    return box;
  }

  function render(step) {
    var last = steps.length - 1;
    label.textContent = steps[step] ? steps[step].label : "latest";
    places.forEach(function (item) {
      var period = periodAt(item.entry, step);
      if (!period) { placeLayer.removeLayer(item.marker); return; }
      item.marker.setStyle({
        fillColor: colour(period.controller), color: period.status === "besieged" ? "#000" : "#333",
        weight: period.status === "besieged" ? 4 : 2, dashArray: period.status === "contested" ? "4 3" : null
      });
      item.marker.bindPopup(placePopup(item.entry, period));
      placeLayer.addLayer(item.marker);
      var path = item.marker.getElement();
      if (path) {
        path.setAttribute("data-controller", period.controller || "");
        path.setAttribute("data-status", period.status);
      }
    });
    incidents.forEach(function (item) {
      var visible = step === last || (item.start !== null && steps[step].start !== null && item.start <= steps[step].start);
      if (visible) { incidentLayer.addLayer(item.marker); } else { incidentLayer.removeLayer(item.marker); }
    });
  }

  function drawLegend() {
    var legend = document.getElementById("legend");
    var seen = {};
    places.forEach(function (item) {
      item.entry.periods.forEach(function (period) { seen[period.controller || ""] = true; });
    });
    Object.keys(seen).sort().forEach(function (side) {
      var row = element("span", null, "legend-item");
      var swatch = element("span", null, "swatch");
      swatch.style.background = colour(side);
      row.appendChild(swatch);
      row.appendChild(document.createTextNode(side || "unknown"));
      legend.appendChild(row);
    });
    legend.appendChild(element("span", "dashed ring: contested · thick black ring: besieged · small dots: incidents",
      "legend-item note"));
  }

  Promise.all([getJSON("/api/timeline"), getJSON("/api/incidents/geojson")]).then(function (results) {
    var timeline = results[0];
    var collection = results[1];
    steps = timeline.steps;
    // Fit the places whose control is known; incidents only when there are none (an incident
    // located at a far country's centroid would zoom the map out to half the world).
    var bounds = [];
    var incidentBounds = [];
    timeline.places.forEach(function (entry) {
      if (entry.place.lat === null || entry.place.lon === null) { return; }
      var marker = L.circleMarker([entry.place.lat, entry.place.lon],
        {radius: entry.place.precision === 1 ? 9 : 13, fillOpacity: 0.9, className: "place-marker"});
      marker.bindTooltip(element("span", entry.place.name),
        {permanent: true, direction: "right", offset: [8, 0], className: "place-label"});
      places.push({entry: entry, marker: marker});
      bounds.push([entry.place.lat, entry.place.lon]);
      marker.on("add", function () {
        var path = marker.getElement();
        if (path) { path.setAttribute("data-place", entry.place.name); }
      });
    });
    collection.features.forEach(function (feature) {
      var coordinates = feature.geometry.coordinates;
      var properties = feature.properties;
      var marker = L.circleMarker([coordinates[1], coordinates[0]], {
        radius: 4, weight: 1, color: "#111", fillColor: colour(properties.side), fillOpacity: 1,
        className: "incident-marker"
      });
      marker.bindPopup(incidentPopup(properties));
      incidents.push({feature: feature, marker: marker, start: properties.date_start});
      incidentBounds.push([coordinates[1], coordinates[0]]);
    });
    if (!bounds.length) { bounds = incidentBounds; }
    if (bounds.length) { map.fitBounds(bounds, {padding: [30, 30], maxZoom: 8}); }
    slider.max = String(steps.length - 1);
    slider.value = String(steps.length - 1);
    slider.disabled = steps.length < 2;
    slider.addEventListener("input", function () { render(Number(slider.value)); });
    drawLegend();
    render(steps.length - 1);
    mapElement.setAttribute("data-ready", "true");
  }).catch(function (error) {
    mapElement.setAttribute("data-error", String(error));
  });
}());
