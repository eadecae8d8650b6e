// The dashboard: reads the service's own API every 2 s and draws it. Plain JS, no build step.
"use strict";

const REFRESH_MS = 2000;
const money = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD", maximumFractionDigits: 0 });
const money2 = new Intl.NumberFormat("en-US", { style: "currency", currency: "USD", minimumFractionDigits: 2, maximumFractionDigits: 2 });
const count = new Intl.NumberFormat("en-US");
const percent = new Intl.NumberFormat("en-US", { style: "percent", minimumFractionDigits: 1, maximumFractionDigits: 1 });
const revenueHistory = [];

const $ = (id) => document.getElementById(id);

function token() { return sessionStorage.getItem("thelook-token"); }

class ApiError extends Error {}

async function api(path) {
  const headers = { "Accept": "application/json" };
  if (token()) headers["Authorization"] = "Bearer " + token();
  const response = await fetch(path, { headers });
  if (response.status === 401) {
    $("token-box").hidden = false;
    throw new ApiError("this service asks for an API token");
  }
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    const error = new ApiError(body.detail || body.error || ("HTTP " + response.status));
    error.status = response.status;
    throw error;
  }
  return { body, servedBy: response.headers.get("X-Served-By"), stale: response.headers.get("X-Stale") === "true" };
}

function text(tag, value, className) {
  const el = document.createElement(tag);
  el.textContent = value;
  if (className) el.className = className;
  return el;
}

function setKpi(id, value, formatted) {
  const el = $(id);
  if (el.dataset.value !== "" && el.dataset.value !== String(value)) {
    el.classList.add("moved");
    setTimeout(() => el.classList.remove("moved"), 800);
  }
  el.dataset.value = String(value);
  el.textContent = formatted;
}

function drawSpark(values) {
  const canvas = $("revenue-spark");
  const g = canvas.getContext("2d");
  g.clearRect(0, 0, canvas.width, canvas.height);
  if (values.length < 2) return;
  const min = Math.min(...values), max = Math.max(...values), span = max - min || 1;
  g.strokeStyle = "#2f6fde";
  g.lineWidth = 1.5;
  g.beginPath();
  values.forEach((v, i) => {
    const x = (i / (values.length - 1)) * (canvas.width - 2) + 1;
    const y = canvas.height - 2 - ((v - min) / span) * (canvas.height - 4);
    if (i === 0) g.moveTo(x, y); else g.lineTo(x, y);
  });
  g.stroke();
}

async function refreshSummary() {
  const { body: s, servedBy } = await api("/api/summary");
  setKpi("kpi-customers", s.customers, count.format(s.customers));
  $("kpi-customers-with-orders").textContent = count.format(s.customers_with_orders);
  const share = (n) => s.customers ? percent.format(n / s.customers) : "–";
  $("engagement").textContent = "engagement: " + share(s.engagement_high) + " high · " + share(s.engagement_medium)
    + " medium · " + share(s.engagement_low) + " low";
  setKpi("kpi-revenue", s.total_order_revenue, money.format(s.total_order_revenue));
  setKpi("kpi-orders", s.total_orders, count.format(s.total_orders));
  setKpi("kpi-views", s.total_product_views, count.format(s.total_product_views));
  setKpi("kpi-lost-revenue", s.estimated_lost_revenue, money.format(s.estimated_lost_revenue));
  $("kpi-candidates").textContent = count.format(s.cross_sell_candidates);
  $("served-by").textContent = servedBy || "?";
  $("event-time").textContent = s.event_time ? s.event_time.replace("T", " ").replace(/\.\d+Z$/, " UTC") : "none yet";
  $("event-time").dataset.value = s.event_time || "";
  const behind = s.seconds_behind;
  $("seconds-behind").textContent = behind == null ? "–" : behind < 100 ? behind.toFixed(1) : count.format(Math.round(behind));
  $("freshness-dot").className = "dot " + (behind == null || !s.complete ? "warn" : behind < 5 ? "ok" : behind < 60 ? "warn" : "bad");
  $("freshness").title = s.complete ? "every partition counted" : "some partitions are moving between instances: totals are partial";
  revenueHistory.push(s.total_order_revenue);
  if (revenueHistory.length > 150) revenueHistory.shift();
  drawSpark(revenueHistory);
}

