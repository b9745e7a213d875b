/* The assessor questionnaire: answers kept in localStorage until submitted, so a reload
   (or a phone that drops the tab) loses nothing. Without this script the form still
   works; the server keeps the answers of a form sent back with errors.

   Kept as the stakeholder survey keeps them (survey.js): "survey:i:<code>" holds the
   submission id of the response in progress and "survey:i:<code>:<uid>" its stamp and
   answers; the thank-you page (survey.js) forgets both once the response is stored. */
(function () {
  "use strict";

  var store = null;
  try {
    window.localStorage.setItem("__assessor_probe__", "1");
    window.localStorage.removeItem("__assessor_probe__");
    store = window.localStorage;
  } catch (e) { store = null; }

  var form = document.getElementById("assessor-form");
  if (!form || !store) { return; }
  var base = form.getAttribute("data-storage-key");
  var uidInput = form.querySelector("input[name=uid]");
  var stampInput = form.querySelector("input[name=stamp]");
  /* A fresh page takes the kept submission id (one response keeps one id across
     reloads, so sending it twice stores it once); a page sent back keeps its own. */
  var fresh = form.getAttribute("data-fresh") === "yes";

  function restore() {
    var savedUid = store.getItem(base);
    if (!savedUid) { return; }
    var saved;
    try { saved = JSON.parse(store.getItem(base + ":" + savedUid) || "null"); } catch (e) { return; }
    if (!saved || !saved.answers) { return; }
    if (fresh && saved.stamp) {
      uidInput.value = savedUid;
      stampInput.value = saved.stamp;
    }
    Object.keys(saved.answers).forEach(function (name) {
      var fields = form.elements.namedItem(name);
      if (!fields) { return; }
      var list = fields.length !== undefined ? fields : [fields];
      for (var i = 0; i < list.length; i++) { if (list[i].checked) { return; } }  /* the server's wins */
      for (var j = 0; j < list.length; j++) {
        if (list[j].value === saved.answers[name]) { list[j].checked = true; }
      }
    });
  }

  function save() {
    var answers = {};
    var radios = form.querySelectorAll("input[type=radio]");
    for (var i = 0; i < radios.length; i++) {
      if (radios[i].checked) { answers[radios[i].name] = radios[i].value; }
    }
    try {
      store.setItem(base, uidInput.value);
      store.setItem(base + ":" + uidInput.value,
                    JSON.stringify({ stamp: stampInput.value, answers: answers }));
    } catch (e) { /* storage full or blocked: the form still works */ }
  }

  restore();
  save();
  form.addEventListener("change", save);
})();
