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
  /* Only the questions that must be answered count; the optional open ones never do. */
  var required = cards.filter(function (card) { return card.hasAttribute("data-required"); });
  var progress = document.getElementById("survey-progress");
  var progressText = progress.querySelector(".survey-progress-text");
  var progressFill = progress.querySelector(".survey-progress-fill");
  var review = document.getElementById("survey-review");
  var reviewSummary = review.querySelector(".review-summary");
  var reviewList = review.querySelector(".review-list");
  var reduceMotion = window.matchMedia("(prefers-reduced-motion: reduce)");
  var AUTO_KEY = "survey-auto-advance";
  var current = 0;
  var oneCard = false;
  var lastPointer = null;

  function label(name) { return form.getAttribute("data-label-" + name) || ""; }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (all, key) {
      return values[key] !== undefined ? values[key] : all;
    });
  }

  function clean(text) { return text.replace(/\s+/g, " ").trim(); }

  function checkedIn(card) { return card.querySelector("input[type=radio]:checked"); }

  /* What the respondent gave on a card, as text ("" when nothing). */
  function answerOf(card) {
    var checked = checkedIn(card);
    if (checked) {
      var text = checked.parentNode.querySelector("span");
      return clean((text || checked.parentNode).textContent);
    }
    var area = card.querySelector("textarea");
    if (area && area.value.trim()) {
      var value = clean(area.value);
      return value.length > 80 ? value.slice(0, 79) + "\u2026" : value;
    }
    return "";
  }

  function answered(card) { return answerOf(card) !== ""; }

  function nameOf(card) {
    var name = card.querySelector(".q-name") || card.querySelector(".q-title");
    return clean(name.textContent);
  }

  function scrollTo(element) {
    element.scrollIntoView({ block: "start", behavior: reduceMotion.matches ? "auto" : "smooth" });
  }

  function updateProgress() {
    var total = required.length;
    var done = required.filter(answered).length;
    var text = fill(label("answered"), { n: done, total: total });
    if (progressText.textContent !== text) { progressText.textContent = text; }
    progressFill.style.width = (total ? Math.round(100 * done / total) : 100) + "%";
  }

  /* The review: every question with its answer, the unanswered required ones first,
     each a link to its card. */
  function renderReview() {
    var missing = [];
    var rest = [];
    cards.forEach(function (card) {
      var answer = answerOf(card);
      var isRequired = card.hasAttribute("data-required");
      (isRequired && !answer ? missing : rest).push({ card: card, answer: answer, required: isRequired });
    });
    reviewSummary.textContent = missing.length
      ? fill(label("some-missing"), { n: missing.length })
      : label("all-done");
    review.classList.toggle("has-missing", missing.length > 0);
    var items = document.createDocumentFragment();
    missing.concat(rest).forEach(function (entry) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = "#" + entry.card.id;
      link.className = "review-item" + (entry.answer ? "" : (entry.required ? " review-missing" : " review-empty"));
      var question = document.createElement("span");
      question.className = "review-q";
      question.textContent = nameOf(entry.card);
      var answer = document.createElement("span");
      answer.className = "review-a";
      answer.textContent = entry.answer || label(entry.required ? "missing" : "empty");
      link.appendChild(question);
      link.appendChild(answer);
      item.appendChild(link);
      items.appendChild(item);
    });
    reviewList.textContent = "";
    reviewList.appendChild(items);
  }

  /* After a refused submission: a required question answered since is no longer
     marked, nor listed at the top; the list goes once every one is answered. */
  var errorsBox = document.getElementById("survey-errors");
  var listed = errorsBox ? errorsBox.querySelectorAll("a[href^='#q-']").length : 0;
  function clearFixed() {
    if (!errorsBox) { return; }
    var left = 0;
    Array.prototype.forEach.call(errorsBox.querySelectorAll("a[href^='#q-']"), function (link) {
      var card = document.getElementById(link.getAttribute("href").slice(1));
      var fixed = !!card && card.hasAttribute("data-required") && answered(card);
      if (card) { card.classList.toggle("fixed", fixed); }
      link.parentNode.hidden = fixed;
      if (!fixed) { left += 1; }
    });
    errorsBox.hidden = left === 0;
    var count = errorsBox.querySelector(".errors-count");
    if (left < listed) { count.textContent = fill(label("still-to-answer"), { n: left }); }
  }

  function refresh() {
    updateProgress();
    renderReview();
    clearFixed();
  }

  /* One card at a time (narrow screens): index cards.length is the review. */
  function show(index, focus) {
    current = Math.max(0, Math.min(cards.length, index));
    cards.forEach(function (card, i) { card.classList.toggle("current", i === current); });
    var atReview = current === cards.length;
    review.hidden = !atReview;
    form.classList.toggle("at-review", atReview);
    if (atReview) { renderReview(); }
    if (focus) {
      var target = atReview ? review.querySelector("h2") : cards[current];
      target.focus({ preventScroll: true });
      scrollTo(atReview ? review : cards[current]);
    }
  }

  /* Answering from the review or after an error: each card offers the way back to it. */
  function fixing(on) { form.classList.toggle("fixing", on); }

  function button(className, text, onClick) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "button " + className;
    b.textContent = text;
    b.addEventListener("click", onClick);
    return b;
  }

  function addNav() {
    cards.forEach(function (card, i) {
      card.setAttribute("tabindex", "-1");
      var nav = document.createElement("div");
      nav.className = "card-nav";
      if (i > 0) {
        nav.appendChild(button("card-back", label("back"), function () { show(i - 1, true); }));
      }
      var last = i === cards.length - 1;
      nav.appendChild(button("primary card-next" + (last ? " card-review" : ""),
        label(last ? "review" : "next"), function () { show(i + 1, true); }));
      card.appendChild(nav);
      card.appendChild(button("primary card-to-review", label("to-review"), function () {
        show(cards.length, true);
      }));
    });
    var nav = document.createElement("div");
    nav.className = "card-nav";
    nav.appendChild(button("card-back", label("back"), function () { show(cards.length - 1, true); }));
    review.appendChild(nav);
  }

  /* Where auto-advance goes from card i: on, or (when fixing) to the next unanswered
     card, and to the review when none is left. */
  function nextStop(i) {
    if (!form.classList.contains("fixing")) { return i + 1; }
    for (var j = i + 1; j < cards.length; j++) {
      if (cards[j].hasAttribute("data-required") && !answered(cards[j])) { return j; }
    }
    return cards.length;
  }

  function autoAdvanceOn() { return !!(store && store.getItem(AUTO_KEY) === "1"); }

  function addAutoToggle() {
    var wrap = document.createElement("label");
    wrap.className = "survey-auto";
    var box = document.createElement("input");
    box.type = "checkbox";
    box.checked = autoAdvanceOn();
    box.addEventListener("change", function () {
      if (!store) { return; }
      try {
        if (box.checked) { store.setItem(AUTO_KEY, "1"); } else { store.removeItem(AUTO_KEY); }
      } catch (e) { /* storage blocked: it holds for this page only */ }
      autoAdvance = box.checked;
    });
    wrap.appendChild(box);
    wrap.appendChild(document.createTextNode(" " + label("auto")));
    progress.parentNode.insertBefore(wrap, progress.nextSibling);
    return box.checked;
  }

  var autoAdvance = false;

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

  var firstError = cards.findIndex(function (c) { return c.classList.contains("has-error"); });
  var narrow = window.matchMedia("(max-width: 639px)");
  if (narrow.matches && cards.length > 1) {
    oneCard = true;
    form.classList.add("one-card");
    addNav();
    autoAdvance = addAutoToggle();
    if (firstError >= 0) {
      /* The server found answers missing: straight to the first, the review lists the rest. */
      fixing(true);
      show(firstError, true);
    } else {
      var firstOpen = cards.findIndex(function (c) { return c.hasAttribute("data-required") && !answered(c); });
      show(firstOpen >= 0 ? firstOpen : cards.length);
    }
  } else {
    review.hidden = false;
    if (firstError >= 0) {
      cards[firstError].setAttribute("tabindex", "-1");
      cards[firstError].focus({ preventScroll: true });
      scrollTo(cards[firstError]);
    }
  }
  refresh();

  /* A link to a card (the review's, the error list's): on one card at a time, show it. */
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[href^='#q-']") : null;
    if (!link || !oneCard) { return; }
    var index = cards.findIndex(function (c) { return "#" + c.id === link.getAttribute("href"); });
    if (index < 0) { return; }
    event.preventDefault();
    fixing(true);
    show(index, true);
  });

  /* Which option a finger or a mouse went down on; a key pressed since forgets it. */
  form.addEventListener("pointerdown", function (event) {
    lastPointer = event.target.closest ? event.target.closest("label") : null;
  });
  form.addEventListener("keydown", function () { lastPointer = null; });
  form.addEventListener("change", function (event) {
    save();
    refresh();
    var target = event.target;
    /* Auto-advance after a rating tapped or clicked (arrow keys move within the scale
       and must not leave the card). */
    if (!oneCard || !autoAdvance || target.type !== "radio" || !lastPointer
        || target.closest("label") !== lastPointer) { return; }
    lastPointer = null;
    var index = cards.indexOf(target.closest(".q-card"));
    if (index !== current) { return; }
    window.setTimeout(function () {
      if (current === index) { show(nextStop(index), true); }
    }, reduceMotion.matches ? 0 : 300);
  });
  form.addEventListener("input", function (event) {
    save();
    if (event.target.tagName === "TEXTAREA") { renderReview(); }
  });
  save();
})();
