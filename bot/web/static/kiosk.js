// The kiosk works without this script; with it, a touch survives a flaky connection: each
// form (an event with its own id) is sent again until the server answers, and the server
// counts it once however often it arrives. It also reads the question aloud (the browser's
// own speech synthesis, in Indonesian) and counts idle time from the last touch.
(function () {
  "use strict";
  var timer = null;
  var sending = false;

  function leaveAfterIdle() {
    if (timer) { clearTimeout(timer); timer = null; }
    var marked = document.querySelector("[data-leave]");
    if (!marked) { return; }
    var seconds = parseInt(marked.getAttribute("data-idle"), 10);
    timer = setTimeout(function () {
      window.location.replace(marked.getAttribute("data-leave"));
    }, seconds * 1000);
  }

  function readAloud() {
    var read = document.querySelector(".kiosk-read");
    if (!read || !("speechSynthesis" in window)) { return; }
    read.hidden = false;
    read.addEventListener("click", function () {
      var question = document.getElementById("pertanyaan");
      var utterance = new SpeechSynthesisUtterance(question ? question.textContent : "");
      utterance.lang = read.getAttribute("data-lang") || "id-ID";
      window.speechSynthesis.cancel();
      window.speechSynthesis.speak(utterance);
    });
  }

  function show(html) {
    var page = new DOMParser().parseFromString(html, "text/html");
    document.body.replaceWith(document.adoptNode(page.body));
    document.title = page.title;
    sending = false;
    setUp();
  }

  function waiting() {
    var notice = document.querySelector(".kiosk-offline");
    if (notice) { notice.hidden = false; }
  }

  function send(body, attempt) {
    fetch("/kiosk", {
      method: "POST",
      body: body,
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      credentials: "same-origin"
    }).then(function (response) {
      if (response.status >= 500) { throw new Error("not yet"); }
      return response.text();
    }).then(show).catch(function () {
      waiting();
      setTimeout(function () { send(body, attempt + 1); }, Math.min(5000, 500 * Math.pow(2, attempt)));
    });
  }

  function setUp() {
    readAloud();
    leaveAfterIdle();
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.getAttribute("action") !== "/kiosk") { return; }
    event.preventDefault();
    if (sending) { return; }
    sending = true;
    send(new URLSearchParams(new FormData(form, event.submitter)).toString(), 0);
  });
  ["pointerdown", "keydown", "input"].forEach(function (kind) {
    document.addEventListener(kind, leaveAfterIdle, { passive: true });
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUp);
  } else {
    setUp();
  }
})();
