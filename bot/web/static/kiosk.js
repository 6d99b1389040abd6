// The kiosk without this script works as well: this adds reading the question aloud (the
// browser's own speech synthesis, in Indonesian) and counts idle time from the last touch.
(function () {
  "use strict";
  var survey = document.querySelector(".kiosk-survey");
  if (!survey) { return; }
  var read = survey.querySelector(".kiosk-read");
  if (read && "speechSynthesis" in window) {
    read.hidden = false;
    read.addEventListener("click", function () {
      var question = document.getElementById("pertanyaan");
      var utterance = new SpeechSynthesisUtterance(question ? question.textContent : "");
      utterance.lang = read.getAttribute("data-lang") || "id-ID";
      window.speechSynthesis.cancel();
      window.speechSynthesis.speak(utterance);
    });
  }
  var idle = parseInt(survey.getAttribute("data-idle"), 10) * 1000;
  var leave = survey.getAttribute("data-leave");
  var timer = null;
  function restart() {
    if (timer) { clearTimeout(timer); }
    timer = setTimeout(function () { window.location.replace(leave); }, idle);
  }
  ["pointerdown", "keydown", "input"].forEach(function (kind) {
    document.addEventListener(kind, restart, { passive: true });
  });
  restart();
})();
