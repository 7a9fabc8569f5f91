/// The playground page served at `GET /` (see `PlaygroundRoute`).
enum PlaygroundPage {
    static let html = #"""
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Kotoba playground</title>
<style>
  body { font: 15px/1.45 system-ui, sans-serif; margin: 0; color: #1d1d1f; background: #f6f6f8; }
  header { display: flex; gap: 1rem; align-items: center; padding: .8rem 1.2rem; background: #20232a; color: #fff; }
  header h1 { font-size: 1.1rem; margin: 0; }
  #status { font-size: .85rem; padding: .15rem .5rem; border-radius: .3rem; background: #555; }
  #status.ready { background: #1f7a3a; } #status.not_ready { background: #a33; }
  header label { margin-left: auto; font-size: .85rem; }
  header input { width: 16rem; }
  nav { display: flex; gap: .3rem; padding: .6rem 1.2rem 0; flex-wrap: wrap; }
  nav button { border: 1px solid #ccc; border-bottom: none; background: #e9e9ee; padding: .4rem .8rem; border-radius: .4rem .4rem 0 0; cursor: pointer; }
  nav button.active { background: #fff; font-weight: 600; }
  main { background: #fff; margin: 0 1.2rem 1.2rem; padding: 1rem; border: 1px solid #ccc; border-radius: 0 .4rem .4rem .4rem; }
  section { display: none; } section.active { display: block; }
  textarea, input[type=text] { width: 100%; box-sizing: border-box; font: inherit; padding: .4rem; }
  textarea { min-height: 4.5rem; }
  .row { display: flex; gap: 1rem; align-items: center; margin: .5rem 0; flex-wrap: wrap; }
  .row label { font-size: .9rem; }
  .row input[type=number] { width: 5rem; }
  button.run { background: #2b5fd9; color: #fff; border: none; padding: .45rem 1.1rem; border-radius: .35rem; cursor: pointer; }
  .answer { margin-top: .8rem; font-size: 1.05rem; }
  .bar { display: flex; align-items: center; gap: .5rem; margin: .2rem 0; }
  .bar span.fill { display: inline-block; height: .8rem; background: #2b5fd9; border-radius: .2rem; }
  .bar span.label { min-width: 9rem; }
  pre { background: #f3f3f6; padding: .6rem; overflow: auto; max-height: 22rem; font-size: .8rem; }
  .timing { font-size: .8rem; color: #555; }
  .error { color: #a33; }
  #empty { color: #555; }
</style>
</head>
<body>
<header>
  <h1>Kotoba playground</h1>
  <span id="status">checking…</span>
  <label>API key <input id="key" type="password" autocomplete="off" placeholder="only if the server asks for one"></label>
</header>
<nav id="tabs"></nav>
<main>
  <p id="empty">Loading the server's models…</p>
  <section data-task="translation" data-title="Translate">
    <textarea id="translate-text">Where is the station?</textarea>
    <div class="row"><label>model <select id="translate-model"></select></label>
      <label>beam <input id="translate-beam" type="number" min="1" max="16" value="4"></label>
      <label>n-best <input id="translate-n" type="number" min="1" max="16" value="1"></label>
      <button class="run" id="translate-run">Translate</button></div>
  </section>
  <section data-task="text-classification" data-title="Classify">
    <textarea id="classify-text">I love this movie.</textarea>
    <div class="row"><label>model <select id="classify-model"></select></label><button class="run" id="classify-run">Classify</button></div>
  </section>
  <section data-task="fill-mask" data-title="Fill mask">
    <input type="text" id="fill-text" value="She wrote a [MASK] to her mother.">
    <div class="row"><label>model <select id="fill-model"></select></label>
      <label>candidates <input id="fill-k" type="number" min="1" max="50" value="5"></label>
      <button class="run" id="fill-run">Fill</button></div>
  </section>
  <section data-task="next-sentence" data-title="Next sentence">
    <input type="text" id="nsp-a" value="He went to the store to buy some milk.">
    <input type="text" id="nsp-b" value="The store was closed, so he came home without it.">
    <div class="row"><label>model <select id="nsp-model"></select></label><button class="run" id="nsp-run">Does B follow A?</button></div>
  </section>
  <section data-task="feature-extraction" data-title="Embeddings">
    <input type="text" id="embed-a" value="A man is playing a guitar.">
    <input type="text" id="embed-b" value="Someone plays an instrument.">
    <div class="row"><label>model <select id="embed-model"></select></label><button class="run" id="embed-run">Cosine</button></div>
  </section>
  <section data-task="word-vectors" data-title="Word vectors">
    <div class="row"><label>positive <input type="text" id="similar-positive" value="king woman"></label>
      <label>negative <input type="text" id="similar-negative" value="man"></label></div>
    <div class="row"><label>model <select id="similar-model"></select></label>
      <label>top k <input id="similar-k" type="number" min="1" max="100" value="10"></label>
      <button class="run" id="similar-run">Similar words</button></div>
  </section>
  <div class="answer" id="answer"></div>
  <div class="timing" id="timing"></div>
  <pre id="json"></pre>
</main>
<script>
"use strict";
const $ = (id) => document.getElementById(id);
const sections = [...document.querySelectorAll("section")];

function headers() {
  const h = { "Content-Type": "application/json" };
  const key = $("key").value.trim();
  if (key) h["Authorization"] = "Bearer " + key;
  return h;
}

function show(text, isError) {
  $("answer").textContent = text;
  $("answer").className = "answer" + (isError ? " error" : "");
}

async function call(path, body) {
  $("answer").textContent = "…";
  $("timing").textContent = "";
  const started = performance.now();
  const response = await fetch(path, { method: "POST", headers: headers(), body: JSON.stringify(body) });
  const text = await response.text();
  let json;
  try { json = JSON.parse(text); } catch { json = { raw: text }; }
  $("json").textContent = JSON.stringify(json, null, 2);
  const timing = ["x-total-time", "x-tokenization-time", "x-queue-time", "x-inference-time", "x-batch-size"]
    .map((name) => response.headers.get(name) !== null ? name.replace("x-", "") + " " + response.headers.get(name) : null)
    .filter(Boolean);
  $("timing").textContent = "HTTP " + response.status + " · " + Math.round(performance.now() - started) + " ms round trip"
    + (timing.length ? " · " + timing.join(" · ") : "");
  if (!response.ok) {
    show((json.error_type || "error") + ": " + (json.error || text), true);
    return null;
  }
  return json;
}

function bars(items) {
  const box = document.createElement("div");
  for (const item of items) {
    const row = document.createElement("div");
    row.className = "bar";
    const label = document.createElement("span");
    label.className = "label";
    label.textContent = item.label;
    const fill = document.createElement("span");
    fill.className = "fill";
    fill.style.width = Math.max(2, Math.round(240 * Math.max(0, Math.min(1, item.score)))) + "px";
    const value = document.createElement("span");
    value.textContent = item.score.toFixed(4);
    row.append(label, fill, value);
    box.append(row);
  }
  $("answer").className = "answer";
  $("answer").replaceChildren(box);
}

function model(select) { return $(select).value || undefined; }

$("translate-run").onclick = async () => {
  const json = await call("/translate", { text: $("translate-text").value, model: model("translate-model"),
    beam_size: Number($("translate-beam").value), num_return_sequences: Number($("translate-n").value), return_scores: true });
  if (json) show(json.results[0].translations.map((t) => t.translation_text).join("\n"));
};
$("classify-run").onclick = async () => {
  const json = await call("/classify", { text: $("classify-text").value, model: model("classify-model") });
  if (json) bars(json.results[0].predictions);
};
$("fill-run").onclick = async () => {
  const json = await call("/fill-mask", { text: $("fill-text").value, model: model("fill-model"), top_k: Number($("fill-k").value) });
  if (json) bars(json.results[0].predictions[0].map((p) => ({ label: p.token_str, score: p.score })));
};
$("nsp-run").onclick = async () => {
  const json = await call("/next-sentence", { text: $("nsp-a").value, text_pair: $("nsp-b").value, model: model("nsp-model") });
  if (json) bars(json.results[0].predictions);
};
$("embed-run").onclick = async () => {
  const json = await call("/embed", { text: [$("embed-a").value, $("embed-b").value], model: model("embed-model") });
  if (!json) return;
  const [a, b] = json.results.map((r) => r.embedding);
  let dot = 0, na = 0, nb = 0;
  for (let i = 0; i < a.length; i++) { dot += a[i] * b[i]; na += a[i] * a[i]; nb += b[i] * b[i]; }
  show("cosine similarity " + (dot / Math.sqrt(na * nb)).toFixed(4));
};
$("similar-run").onclick = async () => {
  const words = (id) => $(id).value.split(/\s+/).filter(Boolean);
  const body = { positive: words("similar-positive"), model: model("similar-model"), top_k: Number($("similar-k").value) };
  if (words("similar-negative").length) body.negative = words("similar-negative");
  const json = await call("/similar", body);
  if (json) bars(json.results.map((r) => ({ label: r.word, score: r.score })));
};

let current = null;
function select(tab) {
  current = tab;
  for (const s of sections) s.classList.toggle("active", s.dataset.task === tab);
  for (const b of $("tabs").children) b.classList.toggle("active", b.dataset.task === tab);
  $("answer").textContent = ""; $("timing").textContent = ""; $("json").textContent = "";
}

async function load() {
  const ready = await fetch("/readyz").then((r) => r.json()).catch(() => null);
  $("status").textContent = ready ? ready.status.replace("_", " ") : "unreachable";
  $("status").className = ready ? ready.status : "not_ready";
  $("status").title = ready && ready.reasons.length ? ready.reasons.join("\n") : "";
  const list = await fetch("/v1/models", { headers: headers() });
  if (!list.ok) {
    $("empty").textContent = list.status === 401 ? "This server needs an API key: type it above." : "Cannot list models (HTTP " + list.status + ").";
    return;
  }
  const models = (await list.json()).data;
  const tasks = [...new Set(models.map((m) => m.task))];
  $("tabs").replaceChildren();
  for (const s of sections) {
    const mine = models.filter((m) => m.task === s.dataset.task);
    const chooser = s.querySelector("select");
    chooser.replaceChildren(...mine.map((m) => { const o = document.createElement("option"); o.value = m.id; o.textContent = m.id + (m.default ? " (default)" : ""); o.selected = m.default; return o; }));
    if (!mine.length) continue;
    const b = document.createElement("button");
    b.textContent = s.dataset.title; b.dataset.task = s.dataset.task; b.onclick = () => select(s.dataset.task);
    $("tabs").append(b);
  }
  $("empty").style.display = tasks.length ? "none" : "block";
  if (!tasks.length) $("empty").textContent = "No models are loaded.";
  // A reload (the key field changed) keeps the tab the user is on.
  if (current && tasks.includes(current)) select(current);
  else if ($("tabs").firstChild) select($("tabs").firstChild.dataset.task);
}
$("key").addEventListener("change", load);
load();
setInterval(() => fetch("/readyz").then((r) => r.json()).then((ready) => {
  $("status").textContent = ready.status.replace("_", " "); $("status").className = ready.status;
}).catch(() => { $("status").textContent = "unreachable"; $("status").className = "not_ready"; }), 5000);
</script>
</body>
</html>
"""#
}
