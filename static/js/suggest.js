// Similar resolved questions under the title while asking. Without JS the form works as is.
(function () {
  var input = document.querySelector("[data-suggest-url]");
  var box = document.getElementById("suggestions");
  if (!input || !box || !window.fetch) return;
  var list = box.querySelector("ul");
  var timer = null, last = "";
  function show(items) {
    list.textContent = "";
    items.forEach(function (item) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = item.url; a.textContent = item.title; a.target = "_blank"; a.rel = "noopener";
      li.appendChild(a); list.appendChild(li);
    });
    box.hidden = items.length === 0;
  }
  function lookup() {
    var q = input.value.trim();
    if (q === last) return;
    last = q;
    if (q.length < 2) { show([]); return; }
    fetch(input.dataset.suggestUrl + "?q=" + encodeURIComponent(q), {headers: {"Accept": "application/json"}})
      .then(function (r) { return r.ok ? r.json() : []; })
      .then(function (items) { if (input.value.trim() === q) show(items); })
      .catch(function () { show([]); });
  }
  input.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(lookup, 250); });
})();