async function refreshProducts() {
  const sort = $("product-sort").value;
  const { body } = await api("/api/products?sort=" + sort + "&order=desc&limit=10");
  const tbody = $("top-products").querySelector("tbody");
  const top = body.rows.length ? Math.max(...body.rows.map((r) => r[sort] || 0)) || 1 : 1;
  tbody.replaceChildren(...body.rows.map((p) => {
    const tr = document.createElement("tr");
    tr.dataset.productId = p.product_id;
    tr.dataset.revenue = p.total_product_revenue;
    const first = text("td", "");
    const bar = text("span", "", "bar");
    bar.style.width = Math.max(2, 40 * (p[sort] || 0) / top) + "px";
    first.append(bar, String(p.product_id));
    tr.append(first, text("td", p.product_brand || ""), text("td", p.product_category || ""),
      text("td", money.format(p.total_product_revenue), "num"), text("td", count.format(p.total_product_views), "num"),
      text("td", percent.format(p.product_conversion_rate), "num"), text("td", percent.format(p.product_return_rate), "num"));
    return tr;
  }));
}

async function refreshCrossSell() {
  const { body } = await api("/api/cross-sell?sort=estimated_lost_revenue&order=desc&limit=10");
  const tbody = $("top-cross-sell").querySelector("tbody");
  tbody.replaceChildren(...body.rows.map((c) => {
    const tr = document.createElement("tr");
    tr.dataset.userId = c.user_id;
    tr.dataset.productId = c.product_id;
    const user = text("td", "");
    const link = text("a", String(c.user_id));
    link.href = "#";
    link.addEventListener("click", (e) => { e.preventDefault(); $("lookup-input").value = c.user_id; lookup(); });
    user.append(link);
    tr.append(user, text("td", c.product_name || String(c.product_id)), text("td", c.product_brand || ""),
      text("td", count.format(c.total_product_views), "num"), text("td", money2.format(c.estimated_lost_revenue || 0), "num"));
    return tr;
  }));
}

const CUSTOMER_FIELDS = [
  ["total_orders", count.format], ["total_order_revenue", money2.format], ["avg_order_revenue", money2.format],
  ["total_sessions", count.format], ["total_events", count.format], ["total_products_viewed", count.format],
  ["last_order_dttm", (v) => v || "never"], ["last_event_dttm", (v) => v || "never"],
  ["recency_score", (v) => v == null ? "–" : v], ["frequency_score", (v) => v == null ? "–" : v],
  ["monetary_score", (v) => v == null ? "–" : v], ["engagement_tier", (v) => v || "–"],
];

async function lookup() {
  const id = $("lookup-input").value.trim();
  const out = $("lookup-result");
  if (!/^\d+$/.test(id)) {
    out.replaceChildren(text("p", "Enter a user_id (a whole number).", "error"));
    return;
  }
  try {
    const { body: c, servedBy, stale } = await api("/api/customers/" + id);
    const { body: candidates } = await api("/api/customers/" + id + "/cross-sell?limit=10");
    const fields = document.createElement("div");
    fields.className = "fields";
    fields.id = "customer-" + c.user_id;
    fields.dataset.userId = c.user_id;
    for (const [name, format] of CUSTOMER_FIELDS) {
      if (!(name in c)) continue;
      const row = document.createElement("div");
      const value = text("span", format(c[name]));
      value.dataset.field = name;
      value.dataset.value = c[name] == null ? "" : String(c[name]);
      row.append(text("span", name), value);
      fields.append(row);
    }
    const table = document.createElement("table");
    table.id = "lookup-cross-sell";
    table.innerHTML = "<thead><tr><th>product</th><th>brand</th><th class='num'>views</th><th class='num'>lost revenue</th></tr></thead>";
    const tbody = document.createElement("tbody");
    for (const x of candidates.rows) {
      const tr = document.createElement("tr");
      tr.dataset.productId = x.product_id;
      tr.append(text("td", x.product_name || String(x.product_id)), text("td", x.product_brand || ""),
        text("td", count.format(x.total_product_views), "num"), text("td", money2.format(x.estimated_lost_revenue || 0), "num"));
      tbody.append(tr);
    }
    table.append(tbody);
    const note = text("p", "served by " + servedBy + (stale ? " (a standby: may be a little behind)" : "") + "; "
      + (candidates.rows.length ? "cross-sell candidates, highest lost revenue first:" : "no cross-sell candidates."), "muted");
    out.replaceChildren(fields, note, table);
  } catch (e) {
    out.replaceChildren(text("p", e.status === 404 ? "No customer " + id + "." : e.message, "error"));
  }
}

async function refresh() {
  try {
    await Promise.all([refreshSummary(), refreshProducts(), refreshCrossSell()]);
    $("error").hidden = true;
  } catch (e) {
    $("error").textContent = "Could not refresh: " + e.message;
    $("error").hidden = false;
  }
}

$("lookup-form").addEventListener("submit", (e) => { e.preventDefault(); lookup(); });
$("product-sort").addEventListener("change", refreshProducts);
$("token-button").addEventListener("click", () => {
  sessionStorage.setItem("thelook-token", $("token-input").value);
  $("token-box").hidden = true;
  refresh();
});
refresh();
setInterval(refresh, REFRESH_MS);
