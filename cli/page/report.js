// The newsdedup report: reads the data embedded in the page (gzip, base64), draws the figures, the
// charts and one row per item, and renders an item's texts only when it is opened. Page content is
// untrusted: every string goes into the page as text (textContent), never as markup, and only
// http(s) addresses become links.
"use strict";

const SVG = "http://www.w3.org/2000/svg";
const CHART_BARS = 20; // sites shown in the per-site chart, at most
const FILTER_DELAY = 120; // ms after the last key before the list is filtered
const ROWS_PER_STEP = 2000; // rows added to the list per animation frame

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  for (const child of children) node.append(child);
  return node;
}

function svgElement(tag, attributes = {}) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  return node;
}

function count(number, noun) {
  return `${number.toLocaleString("en")} ${noun}${number === 1 ? "" : "s"}`;
}

function safeLink(url) {
  return typeof url === "string" && /^https?:\/\//i.test(url) ? url : null;
}

async function readData() {
  const encoded = document.getElementById("report-data").textContent.trim();
  const binary = atob(encoded);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
  return JSON.parse(await new Response(stream).text());
}

// ---------------------------------------------------------------- figures and charts

function drawFigures(figures) {
  const box = document.getElementById("figures");
  for (const [label, value] of figures) {
    box.append(element("div", { class: "figure" }, element("span", { class: "value" }, value), element("span", { class: "label" }, label)));
  }
}

// bars: [{label, value, copies}] drawn as columns (vertical) or rows (horizontal); copies is the part
// of the value drawn in the second colour
function barChart(title, bars, { horizontal = false, note = "", legend = null } = {}) {
  const box = element("figure", { class: "chart" });
  box.append(element("h2", {}, title));
  if (note) box.append(element("p", {}, note));
  if (!bars.length) return box;
  const top = Math.max(...bars.map((bar) => bar.value), 1);
  let svg;
  if (horizontal) {
    const labelWidth = 150, width = 460, row = 18;
    svg = svgElement("svg", { viewBox: `0 0 ${width} ${bars.length * row + 4}`, role: "img" });
    bars.forEach((bar, i) => {
      const y = i * row + 2, full = ((width - labelWidth - 50) * bar.value) / top;
      const label = svgElement("text", { x: labelWidth - 6, y: y + 12, "text-anchor": "end" });
      label.textContent = bar.label.length > 24 ? bar.label.slice(0, 23) + "…" : bar.label;
      const tip = svgElement("title");
      tip.textContent = `${bar.label}: ${bar.value.toLocaleString("en")}` + (bar.copies !== undefined ? `, ${bar.copies.toLocaleString("en")} duplicates` : "");
      const group = svgElement("g");
      group.append(tip, label, svgElement("rect", { class: "bar", x: labelWidth, y, width: Math.max(full, 1), height: row - 5 }));
      if (bar.copies) group.append(svgElement("rect", { class: "bar copies", x: labelWidth, y, width: Math.max((full * bar.copies) / bar.value, 1), height: row - 5 }));
      const value = svgElement("text", { x: labelWidth + full + 4, y: y + 12 });
      value.textContent = bar.value.toLocaleString("en");
      group.append(value);
      svg.append(group);
    });
  } else {
    const width = 460, height = 160, base = 140, step = width / bars.length;
    svg = svgElement("svg", { viewBox: `0 0 ${width} ${height}`, role: "img" });
    svg.append(svgElement("line", { class: "axis", x1: 0, x2: width, y1: base, y2: base }));
    const labelEvery = Math.ceil(bars.length / 12);
    bars.forEach((bar, i) => {
      const h = ((base - 14) * bar.value) / top, x = i * step + step * 0.1, w = Math.max(step * 0.8, 1);
      const group = svgElement("g");
      const tip = svgElement("title");
      tip.textContent = `${bar.label}: ${bar.value.toLocaleString("en")}` + (bar.copies !== undefined ? `, ${bar.copies.toLocaleString("en")} duplicates` : "");
      group.append(tip, svgElement("rect", { class: "bar", x, y: base - h, width: w, height: Math.max(h, 0.5) }));
      if (bar.copies) {
        const c = (h * bar.copies) / bar.value;
        group.append(svgElement("rect", { class: "bar copies", x, y: base - c, width: w, height: c }));
      }
      if (i % labelEvery === 0) {
        const label = svgElement("text", { x: x + w / 2, y: base + 13, "text-anchor": "middle" });
        label.textContent = bar.label;
        group.append(label);
      }
      if (bars.length <= 16) {
        const value = svgElement("text", { x: x + w / 2, y: base - h - 3, "text-anchor": "middle" });
        value.textContent = bar.value.toLocaleString("en");
        group.append(value);
      }
      svg.append(group);
    });
  }
  box.append(svg);
  if (legend) {
    const key = element("p", { class: "legend" });
    key.append(element("span", { class: "swatch" }), legend[0], element("span", { class: "swatch copies" }), legend[1]);
    box.append(key);
  }
  return box;
}

