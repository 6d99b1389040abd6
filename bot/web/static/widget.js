// The website chat as a widget: one <script src=".../chat/widget.js"> tag on the unit's site.
// It talks to the server it was loaded from; the server answers only the origins it allows.
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) { return; }
  var base = new URL(script.src).origin;
  var title = script.getAttribute("data-judul") || "Chat layanan";
  var storeKey = "skm-chat-klien";

  function randomId() {
    var bytes = new Uint8Array(18);
    crypto.getRandomValues(bytes);
    return Array.prototype.map.call(bytes, function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }

  // A pseudonymous id for this browser, kept in its own storage, never a person's data.
  var client = null;
  try { client = localStorage.getItem(storeKey); } catch (e) { client = null; }
  if (!client) {
    client = randomId();
    try { localStorage.setItem(storeKey, client); } catch (e) { /* a private window */ }
  }

  var root = document.createElement("div");
  root.id = "skm-chat";
  root.setAttribute("style", "position:fixed;right:1rem;bottom:1rem;z-index:2147483000;" +
    "font:16px/1.4 system-ui,sans-serif;max-width:calc(100vw - 2rem)");
  var toggle = document.createElement("button");
  toggle.type = "button";
  toggle.textContent = title;
  toggle.setAttribute("aria-expanded", "false");
  toggle.setAttribute("style", "background:#1d4e89;color:#fff;border:0;border-radius:2rem;" +
    "padding:.75rem 1.25rem;font:inherit;cursor:pointer");
  var panel = document.createElement("section");
  panel.hidden = true;
  panel.setAttribute("aria-label", title);
  panel.setAttribute("style", "width:22rem;max-width:100%;height:28rem;max-height:70vh;" +
    "background:#fff;border:1px solid #c8d1da;border-radius:.5rem;display:flex;" +
    "flex-direction:column;margin-bottom:.5rem;box-shadow:0 4px 16px rgba(0,0,0,.2)");
  var log = document.createElement("div");
  log.className = "skm-log";
  log.setAttribute("aria-live", "polite");
  log.setAttribute("style", "flex:1;overflow-y:auto;padding:.75rem");
  var form = document.createElement("form");
  form.setAttribute("style", "display:flex;gap:.5rem;padding:.5rem;border-top:1px solid #c8d1da");
  var input = document.createElement("input");
  input.type = "text";
  input.name = "teks";
  input.maxLength = 2000;
  input.setAttribute("aria-label", "Ketik pesan");
  input.setAttribute("style", "flex:1;min-width:0;font:inherit;padding:.5rem");
  var send = document.createElement("button");
  send.type = "submit";
  send.textContent = "Kirim";
  send.setAttribute("style", "font:inherit;padding:.5rem .75rem");
  form.appendChild(input);
  form.appendChild(send);
  panel.appendChild(log);
  panel.appendChild(form);
  root.appendChild(panel);
  root.appendChild(toggle);

  function bubble(text, mine) {
    var p = document.createElement("p");
    p.textContent = text;
    p.className = mine ? "skm-mine" : "skm-reply";
    p.setAttribute("style", "white-space:pre-line;margin:0 0 .5rem;padding:.5rem;border-radius:.5rem;" +
      (mine ? "background:#e3edf7;margin-left:2rem" : "background:#f4f6f8;margin-right:1rem"));
    log.appendChild(p);
    return p;
  }

  function options(list) {
    var box = document.createElement("div");
    box.setAttribute("style", "display:flex;flex-wrap:wrap;gap:.4rem;margin-bottom:.5rem");
    list.forEach(function (option) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "skm-option";
      b.textContent = option.label;
      b.setAttribute("style", "font:inherit;min-height:2.5rem;padding:.25rem .6rem;" +
        "border:1px solid #1d4e89;border-radius:.4rem;background:#fff;color:#1d4e89;cursor:pointer");
      b.addEventListener("click", function () {
        bubble(option.label, true);
        post("option", option.id);
      });
      box.appendChild(b);
    });
    log.appendChild(box);
  }

  function show(replies) {
    replies.forEach(function (reply) {
      if (reply.lampiran && reply.lampiran.jenis === "image") {
        var img = document.createElement("img");
        img.alt = reply.lampiran.nama;
        img.src = "data:image/" + (/\.svg$/.test(reply.lampiran.nama) ? "svg+xml" : "png") +
          ";base64," + reply.lampiran.data;
        img.setAttribute("style", "max-width:100%");
        log.appendChild(img);
      }
      if (reply.teks) { bubble(reply.teks, false); }
      if (reply.pilihan && reply.pilihan.length) { options(reply.pilihan); }
    });
    log.scrollTop = log.scrollHeight;
  }

  // Each event has its own id and is sent again, with the same id, until the server answers:
  // the server handles it once however often it arrives.
  function post(kind, value) {
    var event = { klien: client, acara: randomId(), jenis: kind, nilai: value || "" };
    deliver(event, 0);
  }

  function deliver(event, attempt) {
    fetch(base + "/chat/api", {
      method: "POST",
      // A simple request (no preflight): the server checks the origin of every post itself,
      // and a refused site can then read why instead of failing blindly.
      headers: { "Content-Type": "text/plain;charset=UTF-8" },
      body: JSON.stringify(event),
      credentials: "omit"
    }).then(function (response) {
      return response.json().then(function (data) { return { status: response.status, data: data }; });
    }).then(function (answer) {
      if (answer.status === 200) { show(answer.data.balasan || []); }
      else if (answer.status >= 500) { retry(event, attempt); }
      else { bubble(answer.data.galat || "", false); }
    }).catch(function () { retry(event, attempt); });
  }

  function retry(event, attempt) {
    setTimeout(function () { deliver(event, attempt + 1); }, Math.min(30000, 1000 * Math.pow(2, attempt)));
  }

  var started = false;
  toggle.addEventListener("click", function () {
    panel.hidden = !panel.hidden;
    panel.style.display = panel.hidden ? "none" : "flex";
    toggle.setAttribute("aria-expanded", String(!panel.hidden));
    if (!panel.hidden && !started) {
      started = true;
      post("start", "");
    }
    if (!panel.hidden) { input.focus(); }
  });
  panel.style.display = "none";
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var text = input.value.trim();
    if (!text) { return; }
    input.value = "";
    bubble(text, true);
    post("text", text);
  });

  function mount() { document.body.appendChild(root); }
  if (document.body) { mount(); } else { document.addEventListener("DOMContentLoaded", mount); }
})();
