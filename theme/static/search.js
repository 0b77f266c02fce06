// The search page's script, the only script of the site (see README, "Search").
// Pagefind folds tone marks; bantin's index writes đ as d + U+0335, which Pagefind folds too
// (bantin/stages/search.py), so the query's đ is folded to d here. Results show the summary, marked.
const form = document.querySelector("form[data-bundle]");
const input = form.querySelector("input[name=q]");
const section = form.querySelector("#loc-chuyen-muc");
const directive = form.querySelector("#loc-van-ban");
const status = document.getElementById("ket-qua-trang-thai");
const list = document.getElementById("ket-qua");
const PAGE = 10;
const fold = (text) => text.replace(/đ/g, "d").replace(/Đ/g, "D");
// Without tone marks, for comparing: "Đảng bộ" and "dang bo" both read "dang bo".
const plain = (text) => text.normalize("NFD").replace(/\p{M}/gu, "").replace(/đ/g, "d").replace(/Đ/g, "D").toLowerCase();
// The index leaves out the commonest syllables (bantin/stages/search.py); so does a query, typed with tone marks or not.
const stop = new Set((form.dataset.stop || "").split(" ").map(plain));
let engine = null;
let latest = 0;

async function pagefind() {
  if (!engine) {
    engine = await import(form.dataset.bundle + "pagefind.js");
    await engine.options({ baseUrl: form.dataset.base, excerptLength: 24 });
    if (form.dataset.recent) await mergeRecent(engine);
    await engine.init();
  }
  return engine;
}

// In the `serve` preview, articles edited since it started are in a second, small index.
let replaced = new Set();
async function mergeRecent(engine) {
  try {
    const recent = await (await fetch(form.dataset.recent + "changed.json", { cache: "no-store" })).json();
    replaced = new Set(recent.urls.map((url) => form.dataset.base + url.replace(/^\//, "")));  // as results name them
    if (recent.indexed) await engine.mergeIndex(form.dataset.recent, { baseUrl: form.dataset.base });
  } catch (error) { /* nothing edited yet */ }
}

function filters() {
  const chosen = {};
  if (section.value) chosen["chuyên mục"] = section.value;
  if (directive.value) chosen["văn bản"] = directive.value;
  return chosen;
}

function item(data, query) {
  const li = document.createElement("li");
  li.className = "teaser";
  const title = document.createElement("h2");
  title.className = "teaser-title";
  const link = document.createElement("a");
  link.href = data.url;
  link.textContent = data.meta.title;
  title.append(link);
  const meta = document.createElement("p");
  meta.className = "teaser-meta";
  meta.textContent = [data.meta.date, data.meta.section].filter(Boolean).join(" · ");
  li.append(title, meta, marked(data.meta.summary || "", query));
  return li;
}

// The summary, with the query's words marked (a word matches as Pagefind matches it: by its start, tone marks aside).
function marked(text, query) {
  const asked = plain(query).split(/\s+/).filter(Boolean);
  const excerpt = document.createElement("p");
  excerpt.className = "teaser-summary";
  for (const part of text.split(/(\s+)/)) {
    const word = plain(part).replace(/^\W+|\W+$/g, "");
    if (word && asked.some((a) => word.startsWith(a))) {
      const mark = document.createElement("mark");
      mark.textContent = part;
      excerpt.append(mark);
    } else {
      excerpt.append(part);
    }
  }
  return excerpt;
}

function said(count, query) {
  if (!count) return `Không tìm thấy bài nào cho “${query}”. Thử bớt một từ, hoặc tìm theo các lối bên dưới.`;
  return `Tìm thấy ${count} bài cho “${query}”.`;
}

// Pagefind ranks each word on its own. Vietnamese words are syllables ("Đảng bộ" is one word in two), so
// among the first POOL results, those with the query's words side by side (in the title, then anywhere) come first.
const POOL = 20;
function together(data, phrase) {
  if (!phrase.includes(" ")) return 0;
  return (plain(data.meta.title).includes(phrase) ? 2 : 0) + (plain(data.content).includes(phrase) ? 1 : 0);
}

async function show(results, from, query, run) {
  const size = from === 0 ? POOL : PAGE;
  const phrase = plain(query).split(/\s+/).join(" ");
  const page = await Promise.all(results.slice(from, from + size).map(async (r, i) => ({ ...(await r.data()), score: r.score, rank: i })));
  if (run !== latest) return;
  // then by Pagefind's score; equally good matches: the newest first
  page.sort((a, b) => (together(b, phrase) - together(a, phrase)) || (b.score - a.score) ||
                      (b.meta.iso || "").localeCompare(a.meta.iso || "") || a.rank - b.rank);
  list.append(...page.filter((d) => !replaced.has(d.url) || d.meta.edition === "recent").map((d) => item(d, query)));
  document.getElementById("xem-them")?.remove();
  if (from + size < results.length) {
    const more = document.createElement("button");
    more.id = "xem-them";
    more.type = "button";
    more.textContent = "Xem thêm kết quả";
    more.addEventListener("click", () => show(results, from + size, query, run));
    list.after(more);
  }
}

async function search(push) {
  const query = input.value.trim();
  const run = ++latest;
  const address = new URL(location.href);
  address.search = "";
  if (query) address.searchParams.set("q", query);
  if (section.value) address.searchParams.set("chuyen-muc", section.value);
  if (directive.value) address.searchParams.set("van-ban", directive.value);
  if (push) history.replaceState(null, "", address);
  if (!query) {
    list.replaceChildren();
    status.textContent = "";
    return;
  }
  status.textContent = "Đang tìm…";
  const engine = await pagefind();
  const asked = fold(query).replace(/"/g, " ").split(/\s+/).filter(Boolean);
  const kept = asked.filter((word) => !stop.has(plain(word)));
  const found = await engine.search((kept.length ? kept : asked).join(" "), { filters: filters() });
  if (run !== latest) return;
  const results = found.results;
  list.replaceChildren();
  document.getElementById("xem-them")?.remove();
  status.textContent = said(results.length, query);
  await show(results, 0, query, run);
}

let typing = 0;
form.addEventListener("submit", (event) => { event.preventDefault(); search(true); });
input.addEventListener("input", () => { clearTimeout(typing); typing = setTimeout(() => search(true), 250); });
for (const select of [section, directive]) select.addEventListener("change", () => search(true));
form.querySelector(".search-filters").hidden = false;
const asked = new URLSearchParams(location.search);
input.value = asked.get("q") || "";
section.value = asked.get("chuyen-muc") || "";
directive.value = asked.get("van-ban") || "";
if (input.value) search(false);