const SIZE_BUCKETS = [[1, 1], [2, 2], [3, 3], [4, 4], [5, 5], [6, 10], [11, 20], [21, 50], [51, 100], [101, 1000], [1001, Infinity]];

function drawCharts(data) {
  const charts = document.getElementById("charts");
  if (data.sizes) {
    const bars = [];
    for (const [low, high] of SIZE_BUCKETS) {
      const value = data.sizes.filter(([size]) => size >= low && size <= high).reduce((sum, [, count]) => sum + count, 0);
      if (value) bars.push({ label: low === high ? String(low) : high === Infinity ? `${low}+` : `${low}–${high}`, value });
    }
    charts.append(barChart("Clusters by size (documents per cluster)", bars));
  }
  if (data.sites) {
    const sites = data.sites.slice(0, CHART_BARS).map(([label, value, copies]) => ({ label, value, copies }));
    const more = data.sites.length > CHART_BARS ? `; ${CHART_BARS} of ${data.sites.length} sites shown` : "";
    charts.append(
      barChart("Documents per site", sites, {
        horizontal: true,
        note: sites.length ? `Sites with the most duplicates first${more}.` : "No site is known: sites come from the pages' HTML (plain text has none).",
        legend: sites.length ? ["documents", "of which duplicates"] : null,
      }),
    );
  }
  if (data.days) {
    const days = data.days.map(([label, value, copies]) => ({ label, value, copies }));
    charts.append(
      barChart(`Documents per ${data.period}`, days, {
        note: days.length ? `${days[0].label} to ${days[days.length - 1].label}; ${count(data.undated, "document")} without a date.` : "No document has a date: dates come from the pages' HTML or the records' date field.",
        legend: days.length ? ["documents", "of which duplicates"] : null,
      }),
    );
  }
}

// ---------------------------------------------------------------- texts

function highlighted(text, spans) {
  const fragment = document.createDocumentFragment();
  let at = 0;
  for (const [start, end] of spans) {
    if (start > at) fragment.append(text.slice(at, start));
    fragment.append(element("mark", {}, text.slice(start, end)));
    at = end;
  }
  fragment.append(text.slice(at));
  return fragment;
}

function byline(doc, extra = []) {
  const line = element("div", { class: "byline" });
  const parts = [doc.name, doc.site, doc.date, doc.language, ...extra].filter(Boolean);
  line.append(parts.join(" · "));
  const link = safeLink(doc.url);
  if (link) {
    line.append(" · ");
    line.append(element("a", { href: link, rel: "noopener noreferrer nofollow", target: "_blank" }, "page"));
  }
  return line;
}

function side(data, docIndex, role, spans, extra) {
  const doc = data.docs[docIndex];
  const box = element("div", { class: "side" });
  box.append(element("div", { class: "role" }, role), element("h3", {}, doc.title || "(no title)"), byline(doc, extra));
  box.append(element("div", { class: "text" }, highlighted(data.texts[docIndex], spans)));
  return box;
}

function detail(data, item) {
  const box = element("div");
  const others = item.members.filter((member) => member.doc !== item.canonical);
  if (!others.length) {
    const pair = element("div", { class: "pair one" });
    pair.append(side(data, item.canonical, data.kind === "documents" ? "document" : "canonical (no copy)", [], []));
    box.append(pair);
    return box;
  }
  const chooser = element("div", { class: "members", role: "group", "aria-label": "Members" });
  const pair = element("div", { class: "pair" });
  const show = (member, button) => {
    for (const other of chooser.children) other.setAttribute("aria-pressed", String(other === button));
    const similarity = `containment ${member.similarity.toFixed(3)}`;
    pair.replaceChildren(
      side(data, item.canonical, data.kind === "pair" ? "first" : "canonical", member.shared, []),
      side(data, member.doc, data.kind === "pair" ? "second" : "copy", member.own, [similarity]),
    );
  };
  const buttons = others.map((member) => {
    const doc = data.docs[member.doc];
    const button = element("button", { type: "button", "aria-pressed": "false" }, `${doc.name} · ${member.similarity.toFixed(3)}`);
    button.addEventListener("click", () => show(member, button));
    chooser.append(button);
    return button;
  });
  if (data.kind !== "pair") box.append(element("p", { class: "note" }, "Passages both texts carry are highlighted. Compare the canonical with:"), chooser);
  box.append(pair);
  show(others[0], buttons[0]);
  return box;
}

