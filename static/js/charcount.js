// Live character count under each textarea with a limit (forms macro: .char-count). It counts
// as the server does (forum/inputs.py, then the form's trim and length check): characters, not
// UTF-16 units; a line break is one; control characters and spaces around the text do not count.
(function () {
  var CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;
  function length(text) {
    return Array.from(text.replace(/\r\n?/g, "\n").replace(CONTROL, "").trim()).length;
  }
  document.querySelectorAll(".char-count[data-count-for]").forEach(function (counter) {
    var field = document.getElementById(counter.dataset.countFor);
    var value = counter.querySelector(".char-count-value");
    var live = counter.querySelector("[aria-live]");
    var max = parseInt(counter.dataset.max, 10);
    if (!field || !value || !max) return;
    // The browser's own maxlength counts UTF-16 units and would stop emoji early: the counter
    // and the server decide instead.
    field.removeAttribute("maxlength");
    var state = "";
    function update() {
      var n = length(field.value);
      value.textContent = String(n);
      var now = n > max ? "over" : (n > max * 0.9 ? "near" : "");
      counter.classList.toggle("over", now === "over");
      counter.classList.toggle("near", now === "near");
      if (now !== state && live) {
        // Screen readers hear the count only when it crosses a threshold, not on every key.
        live.textContent = now === "over" ? counter.dataset.over : (now === "near" ? counter.dataset.near : "");
      }
      state = now;
    }
    field.addEventListener("input", update);
    update();
  });
})();
