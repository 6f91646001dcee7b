"use strict";
// guardlint's HTML report: charts and a filterable table, drawn from the JSON in
// #guardlint-data. Everything in it comes from scanned files: it only ever reaches the page
// as text (textContent, attribute values), never as markup.
(function () {
  const data = JSON.parse(document.getElementById("guardlint-data").textContent);
  const SVG = "http://www.w3.org/2000/svg";
  const FILTERS = ["severity", "pack", "rule", "path"];
  const controls = {};
  for (const name of FILTERS) controls[name] = document.getElementById("filter-" + name);

  function element(tag, attributes, text) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attributes || {})) node.setAttribute(key, value);
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function svgElement(tag, attributes, text) {
    const node = document.createElementNS(SVG, tag);
    for (const [key, value] of Object.entries(attributes)) node.setAttribute(key, String(value));
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function fillSelect(select, values, label) {
    select.append(element("option", { value: "" }, "all " + label));
    for (const value of values) select.append(element("option", { value: value }, value));
  }

  fillSelect(controls.severity, data.severities, "severities");
  fillSelect(controls.pack, [...new Set(data.findings.map((f) => f.pack))].sort(), "packs");
  fillSelect(controls.rule, [...new Set(data.findings.map((f) => f.rule))].sort(), "rules");

  function counts(findings, key, order) {
    const found = new Map((order || []).map((k) => [k, 0]));
    for (const finding of findings) found.set(finding[key], (found.get(finding[key]) || 0) + 1);
    const entries = [...found.entries()];
    if (!order) entries.sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    return entries;
  }

  // A horizontal bar chart: one labelled bar per key, its count at the end.
  function drawChart(id, entries, colourBySeverity) {
    const chart = document.getElementById(id);
    const shown = entries.slice(0, 12);
    const rowHeight = 26, labelWidth = 330, width = 700;
    const height = Math.max(shown.length, 1) * rowHeight + 4;
    const most = Math.max(1, ...shown.map((entry) => entry[1]));
    const svg = svgElement("svg", { viewBox: `0 0 ${width} ${height}`, role: "img" });
    svg.append(svgElement("title", {}, chart.dataset.title));
    shown.forEach(([key, count], index) => {
      const y = index * rowHeight + 2;
      const label = key.length > 34 ? key.slice(0, 33) + "\u2026" : key;
      svg.append(svgElement("text", { x: 0, y: y + 18 }, label));
      const bar = svgElement("rect", {
        x: labelWidth, y: y + 3, height: rowHeight - 6,
        width: Math.max(count ? 2 : 0, ((width - labelWidth - 60) * count) / most),
        class: colourBySeverity ? "bar " + key : "bar",
        "data-key": key, "data-count": count,
      });
      bar.append(svgElement("title", {}, `${key}: ${count}`));
      svg.append(bar);
      const end = labelWidth + ((width - labelWidth - 60) * count) / most + 6;
      svg.append(svgElement("text", { x: end, y: y + 18 }, String(count)));
    });
    const more = entries.length - shown.length;
    chart.querySelector("svg")?.remove();
    chart.insertBefore(svg, chart.querySelector(".more"));
    chart.querySelector(".more").textContent = more > 0 ? `and ${more} more` : "";
  }

  function current() {
    const chosen = {};
    for (const name of FILTERS) chosen[name] = controls[name].value;
    return chosen;
  }

  function matches(finding, chosen) {
    return (!chosen.severity || finding.severity === chosen.severity) &&
      (!chosen.pack || finding.pack === chosen.pack) &&
      (!chosen.rule || finding.rule === chosen.rule) &&
      (!chosen.path || finding.path.toLowerCase().includes(chosen.path.toLowerCase()));
  }

  function detailsRow(finding) {
    const rule = data.rules[finding.rule] || {};
    const cell = element("td", { colspan: "5" });
    cell.append(element("h3", {}, "Source line"));
    cell.append(element("pre", { class: "snippet" }, `${finding.line}: ${finding.snippet}`));
    cell.append(element("h3", {}, "Resource"));
    cell.append(element("pre", {}, finding.resource));
    cell.append(element("h3", {}, `${finding.rule} ${finding.name}: rule documentation`));
    cell.append(element("pre", { class: "docs" }, rule.docs || ""));
    const row = element("tr", { class: "details" });
    row.append(cell);
    return row;
  }

  function findingRow(finding) {
    const row = element("tr", { class: "finding", "data-severity": finding.severity,
      "data-pack": finding.pack, "data-rule": finding.rule, tabindex: "0" });
    const severity = element("td");
    severity.append(element("span", { class: "sev " + finding.severity }, finding.severity));
    row.append(severity,
      element("td", { class: "rule", title: finding.name }, finding.rule),
      element("td", { class: "where" }, `${finding.path}:${finding.line}:${finding.column}`),
      element("td", {}, finding.pack),
      element("td", { class: "message" }, finding.message));
    const toggle = () => {
      const next = row.nextElementSibling;
      if (next && next.classList.contains("details")) next.remove();
      else row.after(detailsRow(finding));
    };
    row.addEventListener("click", toggle);
    row.addEventListener("keydown", (event) => { if (event.key === "Enter") toggle(); });
    return row;
  }

  function render() {
    const chosen = current();
    const shown = data.findings.filter((finding) => matches(finding, chosen));
    const body = document.getElementById("findings-body");
    body.replaceChildren(...shown.map(findingRow));
    document.getElementById("shown").textContent =
      `${shown.length} of ${data.findings.length} finding(s) shown`;
    document.getElementById("no-findings").hidden = shown.length > 0;
    drawChart("chart-severity", counts(shown, "severity", data.severities), true);
    drawChart("chart-pack", counts(shown, "pack"), false);
    drawChart("chart-category", counts(shown, "category"), false);
  }

  // The filters live in the address's fragment too (#severity=high&pack=docker), so that a
  // filtered view can be bookmarked or linked.
  function fromFragment() {
    const wanted = new URLSearchParams(location.hash.slice(1));
    for (const name of FILTERS) {
      const value = wanted.get(name) || "";
      const control = controls[name];
      if (control.tagName === "SELECT" && ![...control.options].some((o) => o.value === value)) {
        control.value = "";
      } else {
        control.value = value;
      }
    }
  }

  function toFragment() {
    const chosen = current();
    const kept = new URLSearchParams();
    for (const name of FILTERS) if (chosen[name]) kept.set(name, chosen[name]);
    history.replaceState(null, "", "#" + kept.toString());
  }

  for (const name of FILTERS) {
    controls[name].addEventListener(name === "path" ? "input" : "change", () => {
      toFragment();
      render();
    });
  }
  window.addEventListener("hashchange", () => { fromFragment(); render(); });
  fromFragment();
  render();
  document.body.dataset.ready = "true";
})();
