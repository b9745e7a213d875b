/* Survey page enhancements: answers kept in localStorage, a progress indicator,
   one card at a time on narrow screens, and a marker for a link this browser
   answered. Without this script every card shows and the form still submits (the
   server keeps its own marker, a cookie). */
(function () {
  "use strict";

  function storage() {
    try {
      var probe = "__survey_probe__";
      window.localStorage.setItem(probe, "1");
      window.localStorage.removeItem(probe);
      return window.localStorage;
    } catch (e) {
      return null;
    }
  }

  var store = storage();

  /* "survey-answered:<link token>" -> {uid, stamp} of the response this browser stored. */
  function answeredMarker(key) {
    if (!store || !key) { return null; }
    try {
      var marker = JSON.parse(store.getItem(key) || "null");
      return marker && marker.uid ? marker : null;
    } catch (e) { return null; }
  }

  /* The thank-you page: mark a public link answered, and forget the stored answers. */
  var thanks = document.getElementById("survey-thanks");
  if (thanks && store) {
    var done = thanks.getAttribute("data-done");
    var token = thanks.getAttribute("data-link");
    /* Only a response sent from this link's own form was kept under its token (an
       invitation code's is kept under "survey:i:<code>", and a code is marked used). */
    var sent = done && token ? store.getItem("survey:" + token + ":" + done) : null;
    if (sent !== null) {
      var sentStamp = "";
      try { sentStamp = JSON.parse(sent).stamp || ""; } catch (e) { /* kept without a stamp */ }
      try {
        store.setItem("survey-answered:" + token, JSON.stringify({ uid: done, stamp: sentStamp }));
      } catch (e) { /* storage full or blocked: the cookie still marks it */ }
    }
    if (done) {
      for (var i = store.length - 1; i >= 0; i--) {
        var key = store.key(i);
        if (key && key.indexOf("survey:") === 0 && key.slice(-done.length - 1) === ":" + done) {
          store.removeItem(key);
        }
      }
      for (var j = store.length - 1; j >= 0; j--) {
        var k = store.key(j);
        if (k && k.indexOf("survey:") === 0 && store.getItem(k) === done) {
          store.removeItem(k);
        }
      }
    }
  }

  /* "Answer for another person": forget the marker, the server starts a fresh form. */
  Array.prototype.forEach.call(document.querySelectorAll("form.survey-another"), function (another) {
    another.addEventListener("submit", function () {
      if (store) { store.removeItem(another.getAttribute("data-answered-key")); }
    });
  });

  var form = document.getElementById("survey-form");
  if (!form) { return; }

  var base = form.getAttribute("data-storage-key");
  var uidInput = form.querySelector("input[name=uid]");
  var stampInput = form.querySelector("input[name=stamp]");
  /* Only a fresh page takes the kept submission id; a re-rendered POST keeps its own. */
  var keepServerId = form.getAttribute("data-fresh") !== "yes";
  var answeredKey = form.getAttribute("data-answered-key");
  var answeredShown = false;

  /* One response keeps one submission id across reloads: the index key points to it,
     and the answers live under "<link or code>:<uid>". */
  function dataKey() { return base + ":" + uidInput.value; }

  function restore() {
    if (!store) { return; }
    var savedUid = store.getItem(base);
    if (!savedUid) { return; }
    var marker = answeredMarker(answeredKey);
    if (marker && marker.uid === savedUid) { return; }  /* that one is stored already */
    var raw = store.getItem(base + ":" + savedUid);
    if (!raw) { return; }
    var saved;
    try { saved = JSON.parse(raw); } catch (e) { return; }
    if (!saved || !saved.answers) { return; }
    if (!keepServerId && saved.stamp) {
      uidInput.value = savedUid;
      stampInput.value = saved.stamp;
    }
    Object.keys(saved.answers).forEach(function (name) {
      var value = saved.answers[name];
      var fields = form.elements.namedItem(name);
      if (!fields) { return; }
      if (fields.tagName === "TEXTAREA") {
        if (!fields.value) { fields.value = value; }
        return;
      }
      var list = fields.length !== undefined ? fields : [fields];
      var anyChecked = false;
      for (var i = 0; i < list.length; i++) { if (list[i].checked) { anyChecked = true; } }
      if (anyChecked) { return; }  /* the server's re-rendered answer wins */
      for (var j = 0; j < list.length; j++) {
        if (list[j].value === value) { list[j].checked = true; }
      }
    });
  }

  function save() {
    if (!store || answeredShown) { return; }
    var answers = {};
    var elements = form.elements;
    for (var i = 0; i < elements.length; i++) {
      var el = elements[i];
      if (!el.name || el.name === "uid" || el.name === "stamp" || el.closest(".hp")) { continue; }
      if (el.type === "radio") {
        if (el.checked) { answers[el.name] = el.value; }
      } else if (el.tagName === "TEXTAREA" && el.value) {
        answers[el.name] = el.value;
      }
    }
    try {
      store.setItem(base, uidInput.value);
      store.setItem(dataKey(), JSON.stringify({ stamp: stampInput.value, answers: answers }));
    } catch (e) { /* storage full or blocked: the form still works */ }
  }

  var cards = Array.prototype.slice.call(form.querySelectorAll(".q-card"));
  var progress = document.getElementById("survey-progress");
  var progressText = progress.querySelector(".survey-progress-text");
  var progressFill = progress.querySelector(".survey-progress-fill");
  var current = 0;
  var oneCard = false;

  function answered(card) {
    var radios = card.querySelectorAll("input[type=radio]");
    if (!radios.length) { return true; }
    for (var i = 0; i < radios.length; i++) { if (radios[i].checked) { return true; } }
    return false;
  }

  function fill(template, n, total) {
    return template.replace("{n}", n).replace("{total}", total);
  }

  function updateProgress() {
    var total = cards.length;
    var done = cards.filter(answered).length;
    var text = oneCard
      ? fill(form.getAttribute("data-label-progress"), current + 1, total)
      : fill(form.getAttribute("data-label-answered"), done, total);
    progressText.textContent = text;
    progressFill.style.width = (total ? Math.round(100 * (oneCard ? current + 1 : done) / total) : 0) + "%";
  }

  function show(index) {
    current = Math.max(0, Math.min(cards.length - 1, index));
    cards.forEach(function (card, i) { card.classList.toggle("current", i === current); });
    form.classList.toggle("at-last", current === cards.length - 1);
    updateProgress();
  }

  function addNav() {
    cards.forEach(function (card, i) {
      var nav = document.createElement("div");
      nav.className = "card-nav";
      if (i > 0) {
        var back = document.createElement("button");
        back.type = "button";
        back.className = "button card-back";
        back.textContent = form.getAttribute("data-label-back");
        back.addEventListener("click", function () { show(i - 1); cards[current].scrollIntoView(); });
        nav.appendChild(back);
      }
      if (i < cards.length - 1) {
        var next = document.createElement("button");
        next.type = "button";
        next.className = "button primary card-next";
        next.textContent = form.getAttribute("data-label-next");
        next.addEventListener("click", function () { show(i + 1); cards[current].scrollIntoView(); });
        nav.appendChild(next);
      }
      card.appendChild(nav);
    });
  }

  /* This browser stored a response on this link: a fresh form (a reload, the QR code
     again, Back to a page the server sent anew) or the very form sent (restored from
     the back-forward cache) says so instead, and carries the stored submission id, so
     sending it anyway changes nothing. A form re-shown with errors is another
     response in progress (its own id) and stays. */
  function showIfAnswered() {
    var marker = answeredMarker(answeredKey);
    if (!marker || (keepServerId && marker.uid !== uidInput.value)) { return; }
    answeredShown = true;
    uidInput.value = marker.uid;
    if (marker.stamp) { stampInput.value = marker.stamp; }
    document.getElementById("survey-body").hidden = true;
    document.getElementById("survey-answered").hidden = false;
  }

  restore();
  showIfAnswered();
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) { showIfAnswered(); }
  });

  var narrow = window.matchMedia("(max-width: 639px)");
  if (narrow.matches && cards.length > 1) {
    oneCard = true;
    form.classList.add("one-card");
    addNav();
    var firstError = cards.findIndex(function (c) { return c.classList.contains("has-error"); });
    var firstOpen = cards.findIndex(function (c) { return !answered(c); });
    show(firstError >= 0 ? firstError : (firstOpen >= 0 ? firstOpen : 0));
  } else {
    updateProgress();
  }

  form.addEventListener("change", function (event) {
    save();
    updateProgress();
  });
  form.addEventListener("input", save);
  save();
})();