// ---------------------------------------------------------------- the list

function itemRow(data, item) {
  const doc = data.docs[item.canonical];
  const row = element("tr", { class: item.size > 1 ? "item" : "item single", tabindex: "0", "aria-expanded": "false", "data-cluster": String(item.id) });
  const size = element("td", { class: "number" });
  size.append(item.size > 1 ? element("span", { class: "badge" }, String(item.size)) : "1");
  const source = [doc.site, doc.date].filter(Boolean).join(" · ") || doc.name;
  row.append(size, element("td", { class: "number" }, String(item.id)), element("td", { class: "title" }, doc.title || "(no title)"), element("td", { class: "source" }, source));
  const toggle = () => {
    const open = row.getAttribute("aria-expanded") === "true";
    row.setAttribute("aria-expanded", String(!open));
    if (open) {
      row.nextSibling.remove();
      return;
    }
    const cell = element("td", { colspan: "4" }, detail(data, item));
    row.after(element("tr", { class: "detail" }, cell));
  };
  row.addEventListener("click", toggle);
  row.addEventListener("keydown", (event) => {
    if (event.key === "Enter" || event.key === " ") {
      event.preventDefault();
      toggle();
    }
  });
  return row;
}

function searchText(data, item) {
  const words = [String(item.id)];
  for (const member of item.members) {
    const doc = data.docs[member.doc];
    words.push(doc.title, doc.name, doc.site || "", doc.date || "", doc.url || "");
  }
  return words.join("\n").toLowerCase();
}

function drawList(data) {
  const head = document.querySelector("#items thead");
  const body = document.querySelector("#items tbody");
  const names = data.kind === "documents" ? ["", "#", "title", "site · date, or file"] : ["size", "cluster", "canonical title", "site · date, or file"];
  const header = element("tr");
  names.forEach((name, i) => header.append(element("th", { class: i < 2 ? "number" : "", scope: "col" }, name)));
  head.append(header);
  const filter = document.getElementById("filter");
  filter.placeholder = "Filter by words of a title, a site, a date or a file name";
  const copiesOnly = document.getElementById("copies-only");
  if (data.kind !== "clusters") document.getElementById("copies-label").hidden = true;
  const rows = [];
  const shown = document.getElementById("shown");
  const noun = data.kind === "documents" ? "documents" : "clusters";
  const apply = () => {
    const words = filter.value.toLowerCase().split(/\s+/).filter(Boolean);
    let count = 0;
    for (const [row, item, text] of rows) {
      const visible = (!copiesOnly.checked || item.size > 1) && words.every((word) => text.includes(word));
      row.hidden = !visible;
      if (row.nextSibling && row.nextSibling.classList.contains("detail")) row.nextSibling.hidden = !visible;
      count += visible;
    }
    shown.textContent = `${count.toLocaleString("en")} of ${rows.length.toLocaleString("en")} ${noun} shown`;
  };
  let timer = null;
  filter.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(apply, FILTER_DELAY);
  });
  copiesOnly.addEventListener("change", apply);
  return new Promise((resolve) => {
    let next = 0;
    const step = () => {
      const fragment = document.createDocumentFragment();
      for (const item of data.items.slice(next, next + ROWS_PER_STEP)) {
        const row = itemRow(data, item);
        rows.push([row, item, searchText(data, item)]);
        fragment.append(row);
      }
      body.append(fragment);
      next += ROWS_PER_STEP;
      if (next < data.items.length) requestAnimationFrame(step);
      else {
        apply();
        resolve();
      }
    };
    step();
  });
}

function drawRecords(data) {
  const head = document.querySelector("#items thead");
  const body = document.querySelector("#items tbody");
  const header = element("tr");
  for (const column of data.columns) header.append(element("th", { scope: "col" }, column));
  head.append(header);
  for (const row of data.rows) {
    const line = element("tr");
    for (const value of row) line.append(element("td", {}, value));
    body.append(line);
  }
  document.getElementById("list").querySelector(".controls").hidden = true;
}

(async function main() {
  const status = document.getElementById("status");
  let data;
  try {
    data = await readData();
  } catch (error) {
    status.textContent = `The report's data could not be read (${error}); a browser from 2023 or later reads it.`;
    return;
  }
  drawFigures(data.figures);
  if (data.kind === "records") {
    drawRecords(data);
  } else {
    drawCharts(data);
    await drawList(data);
    if (data.kind === "pair") document.querySelector("tr.item").click();
  }
  status.textContent = data.summary;
  document.body.dataset.ready = "true";
})();
